#pragma once

#include <algorithm>

namespace libregistry::detail {

/// Removes `value` from the list that `index` (a map from keys to vectors)
/// holds under `key`, and the key with its last value. A missing key or
/// value changes nothing. Cost: one probe plus O(that list's length).
/// Backends use it for their per-actor indexes.
template <class Map, class Key, class Value>
void erase_from_index(Map& index, const Key& key, const Value& value) {
  auto i = index.find(key);
  if (i == index.end())
    return;
  auto& xs = i->second;
  xs.erase(std::remove(xs.begin(), xs.end(), value), xs.end());
  if (xs.empty())
    index.erase(i);
}

} // namespace libregistry::detail
