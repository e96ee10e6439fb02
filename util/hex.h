// hex.h: hexadecimal digits and bytes (CJ/T 188 frames, replay captures, URL escapes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace edgegw {

// The value of one hex digit (either case), or -1.
inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Hex text without separators -> bytes; false (out unspecified) on an odd length or a non-digit.
bool unhex(std::string_view hex, std::string& out);

// Bytes as upper-case hex pairs separated by spaces ("68 10 AA").
std::string hex_bytes(const uint8_t* p, size_t n);

}  // namespace edgegw
