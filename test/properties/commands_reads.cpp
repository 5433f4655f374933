// The commands that wait, subscribe or find, and the choice among all
// commands.

#include "commands.hpp"

#include <algorithm>

#include <caf/config_value.hpp>
#include <caf/deep_to_string.hpp>

namespace libregistry::properties {

rc::Gen<std::shared_ptr<const command>> gen_command(const registry_model& m) {
  // Registrations come twice: the other commands need something to act on.
  return rc::state::gen::execOneOfWithArgs<
      register_name, register_name, unregister, update_metadata, register_all,
      kill_actor, teardown, spawn_registered, await_name, subscribe,
      unsubscribe, find_by_field, find_by_predicate>()(m);
}

void await_name::apply(registry_model& m) const {
  m.await(name);
}

void await_name::run(const registry_model& m, registry_under_test& sut) const {
  sut.start_await(m.awaits.size(), name);
  sut.verify(nextState(m));
}

void await_name::show(std::ostream& os) const {
  os << "await " << name;
}

void subscribe::apply(registry_model& m) const {
  m.begin();
  if (std::find(m.filters.begin(), m.filters.end(), f) == m.filters.end())
    m.filters.push_back(f);
}

void subscribe::run(const registry_model& m, registry_under_test& sut) const {
  auto got = sut.subscribe(f, snapshot);
  if (!got)
    fail("subscribe to " + to_string(f) + ": " + caf::to_string(got.error()));
  std::vector<registration> want;
  if (snapshot)
    want = m.select(
        [&](const registration& r) { return f.covers(r.name, r.meta); });
  expect_equal("snapshot of " + to_string(f), sut.to_model(*got), want);
  sut.verify(nextState(m));
}

void subscribe::show(std::ostream& os) const {
  os << "subscribe to " << to_string(f) << (snapshot ? " with a snapshot" : "");
}

void unsubscribe::apply(registry_model& m) const {
  m.begin();
  m.filters.erase(std::remove(m.filters.begin(), m.filters.end(), f),
                  m.filters.end());
}

void unsubscribe::run(const registry_model& m, registry_under_test& sut) const {
  expect_error("unsubscribe from " + to_string(f), sut.unsubscribe(f),
               caf::none);
  sut.verify(nextState(m));
}

void unsubscribe::show(std::ostream& os) const {
  os << "unsubscribe from " << to_string(f);
}

void find_by_field::apply(registry_model& m) const {
  m.begin();
}

void find_by_field::run(const registry_model& m,
                        registry_under_test& sut) const {
  auto what = "find " + field + " = " + caf::to_string(value);
  auto got = sut.client().find_services(sut.ns(), field, value);
  if (!got)
    fail(what + ": " + caf::to_string(got.error()));
  expect_equal(what, sut.to_model(*got), m.select([&](const registration& r) {
    return field_matches(r.meta, field, value);
  }));
  sut.verify(nextState(m));
}

void find_by_field::show(std::ostream& os) const {
  os << "find " << field << " = " << caf::to_string(value);
}

void find_by_predicate::apply(registry_model& m) const {
  m.begin();
}

void find_by_predicate::run(const registry_model& m,
                            registry_under_test& sut) const {
  auto least = this->least;
  auto pred = [least](const metadata& meta) {
    auto n = caf::get_if<int64_t>(&meta, "n");
    return n && *n >= least;
  };
  auto what = "find n >= " + std::to_string(least);
  auto got = sut.client().find_services(sut.ns(), pred);
  if (!got)
    fail(what + ": " + caf::to_string(got.error()));
  expect_equal(what, sut.to_model(*got),
               m.select([&](const registration& r) { return pred(r.meta); }));
  sut.verify(nextState(m));
}

void find_by_predicate::show(std::ostream& os) const {
  os << "find n >= " << least;
}

} // namespace libregistry::properties
