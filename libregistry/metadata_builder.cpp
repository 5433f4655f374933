#include <libregistry/metadata_builder.hpp>

#include <algorithm>

namespace libregistry {

metadata metadata_builder::build() {
  auto by_key = [](const metadata_field& x, const metadata_field& y) {
    return x.key < y.key;
  };
  // Stable, so that the first added of equal keys comes first.
  if (!std::is_sorted(fields_.begin(), fields_.end(), by_key))
    std::stable_sort(fields_.begin(), fields_.end(), by_key);
  metadata result;
  auto& map = result.container();
  for (auto& field : fields_)
    if (map.empty() || map.rbegin()->first != field.key)
      map.emplace_hint(map.end(), std::move(field.key), std::move(field.value));
  fields_ = {};
  return result;
}

} // namespace libregistry
