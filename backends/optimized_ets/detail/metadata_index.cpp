#include "backends/optimized_ets/detail/metadata_index.hpp"

namespace libregistry::optimized_ets::detail {

namespace {

/// Estimated bytes of one reference: a slot (pointer and control byte) in
/// a posting's set at its highest load factor (7/8), and a reverse-index
/// element.
constexpr uint64_t reference_bytes =
    (sizeof(void*) + 1) * 8 / 7 + sizeof(void*);

/// Estimated bytes of one posting beside its key's heap bytes.
constexpr uint64_t posting_bytes =
    sizeof(std::pair<const std::string, metadata_index::node_set>) +
    4 * sizeof(void*);

/// Encodes `field = value` as one string: the field with its length, then
/// the value's type and rendering, so the string "1" and the integer 1 stay
/// apart. Equal pairs encode equally; distinct values that render alike
/// (doubles beyond the printed precision) share a posting, which is why
/// callers confirm each match with `field_matches`.
std::string encode(const std::string& field, const metadata_value& value) {
  auto result = std::to_string(field.size());
  result += ':';
  result += field;
  result += static_cast<char>('0' + value.get_data().index());
  result += to_string(value);
  return result;
}

} // namespace

void metadata_index::link(posting_map& owner, reverse_entry& rev,
                          std::string pair, const node& x) {
  auto [i, added] = owner.try_emplace(std::move(pair));
  if (added) {
    ++postings_;
    memory_bytes_ += posting_bytes + heap_bytes(i->first);
  }
  if (i->second.insert(&x).second) {
    rev.postings.push_back(&*i);
    ++references_;
    memory_bytes_ += reference_bytes;
  }
}

void metadata_index::add(const node& x) {
  if (x.second.meta.empty())
    return;
  auto& owner = by_namespace_[x.first.ns];
  auto& rev = reverse_[&x];
  rev.owner = &owner;
  for (auto& [field, value] : x.second.meta) {
    link(owner, rev, encode(field, value), x);
    if (auto xs = caf::get_if<metadata_value::list>(&value))
      for (auto& element : *xs)
        link(owner, rev, encode(field, element), x);
  }
}

void metadata_index::remove(const node* x) {
  auto i = reverse_.find(x);
  if (i == reverse_.end())
    return;
  auto& owner = *i->second.owner;
  for (auto posting : i->second.postings) {
    posting->second.erase(x);
    --references_;
    memory_bytes_ -= reference_bytes;
    if (posting->second.empty()) {
      --postings_;
      memory_bytes_ -= posting_bytes + heap_bytes(posting->first);
      // Erase by iterator: erasing by key would pass a reference into the
      // node being destroyed.
      owner.erase(owner.find(posting->first));
    }
  }
  reverse_.erase(i);
}

const metadata_index::node_set*
metadata_index::find(const name_space& ns, const std::string& field,
                     const metadata_value& value) const {
  auto i = by_namespace_.find(ns);
  if (i == by_namespace_.end())
    return nullptr;
  auto j = i->second.find(encode(field, value));
  return j == i->second.end() ? nullptr : &j->second;
}

void metadata_index::drop(const name_space& ns,
                          const ets::ets_state::node_set& nodes) {
  for (auto x : nodes)
    remove(x);
  by_namespace_.erase(ns);
}

void metadata_index::clear() {
  by_namespace_.clear();
  reverse_.clear();
  postings_ = 0;
  references_ = 0;
  memory_bytes_ = 0;
}

} // namespace libregistry::optimized_ets::detail
