#pragma once

#include <cstddef>
#include <memory>
#include <utility>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <caf/actor_addr.hpp>

#include <libregistry/backends/detail/actor_addr_hash.hpp>
#include <libregistry/backends/detail/table_bytes.hpp>

namespace libregistry::detail {

/// A set of pointers that keeps a single element inline, so that the usual
/// entry of a per-actor index (an actor under one name) allocates nothing.
/// From the second element on, all elements live in a hash set.
///
/// Invariant: either `many_` is null and `one_` is the element (null if
/// none), or `many_` holds every element and `one_` is null.
///
/// Cost: insert, erase O(1) expected; 16 bytes, plus the hash set once an
/// actor has had two names at once (`heap_bytes`).
template <class T>
class pointer_set {
public:
  /// Adds `x`; false if it was there already.
  bool insert(T* x) {
    if (many_)
      return many_->insert(x).second;
    if (one_ == nullptr) {
      one_ = x;
      return true;
    }
    if (one_ == x)
      return false;
    many_ = std::make_unique<absl::flat_hash_set<T*>>();
    many_->insert(one_);
    many_->insert(x);
    one_ = nullptr;
    return true;
  }

  /// Removes `x` if it is there.
  void erase(T* x) {
    if (many_) {
      many_->erase(x);
      if (many_->empty())
        many_.reset();
    } else if (one_ == x) {
      one_ = nullptr;
    }
  }

  bool empty() const { return one_ == nullptr && !many_; }

  /// Calls `f` with each element.
  template <class F>
  void for_each(F f) const {
    if (many_) {
      for (auto x : *many_)
        f(x);
    } else if (one_ != nullptr) {
      f(one_);
    }
  }

  /// Some element; null if the set is empty.
  T* any() const { return many_ ? *many_->begin() : one_; }

  /// Heap bytes of the hash set as malloc takes them; none while the
  /// element is inline. Cost: O(1).
  size_t heap_bytes() const {
    return many_ ? allocation_bytes(sizeof(*many_)) +
                       pointer_table_bytes(many_->capacity())
                 : 0;
  }

private:
  T* one_ = nullptr;
  std::unique_ptr<absl::flat_hash_set<T*>> many_;
};

/// A backend's per-actor index: each actor's address to the nodes of its
/// names, so that removing a terminated actor costs O(its names). An actor
/// under one name costs one slot of the flat map (`slot_bytes`, and its
/// control byte) and no allocation of its own.
template <class Node>
using actor_index =
    absl::flat_hash_map<caf::actor_addr, pointer_set<const Node>,
                        actor_addr_hash, actor_addr_eq>;

/// Heap bytes of `index` as malloc takes them: its slot array and the hash
/// sets of actors with several names. Cost: O(actors).
template <class Node>
size_t actor_index_bytes(const actor_index<Node>& index) {
  using slot = std::pair<const caf::actor_addr, pointer_set<const Node>>;
  size_t result = table_bytes(index.capacity(), sizeof(slot));
  for (auto& kv : index)
    result += kv.second.heap_bytes();
  return result;
}

} // namespace libregistry::detail
