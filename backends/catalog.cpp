#include "backends/catalog.hpp"

#include "backends/ets/ets_backend.hpp"
#include "backends/registry/partitioned_backend.hpp"
#include "libregistry/errors.hpp"

namespace libregistry {

namespace {

using factory = caf::expected<any_backend> (*)(const caf::settings&);

struct catalog_entry {
  const char* name;
  factory make;
};

template <class Backend>
catalog_entry entry_for() {
  return {Backend::name, &any_backend::make<Backend>};
}

/// Every backend, one line each.
const std::vector<catalog_entry>& catalog() {
  static const std::vector<catalog_entry> entries{
      entry_for<ets::backend>(),
      entry_for<partitioned::backend>(),
  };
  return entries;
}

} // namespace

std::vector<std::string> backend_names() {
  std::vector<std::string> result;
  for (auto& x : catalog())
    result.emplace_back(x.name);
  return result;
}

caf::expected<any_backend> make_backend(const std::string& name,
                                        const caf::settings& options) {
  for (auto& x : catalog())
    if (name == x.name)
      return x.make(options);
  return make_error(registry_errc::unknown_backend,
                    "no backend named '" + name + "'");
}

} // namespace libregistry
