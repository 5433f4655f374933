#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/scoped_actor.hpp>

#include <libregistry/testing/conformance.hpp>

#include "registry_model.hpp"

namespace libregistry::properties {

/// One registry (shared by the sequences of a backend) seen through one
/// fresh test namespace: the pool of actors of a command sequence, two
/// subscribers (one to the whole namespace, one that the sequence
/// subscribes and unsubscribes), and the answers of its awaits. `verify`
/// compares every read path, the events and the awaits with the model.
/// The destructor tears the namespace down and stops every actor of the
/// pool.
class registry_under_test {
public:
  registry_under_test(conformance::fixture& fx, size_t actors);
  ~registry_under_test();

  registry_under_test(const registry_under_test&) = delete;
  registry_under_test& operator=(const registry_under_test&) = delete;

  const registry& reg() { return fx_.reg(); }
  blocking_registry& client() { return fx_.client(); }
  const name_space& ns() const { return ns_; }
  registry_key key(const std::string& name) const { return {ns_, name}; }

  /// An actor for requests, as other actors send them.
  caf::scoped_actor& asker() { return asker_; }

  caf::actor actor(actor_index i) const { return actors_.at(i); }

  /// The index of `who` in the pool, or `no_actor` (also for null).
  actor_index index_of(const caf::actor& who) const;

  /// `e` in the model's terms; a key outside the namespace is marked.
  registration to_model(const entry& e) const;

  std::vector<registration> to_model(const std::vector<entry>& xs) const;

  /// Adds an actor the registry spawned to the pool.
  void adopt(caf::actor spawned) { actors_.push_back(std::move(spawned)); }

  /// Kills actor `i` and waits for its down message.
  void kill(actor_index i) { fx_.stop(actors_.at(i)); }

  /// Subscribes the second subscriber; the registry's answer.
  caf::expected<std::vector<entry>> subscribe(const filter& f, bool snapshot);

  caf::error unsubscribe(const filter& f);

  /// Sends await `id` for `name`; its answer is checked by `verify`.
  void start_await(uint64_t id, const std::string& name);

  /// Checks the events of the last command, follows a teardown into a
  /// new namespace, grows the pool as the model did, then checks every
  /// read path and the awaits. Fails the property on any difference.
  void verify(const registry_model& m);

private:
  subscription to_subscription(const filter& f) const;

  /// The events `self` received until a request of its own came back,
  /// waiting (if `wait`) until `expected` arrived or 10 s passed.
  std::vector<change> collect(caf::scoped_actor& self, size_t expected,
                              bool wait);

  /// `ev` in the model's terms.
  change to_model(const registry_event& ev) const;

  void check_events(const registry_model& m);
  void check_awaits(const registry_model& m);

  /// A new test namespace, the first subscriber subscribed to it.
  void enter_namespace();

  conformance::fixture& fx_;
  name_space ns_;
  size_t teardowns_ = 0;
  std::vector<caf::actor> actors_;
  caf::scoped_actor all_;
  caf::scoped_actor some_;
  caf::scoped_actor awaiter_;
  caf::scoped_actor asker_;
  std::map<uint64_t, std::pair<caf::actor, caf::error>> answers_;
};

/// Fails the property, saying `what`.
[[noreturn]] void fail(const std::string& what);

/// Fails the property with `what`, `got` and `want` unless they are equal.
template <class T>
void expect_equal(const std::string& what, const T& got, const T& want) {
  if (!(got == want))
    fail(what + ": got " + to_string(got) + ", the model says " +
         to_string(want));
}

/// Fails the property with `what` unless `err` is `want` (both may be
/// none); registry errors compare by code.
void expect_error(const std::string& what, const caf::error& got,
                  const caf::error& want);

/// The read paths: direct, by message, by the blocking client, for every
/// name of the pool and the namespace as a whole.
void check_reads(registry_under_test& sut, const registry_model& m);

} // namespace libregistry::properties
