// coding.h: explicit binary encoding for what the gateway writes to disk: fixed-width
// little-endian integers and unsigned varints (7 bits a byte, low group first, high bit = more),
// appended to a std::string and read from the front of a std::string_view. The byte order is
// the same on every host, whatever its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace edgegw {

// Appending.
void put_fixed32(std::string& out, uint32_t v);
void put_fixed64(std::string& out, uint64_t v);
void put_varint32(std::string& out, uint32_t v);
void put_varint64(std::string& out, uint64_t v);
// A varint32 length, then the bytes.
void put_length_prefixed(std::string& out, std::string_view bytes);

// Decoding from exactly 4 / 8 bytes at p.
uint32_t decode_fixed32(const char* p);
uint64_t decode_fixed64(const char* p);

// Reading from the front of `in`, which advances past what was read. Each returns false, and
// leaves `in` as it was, when the input is too short or malformed (a varint over its width).
bool get_fixed32(std::string_view& in, uint32_t& v);
bool get_fixed64(std::string_view& in, uint64_t& v);
bool get_varint32(std::string_view& in, uint32_t& v);
bool get_varint64(std::string_view& in, uint64_t& v);
bool get_length_prefixed(std::string_view& in, std::string_view& bytes);

// Bytes a varint of v takes (1 to 10).
size_t varint_length(uint64_t v);

}  // namespace edgegw
