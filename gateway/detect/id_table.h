// id_table.h: ids (sensor, household) interned once: each id's characters in one arena, numbered
// 0, 1, 2... in the order they were added, found by an open-addressing hash table of numbers.
// About 13 bytes per id plus its characters, against about 100 for a std::string key in a
// std::unordered_map node plus a std::string in an index -> id vector (bench/README.md "Memory").
// Ids are never removed: a table is rebuilt when the set changes (a reload).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace edgegw {

class IdTable {
 public:
  static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

  // Room for `ids` ids of `chars` characters in all, without growing.
  void reserve(size_t ids, size_t chars);
  // The number of `id`, added as the next number when it is not in the table yet.
  uint32_t intern(std::string_view id);
  // The number of `id`, or kNone.
  uint32_t find(std::string_view id) const;
  // The id numbered `n` (< size()); valid until the next intern().
  std::string_view at(uint32_t n) const {
    return std::string_view(chars_).substr(ends_[n] - length(n), length(n));
  }
  size_t size() const { return ends_.size(); }
  // Heap bytes held (for the memory figures).
  size_t bytes() const {
    return chars_.capacity() + ends_.capacity() * sizeof(uint32_t) +
           slots_.capacity() * sizeof(uint32_t);
  }

 private:
  uint32_t length(uint32_t n) const { return ends_[n] - (n == 0 ? 0 : ends_[n - 1]); }
  void rehash(size_t slot_count);
  size_t slot_of(std::string_view id) const;  // the slot holding id, or the empty one for it

  std::string chars_;            // every id, one after the other
  std::vector<uint32_t> ends_;   // id n is chars_[ends_[n-1], ends_[n])
  std::vector<uint32_t> slots_;  // power of two, at most half full: id number, or kNone
};

}  // namespace edgegw
