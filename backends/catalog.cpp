#include <libregistry/backends/catalog.hpp>

#include <algorithm>
#include <mutex>
#include <utility>

#include <caf/config_option_adder.hpp>

#include <libregistry/backends/ets/ets_backend.hpp>
#include <libregistry/backends/optimized_ets/optimized_ets_backend.hpp>
#include <libregistry/backends/partitioned/partitioned_backend.hpp>
#ifdef LIBREGISTRY_WITH_ETCD
#include <libregistry/backends/etcd/etcd_backend.hpp>
#endif
#include <libregistry/errors.hpp>

namespace libregistry {

namespace {

struct catalog_entry {
  std::string name;
  backend_factory factory;
  /// A former name, still accepted but not listed by `backend_names`.
  bool former = false;
};

template <class B>
catalog_entry builtin(const char* name, bool former = false) {
  return {name, backend_factory{&make_backend_of<B>, &B::declare_options},
          former};
}

/// The process's backends, behind one lock. Built-in backends come first,
/// one line each.
struct catalog {
  std::mutex mtx;
  std::vector<catalog_entry> entries{
      builtin<ets::backend>("ets"),
      builtin<optimized_ets::backend>("optimized_ets"),
      builtin<partitioned::backend>("partitioned"),
      builtin<partitioned::backend>("registry", true),
#ifdef LIBREGISTRY_WITH_ETCD
      builtin<etcd::backend>("etcd"),
#endif
  };

  static catalog& instance() {
    static catalog result;
    return result;
  }
};

bool valid_name(const std::string& name) {
  auto ok = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-';
  };
  return !name.empty() && std::all_of(name.begin(), name.end(), ok);
}

/// A copy of the catalog, taken under its lock.
std::vector<catalog_entry> snapshot() {
  auto& cat = catalog::instance();
  std::lock_guard<std::mutex> guard{cat.mtx};
  return cat.entries;
}

} // namespace

caf::error register_backend(const std::string& name, backend_factory factory) {
  if (!valid_name(name))
    return make_error(registry_errc::backend_error,
                      "invalid backend name '" + name +
                          "': use letters, digits, '_' and '-'");
  if (factory.make == nullptr || factory.declare_options == nullptr)
    return make_error(registry_errc::backend_error,
                      "backend '" + name + "' has an empty factory");
  auto& cat = catalog::instance();
  std::lock_guard<std::mutex> guard{cat.mtx};
  for (auto& x : cat.entries) {
    if (x.name != name)
      continue;
    if (x.factory.make == factory.make)
      return caf::none;
    return make_error(registry_errc::backend_error,
                      "another backend is registered as '" + name + "'");
  }
  cat.entries.push_back({name, factory});
  return caf::none;
}

std::vector<std::string> backend_names() {
  std::vector<std::string> result;
  for (auto& x : snapshot())
    if (!x.former)
      result.emplace_back(std::move(x.name));
  return result;
}

caf::expected<std::unique_ptr<any_backend>>
make_backend(const std::string& name, const caf::settings& options,
             caf::actor_system* sys) {
  for (auto& x : snapshot())
    if (x.name == name)
      return x.factory.make(name, options, sys);
  return make_error(registry_errc::unknown_backend,
                    "no backend named '" + name + "'");
}

void declare_backend_options(caf::config_option_set& opts,
                             const std::string& prefix) {
  for (auto& x : snapshot()) {
    // The adder keeps a view of its category: the string must outlive it.
    auto category = prefix + "." + x.name;
    caf::config_option_adder group{opts, category};
    x.factory.declare_options(group);
  }
}

} // namespace libregistry
