#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
// caf/function_view.hpp and errors.hpp: what a test of typed actors uses
// besides the fixture, so that one include does.
#include <caf/function_view.hpp>
#include <caf/infer_handle.hpp>
#include <gtest/gtest.h>

#include <libregistry/actors/blocking_registry.hpp>
#include <libregistry/actors/registry.hpp>
#include <libregistry/actors/spawner.hpp>
#include <libregistry/errors.hpp>

namespace libregistry {

/// A GoogleTest fixture for tests of actors that find each other through
/// libregistry (CMake target `libregistry::testing`).
///
/// Gives each test its own actor system, a registry on it, a blocking
/// client, and a fresh test namespace; spawns and registers the test's
/// actors there. When the test ends, tears the namespace down (stopping the
/// actors registered in it), fails the test for anything left running, and
/// stops the registry.
///
/// ```cpp
/// class cashier_test : public libregistry::registry_test {};
///
/// TEST_F(cashier_test, charges) {
///   auto books = spawn_registered("ledger", {}, ledger);
///   auto till = spawn_registered("till", {}, cashier, reg(), key("ledger"));
///   ...
/// }
/// ```
///
/// Setting up costs an actor system (its scheduler threads) and a registry
/// actor, and tearing down a few round trips to the registry: a few
/// milliseconds a test. Nothing is shared between tests, and nothing outside
/// the process is used, so tests run in parallel under `ctest -j`. A subclass
/// that overrides `SetUp` or `TearDown` calls this class's first or last.
class registry_test : public ::testing::Test {
public:
  /// The actor system of this test, created in `SetUp`.
  caf::actor_system& sys() { return *sys_; }

  /// The registry, for direct lookups (`reg().lookup(key)`) and to hand to
  /// the actors under test. Copies share the registry.
  const registry& reg() const { return reg_; }

  /// A blocking client of the registry, for the test's thread only.
  blocking_registry& client() { return *client_; }

  /// The test namespace of this test: created fresh in `SetUp`, torn down
  /// in `TearDown`.
  const name_space& ns() const { return ns_; }

  /// The key of `name` in this test's namespace.
  registry_key key(service_name name) const { return {ns_, std::move(name)}; }

  /// Spawns `fun(xs...)` (function-based, typed or not) and registers it as
  /// `name` with `meta` in one step, like `blocking_registry::
  /// spawn_registered`; the arguments are copied. Returns the handle that
  /// `sys().spawn(fun, xs...)` returns. If the name is taken or the
  /// registry refuses, nothing is spawned: the test fails (non-fatally)
  /// with the name and the reason, and the handle is null. Cost: one round
  /// trip to the registry.
  template <class F, class... Ts>
  auto spawn_registered(service_name name, metadata meta, F fun, Ts&&... xs) {
    using handle = caf::infer_handle_from_fun_t<F>;
    return caf::actor_cast<handle>(
        spawn_tracked(std::move(name), std::move(meta),
                      spawner_of(std::move(fun), std::forward<Ts>(xs)...)));
  }

  /// Like the other `spawn_registered`, for a class-based actor:
  /// `spawn_registered<Impl>(name, meta, xs...)` spawns
  /// `sys().spawn<Impl>(xs...)` and returns its handle.
  template <class Impl, class... Ts>
  auto spawn_registered(service_name name, metadata meta, Ts&&... xs) {
    using handle = caf::infer_handle_from_class_t<Impl>;
    return caf::actor_cast<handle>(
        spawn_tracked(std::move(name), std::move(meta),
                      spawner_for<Impl>(std::forward<Ts>(xs)...)));
  }

  /// Registers `who` (any actor handle) as `name` with `meta`. On refusal
  /// the test fails (non-fatally) with the name and the reason, and the
  /// result is false. A registered actor is checked at teardown like a
  /// spawned one. Cost: one round trip to the registry.
  template <class Handle>
  bool register_actor(service_name name, const Handle& who,
                      metadata meta = {}) {
    return register_tracked(std::move(name), caf::actor_cast<caf::actor>(who),
                            std::move(meta));
  }

  /// Tears the test namespace down and lists what outlived it, one line
  /// each naming the key: names still registered there, and actors that
  /// `spawn_registered` or `register_actor` made which still run (e.g. one
  /// unregistered from the namespace, so the teardown did not stop it).
  /// Those actors are then killed, so that the actor system can shut down.
  /// `TearDown` calls it and fails the test for each line; call it yourself
  /// to look at the list. Afterwards the namespace is gone, and a second
  /// call finds nothing. Cost: a few round trips, plus up to half a second
  /// of waiting when an actor is left.
  std::vector<std::string> check_nothing_left();

protected:
  /// Creates the actor system (see `configure`), the registry
  /// (`spawn_registry(sys())`, so configured by the actor system's
  /// configuration), the client and the namespace. Fails the test fatally
  /// if the registry or the namespace cannot be made.
  void SetUp() override;

  /// Reports each line of `check_nothing_left` with `ADD_FAILURE`, then
  /// stops the registry. Safe to call twice.
  void TearDown() override;

  /// Customizes the actor system's configuration before `SetUp` creates
  /// the system, e.g. `cfg.set("libregistry.backend", "partitioned")`: the
  /// configuration declares the registry's options (see
  /// `declare_registry_options`) and renders its errors already. Does
  /// nothing by default.
  virtual void configure(caf::actor_system_config& cfg);

private:
  /// A registration the fixture made, checked at teardown.
  struct tracked {
    registry_key key;
    caf::actor who;
  };

  caf::actor spawn_tracked(service_name name, metadata meta, spawner fn);

  bool register_tracked(service_name name, caf::actor who, metadata meta);

  /// The names the namespace still holds, or why the teardown failed.
  std::vector<std::string> tear_namespace_down();

  /// Kills and lists the tracked actors still running.
  std::vector<std::string> stop_tracked_actors();

  /// Asks the registry actor to stop. The only place that touches the
  /// registry's actor handle.
  void stop_registry();

  std::unique_ptr<caf::actor_system_config> cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  registry reg_;
  std::unique_ptr<blocking_registry> client_;
  name_space ns_;
  std::vector<tracked> tracked_;
};

} // namespace libregistry
