#pragma once

#include <cstddef>
#include <utility>

#include <libregistry/backends/detail/compact_key.hpp>
#include <libregistry/key.hpp>

namespace libregistry::detail {

/// A key with its hash computed, for probing a table without hashing again.
struct hashed_key {
  size_t hash;
  const registry_key& key;
};

/// A key to store, with its hash computed already (the `key_hash` of the
/// key it was built from), so that inserting it hashes nothing: a table
/// with `key_hash` and `key_eq` probes with it, then builds its node's key
/// from it, which moves `key` out.
template <class Key>
struct hashed_stored_key {
  size_t hash;
  Key& key;

  operator Key() && { return std::move(key); }
};

/// The backends' table hash of a key: absl's, which is fast on short
/// strings and mixes every bit, so a table may pick its shard from the top
/// bits while the map inside places keys by the low bits. A `registry_key`
/// and the `compact_key` built from it hash alike (both hash the same
/// parts), so a table of compact keys is probed with a `registry_key`.
/// Transparent: a `hashed_key` hashes to its stored hash. Cost: one pass
/// over the key's strings (and a decode of a compact key's header).
struct key_hash {
  using is_transparent = void;

  size_t operator()(const registry_key& x) const;

  size_t operator()(const compact_key& x) const;

  size_t operator()(const hashed_key& x) const { return x.hash; }

  template <class Key>
  size_t operator()(const hashed_stored_key<Key>& x) const {
    return x.hash;
  }
};

/// Key equality between keys of one type, and between a stored key and a
/// `hashed_key`.
struct key_eq {
  using is_transparent = void;

  bool operator()(const registry_key& x, const registry_key& y) const {
    return x == y;
  }

  bool operator()(const registry_key& x, const hashed_key& y) const {
    return x == y.key;
  }

  bool operator()(const hashed_key& x, const registry_key& y) const {
    return x.key == y;
  }

  bool operator()(const compact_key& x, const compact_key& y) const {
    return x == y;
  }

  bool operator()(const compact_key& x, const hashed_key& y) const {
    return x.equals(y.key);
  }

  bool operator()(const hashed_key& x, const compact_key& y) const {
    return y.equals(x.key);
  }

  template <class Key>
  bool operator()(const Key& x, const hashed_stored_key<Key>& y) const {
    return (*this)(x, y.key);
  }

  template <class Key>
  bool operator()(const hashed_stored_key<Key>& x, const Key& y) const {
    return (*this)(x.key, y);
  }
};

} // namespace libregistry::detail
