// id_table.cpp: the arena and the open-addressing (linear probing) hash table.
#include "gateway/detect/id_table.h"

#include <functional>
#include <stdexcept>

namespace edgegw {

void IdTable::reserve(size_t ids, size_t chars) {
  chars_.reserve(chars);
  ends_.reserve(ids);
  size_t want = 16;
  while (want < ids * 2) want *= 2;
  if (want > slots_.size()) rehash(want);
}

size_t IdTable::slot_of(std::string_view id) const {
  const size_t mask = slots_.size() - 1;
  size_t s = std::hash<std::string_view>{}(id)&mask;
  while (slots_[s] != kNone && at(slots_[s]) != id) s = (s + 1) & mask;
  return s;
}

void IdTable::rehash(size_t slot_count) {
  slots_.assign(slot_count, kNone);
  for (uint32_t n = 0; n < ends_.size(); ++n) slots_[slot_of(at(n))] = n;
}

uint32_t IdTable::find(std::string_view id) const {
  if (slots_.empty()) return kNone;
  return slots_[slot_of(id)];
}

uint32_t IdTable::intern(std::string_view id) {
  if ((ends_.size() + 1) * 2 > slots_.size()) rehash(slots_.empty() ? 16 : slots_.size() * 2);
  const size_t s = slot_of(id);
  if (slots_[s] != kNone) return slots_[s];
  if (chars_.size() + id.size() > std::numeric_limits<uint32_t>::max() || ends_.size() >= kNone)
    throw std::length_error("id table full");
  chars_.append(id);
  ends_.push_back(static_cast<uint32_t>(chars_.size()));
  const auto n = static_cast<uint32_t>(ends_.size() - 1);
  slots_[s] = n;
  return n;
}

}  // namespace edgegw
