// coding.cpp: fixed-width little-endian and varint encoding, byte by byte (no host order).
#include "util/coding.h"

namespace edgegw {

void put_fixed32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put_fixed64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put_varint64(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_varint32(std::string& out, uint32_t v) {
  put_varint64(out, v);
}

void put_length_prefixed(std::string& out, std::string_view bytes) {
  put_varint32(out, static_cast<uint32_t>(bytes.size()));
  out.append(bytes);
}

uint32_t decode_fixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return v;
}

uint64_t decode_fixed64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return v;
}

bool get_fixed32(std::string_view& in, uint32_t& v) {
  if (in.size() < 4) return false;
  v = decode_fixed32(in.data());
  in.remove_prefix(4);
  return true;
}

bool get_fixed64(std::string_view& in, uint64_t& v) {
  if (in.size() < 8) return false;
  v = decode_fixed64(in.data());
  in.remove_prefix(8);
  return true;
}

namespace {

bool get_varint(std::string_view& in, uint64_t& v, int max_bits) {
  uint64_t result = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const int shift = static_cast<int>(7 * i);
    if (shift >= max_bits) return false;
    const uint64_t byte = static_cast<unsigned char>(in[i]);
    const uint64_t group = byte & 0x7f;
    if (shift > 0 && max_bits - shift < 7 && (group >> (max_bits - shift)) != 0) return false;
    result |= group << shift;
    if (!(byte & 0x80)) {
      v = result;
      in.remove_prefix(i + 1);
      return true;
    }
  }
  return false;
}

}  // namespace

bool get_varint32(std::string_view& in, uint32_t& v) {
  uint64_t wide = 0;
  if (!get_varint(in, wide, 32)) return false;
  v = static_cast<uint32_t>(wide);
  return true;
}

bool get_varint64(std::string_view& in, uint64_t& v) {
  return get_varint(in, v, 64);
}

bool get_length_prefixed(std::string_view& in, std::string_view& bytes) {
  std::string_view rest = in;
  uint32_t n = 0;
  if (!get_varint32(rest, n) || rest.size() < n) return false;
  bytes = rest.substr(0, n);
  rest.remove_prefix(n);
  in = rest;
  return true;
}

size_t varint_length(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

}  // namespace edgegw
