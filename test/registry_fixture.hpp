#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <gtest/gtest.h>

#include "actors/blocking_registry.hpp"
#include "actors/registry.hpp"
#include "backend_options.hpp"
#include "libregistry/errors.hpp"

namespace libregistry::test {

/// A worker that answers an integer with the integer plus one.
inline caf::behavior echo_worker(caf::event_based_actor*) {
  return {[](int x) { return x + 1; }};
}

/// A typed actor that answers two integers with their sum.
using adder = caf::typed_actor<caf::replies_to<int, int>::with<int>>;

inline adder::behavior_type typed_adder() {
  return {[](int x, int y) { return x + y; }};
}

/// A class-based actor that answers an integer with its double.
class doubler : public caf::event_based_actor {
public:
  explicit doubler(caf::actor_config& cfg) : caf::event_based_actor(cfg) {}

  caf::behavior make_behavior() override {
    return {[](int x) { return 2 * x; }};
  }
};

/// `cfg` ready for the tests: the registry's error category, and the io
/// module that the etcd backend needs.
inline caf::actor_system_config& test_config(caf::actor_system_config& cfg) {
  add_registry_error_category(cfg);
  cfg.load<caf::io::middleman>();
  return cfg;
}

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

/// True if `err` is the registry error `code`.
inline bool is(const caf::error& err, registry_errc code) {
  return err == make_error(code);
}

/// The next `registry_event` that `events` received; fails the test after
/// 5 s and returns an event of no valid kind.
inline registry_event next_event(caf::scoped_actor& events) {
  registry_event result;
  result.kind = static_cast<event_kind>(255);
  events->receive([&](registry_event& ev) { result = std::move(ev); },
                  caf::after(std::chrono::seconds(5)) >>
                      [] { ADD_FAILURE() << "no event within 5 s"; });
  return result;
}

/// An actor system, a registry over one backend, a blocking client, and
/// workers that are killed when the test ends.
class registry_fixture {
public:
  explicit registry_fixture(registry_options opts = {})
      : sys_(test_config(cfg_)), reg_(spawn_or_fail(sys_, std::move(opts))),
        client_(sys_, reg_), self_(sys_) {}

  ~registry_fixture() {
    for (auto& w : workers_)
      caf::anon_send_exit(w, caf::exit_reason::kill);
    reg_.stop();
  }

  caf::actor_system& sys() { return sys_; }
  const registry& reg() { return reg_; }
  blocking_registry& client() { return client_; }
  caf::scoped_actor& self() { return self_; }

  /// Spawns an echo worker that lives until the test ends.
  caf::actor worker() {
    workers_.push_back(sys_.spawn(echo_worker));
    return workers_.back();
  }

  /// Kills `who` with `reason` and waits for its down message.
  void stop(const caf::actor& who, caf::error reason = caf::exit_reason::kill) {
    self_->monitor(who);
    self_->send_exit(who, std::move(reason));
    self_->receive([](caf::down_msg&) {});
  }

  /// Stops the registry for good and waits until its actor terminated.
  void stop_registry() {
    self_->monitor(reg_.actor());
    reg_.stop();
    self_->receive([](caf::down_msg&) {});
  }

  /// Polls `condition` until it holds or 10 s pass; returns whether it held.
  /// Used where the registry's down handling races with the test.
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
  static registry spawn_or_fail(caf::actor_system& sys, registry_options opts) {
    auto reg = spawn_registry(sys, std::move(opts));
    if (!reg)
      throw std::runtime_error("spawn_registry failed: " +
                               sys.render(reg.error()));
    return std::move(*reg);
  }

  caf::actor_system_config cfg_;
  caf::actor_system sys_;
  registry reg_;
  blocking_registry client_;
  caf::scoped_actor self_;
  std::vector<caf::actor> workers_;
};

/// A test parameterized by backend name: a fixture over that backend in its
/// default configuration, and its blocking client.
class per_backend : public ::testing::TestWithParam<std::string> {
protected:
  static registry_options options() { return options_for(GetParam()); }

  registry_fixture fx{options()};
  blocking_registry& client = fx.client();
};

} // namespace libregistry::test
