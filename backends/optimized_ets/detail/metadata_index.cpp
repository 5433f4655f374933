#include <libregistry/backends/optimized_ets/detail/metadata_index.hpp>

#include <cstring>
#include <string>

#include <libregistry/backends/detail/prefetched_find.hpp>
#include <libregistry/backends/detail/table_bytes.hpp>
#include <libregistry/detail/allocation.hpp>

namespace libregistry::optimized_ets::detail {

namespace {

/// Appends the bytes of `x` as they are in memory.
template <class T>
void append_bytes(std::string& out, const T& x) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &x, sizeof(T));
  out.append(bytes, sizeof(T));
}

/// Appends `x` canonically: its type, then its value exactly, lengths
/// before strings and element counts before lists and maps, so that no
/// encoding is a prefix of another. Values that compare equal (`==`, what
/// `field_matches` asks) encode equally and unequal ones differently: the
/// one double equal to another of other bits, -0.0, encodes as 0.0, and
/// NaN, equal to nothing, is never confirmed by `field_matches`. Cost:
/// O(size of `x`); recursion as deep as `x` nests.
void append_value(std::string& out, const metadata_value& x) {
  out += static_cast<char>('0' + x.get_data().index());
  if (auto d = caf::get_if<double>(&x)) {
    append_bytes(out, *d == 0.0 ? 0.0 : *d);
  } else if (auto i = caf::get_if<int64_t>(&x)) {
    append_bytes(out, *i);
  } else if (auto b = caf::get_if<bool>(&x)) {
    out += *b ? '1' : '0';
  } else if (auto t = caf::get_if<caf::timespan>(&x)) {
    append_bytes(out, t->count());
  } else if (auto a = caf::get_if<caf::atom_value>(&x)) {
    append_bytes(out, static_cast<uint64_t>(*a));
  } else if (auto xs = caf::get_if<metadata_value::list>(&x)) {
    append_bytes(out, xs->size());
    for (auto& y : *xs)
      append_value(out, y);
  } else if (auto m = caf::get_if<metadata_value::dictionary>(&x)) {
    append_bytes(out, m->size());
    for (auto& [key, y] : *m) {
      append_bytes(out, key.size());
      out += key;
      append_value(out, y);
    }
  } else {
    // A string, or a URI as its text.
    auto text = caf::holds_alternative<std::string>(x)
                    ? caf::get<std::string>(x)
                    : to_string(x);
    append_bytes(out, text.size());
    out += text;
  }
}

/// Encodes `field = value` as one string: the field with its length, then
/// the value (`append_value`). Pairs encode equally exactly when their
/// fields are equal and their values compare equal (NaN aside).
std::string encode(const std::string& field, const metadata_value& value) {
  std::string result;
  append_bytes(result, field.size());
  result += field;
  append_value(result, value);
  return result;
}

} // namespace

void metadata_index::link(posting_map& owner, reverse_entry& rev,
                          std::string pair, const node& x) {
  auto [i, added] = owner.try_emplace(std::move(pair));
  if (added)
    ++postings_;
  if (i->second.insert(&x).second) {
    rev.postings.push_back(&*i);
    ++references_;
  }
}

void metadata_index::added(const node& x) {
  if (x.second.meta.empty())
    return;
  auto& owner = by_namespace_[x.first.ns()];
  auto& rev = reverse_[&x];
  rev.owner = &owner;
  for (auto& [field, value] : x.second.meta) {
    link(owner, rev, encode(field, value), x);
    if (auto xs = caf::get_if<metadata_value::list>(&value))
      for (auto& element : *xs)
        link(owner, rev, encode(field, element), x);
  }
}

void metadata_index::removed(const node& node_ref) {
  auto x = &node_ref;
  auto i = reverse_.find(x);
  if (i == reverse_.end())
    return;
  auto& owner = *i->second.owner;
  for (auto posting : i->second.postings) {
    posting->second.erase(x);
    --references_;
    if (posting->second.empty()) {
      --postings_;
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
  auto j =
      libregistry::detail::prefetched_find(i->second, encode(field, value));
  return j == i->second.end() ? nullptr : &j->second;
}

void metadata_index::dropped(const name_space& ns) {
  by_namespace_.erase(ns);
}

void metadata_index::cleared() {
  by_namespace_.clear();
  reverse_.clear();
  postings_ = 0;
  references_ = 0;
}

uint64_t metadata_index::memory_bytes() const {
  using posting_node = posting_map::value_type;
  using libregistry::detail::allocation_bytes;
  using libregistry::detail::pointer_table_bytes;
  using libregistry::detail::table_bytes;
  uint64_t result = 0;
  for (auto& [ns, postings] : by_namespace_) {
    result += pointer_table_bytes(postings.capacity());
    for (auto& [pair, nodes] : postings) {
      // The map's node, the pair's string and the set's slot array.
      result += allocation_bytes(sizeof(posting_node)) +
                allocation_bytes(heap_bytes(pair)) +
                pointer_table_bytes(nodes.capacity());
    }
  }
  result +=
      table_bytes(reverse_.capacity(), sizeof(decltype(reverse_)::value_type));
  for (auto& [x, rev] : reverse_)
    result += allocation_bytes(rev.postings.capacity() * sizeof(void*));
  return result;
}

} // namespace libregistry::optimized_ets::detail
