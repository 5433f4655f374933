// The commands that write: each sends its request, compares the answer
// with the model's, then verifies every read path, the events and awaits.

#include "commands.hpp"

#include <caf/deep_to_string.hpp>

#include <libregistry/errors.hpp>

namespace libregistry::properties {

namespace {

std::string show_meta(const metadata& m) {
  return caf::deep_to_string(m.container());
}

/// Checks the holder an `already_registered` carries.
void expect_holder(registry_under_test& sut, const std::string& what,
                   const caf::error& got, const registry_model& m,
                   const std::string& name) {
  if (got != make_error(registry_errc::already_registered))
    return;
  expect_equal(what + ": the holder", sut.index_of(holder_of(got)),
               m.find(name)->actor);
}

} // namespace

void register_name::checkPreconditions(const registry_model& m) const {
  RC_PRE(who < m.alive.size());
}

void register_name::apply(registry_model& m) const {
  m.register_name(name, who, meta);
}

void register_name::run(const registry_model& m,
                        registry_under_test& sut) const {
  auto next = m;
  auto want = next.register_name(name, who, meta);
  auto got = sut.client().register_name(sut.key(name), sut.actor(who), meta);
  expect_error("register " + name, got, want);
  expect_holder(sut, "register " + name, got, m, name);
  sut.verify(next);
}

void register_name::show(std::ostream& os) const {
  os << "register " << name << " by actor " << who << " with "
     << show_meta(meta);
}

void unregister::apply(registry_model& m) const {
  m.unregister(name);
}

void unregister::run(const registry_model& m, registry_under_test& sut) const {
  expect_error("unregister " + name, sut.client().unregister(sut.key(name)),
               caf::none);
  sut.verify(nextState(m));
}

void unregister::show(std::ostream& os) const {
  os << "unregister " << name;
}

void update_metadata::apply(registry_model& m) const {
  m.update_metadata(name, meta);
}

void update_metadata::run(const registry_model& m,
                          registry_under_test& sut) const {
  auto next = m;
  auto want = next.update_metadata(name, meta);
  expect_error("update_metadata " + name,
               sut.client().update_metadata(sut.key(name), meta), want);
  sut.verify(next);
}

void update_metadata::show(std::ostream& os) const {
  os << "update_metadata " << name << " to " << show_meta(meta);
}

register_all::register_all(const registry_model& m) {
  auto n = *rc::gen::inRange(1, 4);
  for (int i = 0; i < n; ++i) {
    auto name = *gen_name();
    auto who = *gen_actor(m, name);
    entries.push_back({name, who, *gen_metadata()});
  }
}

void register_all::checkPreconditions(const registry_model& m) const {
  for (auto& e : entries)
    RC_PRE(e.actor < m.alive.size());
}

void register_all::apply(registry_model& m) const {
  std::vector<change> changes;
  std::vector<change> covered;
  for (auto& e : entries) {
    m.register_name(e.name, e.actor, e.meta);
    changes.insert(changes.end(), m.changes.begin(), m.changes.end());
    covered.insert(covered.end(), m.covered.begin(), m.covered.end());
  }
  m.changes = std::move(changes);
  m.covered = std::move(covered);
  m.unordered = m.concurrent_registrations;
}

void register_all::run(const registry_model& m,
                       registry_under_test& sut) const {
  auto next = m;
  std::vector<caf::error> want;
  std::vector<entry> batch;
  for (auto& e : entries) {
    want.push_back(next.register_name(e.name, e.actor, e.meta));
    batch.push_back({sut.key(e.name), sut.actor(e.actor), e.meta});
  }
  auto got = sut.client().register_all(batch);
  if (!got)
    fail("register_all: " + caf::to_string(got.error()));
  expect_equal("register_all: results", got->size(), want.size());
  for (size_t i = 0; i < want.size(); ++i)
    expect_error("register_all: entry " + std::to_string(i), (*got)[i],
                 want[i]);
  sut.verify(nextState(m));
}

void register_all::show(std::ostream& os) const {
  os << "register_all " << to_string(entries);
}

kill_actor::kill_actor(const registry_model& m) {
  std::vector<actor_index> live;
  for (actor_index i = 0; i < m.alive.size(); ++i)
    if (m.alive[i])
      live.push_back(i);
  who = *rc::gen::elementOf(live);
}

void kill_actor::checkPreconditions(const registry_model& m) const {
  RC_PRE(who < m.alive.size() && m.alive[who]);
}

void kill_actor::apply(registry_model& m) const {
  m.kill(who);
}

void kill_actor::run(const registry_model& m, registry_under_test& sut) const {
  auto victim = sut.actor(who);
  sut.kill(who);
  // The staleness rule: once its death was observed, no lookup returns it.
  for (auto& name : m.names_of(who)) {
    if (sut.reg().lookup(sut.key(name)) == victim)
      fail("direct lookup of " + name + " returned a killed actor");
    auto found = sut.client().lookup(sut.key(name));
    if (found && *found == victim)
      fail("lookup of " + name + " returned a killed actor");
  }
  sut.verify(nextState(m));
}

void kill_actor::show(std::ostream& os) const {
  os << "kill actor " << who;
}

void teardown::apply(registry_model& m) const {
  m.teardown();
}

void teardown::run(const registry_model& m, registry_under_test& sut) const {
  auto next = m;
  auto want = next.teardown();
  auto old = sut.ns();
  auto got = sut.client().teardown(old);
  if (!got)
    fail("teardown: " + caf::to_string(got.error()));
  expect_equal("teardown: actors stopped", *got, want);
  auto after = sut.client().count_services(old);
  expect_error("count_services after teardown",
               after ? caf::error{} : after.error(),
               make_error(registry_errc::invalid_namespace));
  sut.verify(next);
}

void teardown::show(std::ostream& os) const {
  os << "teardown";
}

void spawn_registered::apply(registry_model& m) const {
  if (m.find(name))
    m.begin();
  else
    m.register_name(name, m.spawn(), meta);
}

void spawn_registered::run(const registry_model& m,
                           registry_under_test& sut) const {
  auto what =
      std::string{reuse ? "lookup_or_spawn " : "spawn_registered "} + name;
  auto fn = spawner_of(conformance::echo_worker);
  auto& client = sut.client();
  auto got = reuse ? client.lookup_or_spawn(sut.key(name), meta, fn)
                   : client.spawn_registered(sut.key(name), meta, fn);
  if (auto holder = m.find(name)) {
    if (reuse) {
      expect_equal(what, got ? sut.index_of(*got) : no_actor, holder->actor);
    } else {
      auto err = got ? caf::error{} : got.error();
      expect_error(what, err, make_error(registry_errc::already_registered));
      expect_holder(sut, what, err, m, name);
    }
  } else {
    if (!got)
      fail(what + ": " + caf::to_string(got.error()));
    sut.adopt(*got);
  }
  sut.verify(nextState(m));
}

void spawn_registered::show(std::ostream& os) const {
  os << (reuse ? "lookup_or_spawn " : "spawn_registered ") << name << " with "
     << show_meta(meta);
}

} // namespace libregistry::properties
