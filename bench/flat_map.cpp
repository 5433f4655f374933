#include "bench/flat_map.hpp"

#include <string>

#include "bench/fixture.hpp"

namespace libregistry::bench {

std::shared_ptr<const flat_map> flat_map_of(size_t n) {
  static last_value_cache<flat_map> cache;
  return cache.get(std::to_string(n), [n] {
    auto result = std::make_shared<flat_map>();
    result->keys = shuffled_keys(n);
    result->slots.reserve(n);
    for (size_t i = 0; i < n; ++i)
      result->slots.insert(
          flat_slot{detail::compact_key{key_for(i)}, holder_for(i)});
    return result;
  });
}

} // namespace libregistry::bench
