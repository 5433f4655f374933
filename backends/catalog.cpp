#include "backends/catalog.hpp"

#include <type_traits>
#include <utility>

#include <caf/config_option_adder.hpp>

#include "backends/etcd/etcd_backend.hpp"
#include "backends/ets/ets_backend.hpp"
#include "backends/optimized_ets/optimized_ets_backend.hpp"
#include "backends/registry/partitioned_backend.hpp"
#include "libregistry/errors.hpp"

namespace libregistry {

namespace {

using factory = caf::expected<any_backend> (*)(const caf::settings&,
                                               caf::actor_system*);

using declarer = void (*)(caf::config_option_adder&);

struct catalog_entry {
  const char* name;
  factory make;
  /// Null for a backend that declares no options.
  declarer declare_options;
};

template <class Backend, class = void>
struct declares_options : std::false_type {};

template <class Backend>
struct declares_options<Backend,
                        std::void_t<decltype(Backend::declare_options(
                            std::declval<caf::config_option_adder&>()))>>
    : std::true_type {};

template <class Backend>
catalog_entry entry_for() {
  declarer declare = nullptr;
  if constexpr (declares_options<Backend>::value)
    declare = &Backend::declare_options;
  return {Backend::name, &any_backend::make<Backend>, declare};
}

/// Every backend, one line each.
const std::vector<catalog_entry>& catalog() {
  static const std::vector<catalog_entry> entries{
      entry_for<ets::backend>(),
      entry_for<optimized_ets::backend>(),
      entry_for<partitioned::backend>(),
      entry_for<etcd::backend>(),
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
                                        const caf::settings& options,
                                        caf::actor_system* sys) {
  for (auto& x : catalog())
    if (name == x.name)
      return x.make(options, sys);
  return make_error(registry_errc::unknown_backend,
                    "no backend named '" + name + "'");
}

void declare_backend_options(caf::config_option_set& opts,
                             const std::string& prefix) {
  for (auto& x : catalog()) {
    if (x.declare_options == nullptr)
      continue;
    // The adder keeps a view of its category: the string must outlive it.
    auto category = prefix + "." + x.name;
    caf::config_option_adder group{opts, category};
    x.declare_options(group);
  }
}

} // namespace libregistry
