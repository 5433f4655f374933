#pragma once

#include <chrono>
#include <functional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/settings.hpp>
#include <gtest/gtest.h>

#include <libregistry/actors/blocking_registry.hpp>
#include <libregistry/actors/registry.hpp>
#include <libregistry/backends/catalog.hpp>
#include <libregistry/errors.hpp>

/// The conformance kit (CMake target `libregistry::testing`): the semantics
/// every backend shares (docs/design.md), as a GoogleTest suite that a
/// backend author runs on their backend with a few lines:
///
/// ```cpp
/// #include <libregistry/testing/conformance.hpp>
///
/// using libregistry::conformance::backend_conformance;
/// INSTANTIATE_TEST_SUITE_P(
///     map, backend_conformance,
///     libregistry::conformance::cases_for<map_backend>("map"));
/// ```
///
/// Each test spawns a registry over the backend in an actor system of its
/// own and drives it through the blocking client and the direct read path,
/// as users do. The helpers below are what the suite is written with.
namespace libregistry::conformance {

/// A backend under test: its name in the catalog and its options.
struct backend_case {
  std::string name;
  caf::settings options;
};

/// Prints the backend's name, which GoogleTest shows in failures.
inline void PrintTo(const backend_case& x, std::ostream* os) {
  *os << x.name;
}

/// The suite's parameters: each backend of `xs`, which must be in the
/// catalog when the tests are registered.
::testing::internal::ParamGenerator<backend_case>
cases(std::vector<backend_case> xs);

/// Does nothing; `cases` calls it so that a program linking the kit as a
/// static library links the suite's tests of bounds (conformance_bounds.cpp)
/// along with the rest.
void link_bounds_suite();

/// Registers backend `B` as `name` (`register_backend<B>`) and returns it as
/// the suite's one parameter. Throws `std::logic_error` if the catalog
/// refuses the name.
template <class B>
::testing::internal::ParamGenerator<backend_case>
cases_for(const std::string& name, caf::settings options = {}) {
  if (auto err = register_backend<B>(name))
    throw std::logic_error("register_backend<B>(\"" + name +
                           "\") failed: " + to_string(err));
  return cases({backend_case{name, std::move(options)}});
}

/// An echo worker: answers an integer with the integer plus one.
caf::behavior echo_worker(caf::event_based_actor*);

/// `cfg` ready for a registry: the registry's error category, and CAF's io
/// module where the etcd backend is built (it resolves other nodes' actors).
caf::actor_system_config& test_config(caf::actor_system_config& cfg);

/// The key of `name` in `ns` (production by default).
inline registry_key key(std::string name,
                        name_space ns = name_space::production()) {
  return {ns, service_name{std::move(name)}};
}

/// Metadata with one field.
template <class T>
metadata meta(std::string field, T value) {
  metadata m;
  m.emplace(std::move(field), metadata_value{std::move(value)});
  return m;
}

/// Metadata whose field `deep` holds a list in a list ... nested `depth`
/// deep, the metadata's own map counted (`registry_limits`), built without
/// recursion. Past some hundred thousand levels, `dismantle` it rather than
/// letting it go out of scope (its destructor recurses).
metadata nested_metadata(size_t depth);

/// True if `err` is the registry error `code`.
inline bool is(const caf::error& err, registry_errc code) {
  return err == make_error(code);
}

/// An actor system, a registry over one backend, a blocking client, and
/// workers that are killed when the fixture goes. Throws
/// `std::runtime_error` if the registry cannot be spawned.
class fixture {
public:
  explicit fixture(registry_options opts = {});

  /// A fixture whose actor system `configure` sets up further, e.g. with
  /// another scheduler policy, before it starts: after the fixture's own
  /// set up (`test_config`), so it may load modules that need the io
  /// module, such as CAF's OpenSSL manager.
  fixture(registry_options opts,
          const std::function<void(caf::actor_system_config&)>& configure);

  ~fixture();

  caf::actor_system& sys() { return sys_; }
  const registry& reg() { return reg_; }
  blocking_registry& client() { return client_; }
  caf::scoped_actor& self() { return self_; }

  /// Spawns an echo worker that lives until the fixture goes.
  caf::actor worker();

  /// Kills `who` with `reason` and waits for its down message.
  void stop(const caf::actor& who, caf::error reason = caf::exit_reason::kill);

  /// Stops the registry for good and waits until its actor terminated.
  void stop_registry();

  /// Polls `condition` until it holds or 10 s pass; returns whether it held.
  /// For conditions that the registry's handling of down messages races.
  template <class Predicate>
  static bool eventually(Predicate condition) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition())
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return condition();
  }

private:
  caf::actor_system_config cfg_;
  caf::actor_system sys_;
  registry reg_;
  blocking_registry client_;
  caf::scoped_actor self_;
  std::vector<caf::actor> workers_;
};

/// The suite: a fixture over the backend of the parameter, and its client.
class backend_conformance : public ::testing::TestWithParam<backend_case> {
protected:
  static registry_options options() {
    registry_options result;
    result.backend = GetParam().name;
    result.backend_options = GetParam().options;
    return result;
  }

  fixture fx{options()};
  blocking_registry& client = fx.client();
};

} // namespace libregistry::conformance
