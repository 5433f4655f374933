#pragma once

namespace libregistry::detail {

/// `map.find(key)` on an absl hash table (flat or node; `key` of any type
/// the table looks up), with the slot that the probe starts at prefetched
/// together with the control bytes. In a table larger than the cache the
/// two misses then overlap instead of the slot's load waiting for the
/// control bytes' match; in a node table that leaves two dependent misses
/// of three (control bytes and slot, then the node). Measured in
/// docs/design.md, "The read path". Cost: one probe; the key is hashed
/// twice unless the table's hasher returns a stored hash (`hashed_key`).
template <class Map, class Key>
typename Map::const_iterator prefetched_find(const Map& map, const Key& key) {
  map.prefetch(key);
  return map.find(key);
}

} // namespace libregistry::detail
