#pragma once

namespace libregistry::detail {

/// Removes `value` from the set that `index` (a map from keys to sets)
/// holds under `key`, and the key with its last value. A missing key or
/// value changes nothing. Cost: two probes, O(1) expected. Backends use it
/// for their per-actor indexes.
template <class Map, class Key, class Value>
void erase_from_index(Map& index, const Key& key, const Value& value) {
  auto i = index.find(key);
  if (i == index.end())
    return;
  i->second.erase(value);
  if (i->second.empty())
    index.erase(i);
}

} // namespace libregistry::detail
