// The "hash" value: its two encodings and the conversion between them. See hash_value.h.
#include "hash_value.h"

#include <new>

namespace hashes {

namespace {

HashTable* make_table() { return new (lunar_alloc(sizeof(HashTable))) HashTable(); }

void destroy_table(HashTable* t) noexcept {
  if (!t) return;
  t->~HashTable();
  lunar_free(t);
}

}  // namespace

HashValue::~HashValue() { destroy_table(table_); }

lunar::Packed::Pos HashValue::packed_find(std::string_view field) const {
  return packed_.find(field, packed_.first(), 1);
}

std::optional<std::string_view> HashValue::get(std::string_view field) const {
  if (table_) {
    size_t i = table_->find(field);
    if (i == HashTable::npos) return std::nullopt;
    return table_->at(i).value;
  }
  auto pos = packed_find(field);
  if (pos == lunar::Packed::npos) return std::nullopt;
  return packed_.at(packed_.next(pos));
}

bool HashValue::set(std::string_view field, std::string_view value, const Limits& limits) {
  if (!table_) {
    auto max_value = static_cast<unsigned long long>(limits.max_value);
    size_t grow =
        lunar::Packed::encoded_size(field.size()) + lunar::Packed::encoded_size(value.size());
    if (field.size() > max_value || value.size() > max_value ||
        packed_.used() + grow > kPackedSafetyLimit) {
      convert_to_table();
    }
  }
  if (table_) return table_->set(field, value);

  auto pos = packed_find(field);
  bool added = pos == lunar::Packed::npos;
  if (added) {
    packed_.push_back(field);
    packed_.push_back(value);
  } else {
    packed_.replace(packed_.next(pos), value);
  }
  // Checked after an update too: a hash made under a larger limit converts on its next write.
  if (static_cast<long long>(size()) > limits.max_entries) convert_to_table();
  return added;
}

bool HashValue::erase(std::string_view field) {
  if (table_) return table_->erase(field);
  auto pos = packed_find(field);
  if (pos == lunar::Packed::npos) return false;
  packed_.erase(pos, 2);
  return true;
}

void HashValue::convert_to_table() {
  if (table_) return;
  HashTable* t = make_table();
  t->reserve(size());
  for_each([t](std::string_view f, std::string_view v) { t->set(f, v); });
  packed_.clear();
  table_ = t;
}

size_t HashValue::memory_usage() const noexcept {
  return sizeof(HashValue) + (table_ ? table_->memory_usage() : packed_.bytes());
}

HashValue* HashValue::clone() const {
  HashValue* c = make_hash();
  if (table_) {
    c->table_ = make_table();
    c->table_->reserve(table_->size());
    for_each([c](std::string_view f, std::string_view v) { c->table_->set(f, v); });
  } else {
    c->packed_ = packed_.clone();
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// PairIndex
// ---------------------------------------------------------------------------------------------
PairIndex::PairIndex(const HashValue& h) : h_(h), n_(h.size()) {
  if (h.table()) return;
  const lunar::Packed& p = h.packed();
  fields_.reserve(n_);
  for (auto pos = p.first(); pos != lunar::Packed::npos; pos = p.next(p.next(pos))) {
    fields_.push_back(pos);
  }
}

Pair PairIndex::at(size_t i) const {
  if (const HashTable* t = h_.table()) return t->at(i);
  const lunar::Packed& p = h_.packed();
  return {p.at(fields_[i]), p.at(p.next(fields_[i]))};
}

// ---------------------------------------------------------------------------------------------
// Allocation
// ---------------------------------------------------------------------------------------------
HashValue* make_hash() { return new (lunar_alloc(sizeof(HashValue))) HashValue(); }

void destroy_hash(HashValue* h) noexcept {
  if (!h) return;
  h->~HashValue();
  lunar_free(h);
}

}  // namespace hashes
