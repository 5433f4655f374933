#include "registry_under_test.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <rapidcheck.h>

namespace libregistry::properties {

namespace {

using namespace std::chrono_literals;

/// How long an await waits: longer than any sequence, so the model decides
/// when it is answered.
constexpr auto await_timeout = 60s;

/// Sorts changes for a comparison that ignores their order.
void sort_changes(std::vector<change>& xs) {
  std::sort(xs.begin(), xs.end(), [](const change& x, const change& y) {
    return std::tie(x.kind, x.now) < std::tie(y.kind, y.now);
  });
}

} // namespace

void fail(const std::string& what) {
  RC_FAIL(what);
}

void expect_error(const std::string& what, const caf::error& got,
                  const caf::error& want) {
  auto same =
      want ? got.code() == want.code() && got.category() == want.category()
           : !got;
  if (!same)
    fail(what + ": got " + caf::to_string(got) + ", the model says " +
         caf::to_string(want));
}

registry_under_test::registry_under_test(conformance::fixture& fx,
                                         size_t actors)
    : fx_(fx), all_(fx.sys()), some_(fx.sys()), awaiter_(fx.sys()),
      asker_(fx.sys()) {
  for (size_t i = 0; i < actors; ++i)
    actors_.push_back(fx_.sys().spawn(conformance::echo_worker));
  enter_namespace();
}

registry_under_test::~registry_under_test() {
  // The teardown stops the registered actors and waits for them; the rest
  // of the pool is stopped here.
  static_cast<void>(client().teardown(ns_));
  for (auto& a : actors_)
    caf::anon_send_exit(a, caf::exit_reason::kill);
}

void registry_under_test::enter_namespace() {
  auto ns = client().create_test_namespace();
  if (!ns)
    fail("create_test_namespace: " + caf::to_string(ns.error()));
  ns_ = *ns;
  auto snapshot = client().subscribe(caf::actor{all_},
                                     subscription::to_namespace(ns_), false);
  if (!snapshot)
    fail("subscribe to the namespace: " + caf::to_string(snapshot.error()));
}

actor_index registry_under_test::index_of(const caf::actor& who) const {
  if (!who)
    return no_actor;
  auto i = std::find(actors_.begin(), actors_.end(), who);
  return i == actors_.end() ? no_actor
                            : static_cast<size_t>(i - actors_.begin());
}

registration registry_under_test::to_model(const entry& e) const {
  auto name = e.key.service.name;
  if (e.key.ns != ns_ || !e.key.service.is_plain())
    name = "(elsewhere) " + to_string(e.key);
  return {std::move(name), index_of(e.actor), e.meta};
}

std::vector<registration>
registry_under_test::to_model(const std::vector<entry>& xs) const {
  std::vector<registration> result;
  for (auto& x : xs)
    result.push_back(to_model(x));
  std::sort(result.begin(), result.end());
  return result;
}

change registry_under_test::to_model(const registry_event& ev) const {
  return {ev.kind, to_model(entry{ev.key, ev.actor, ev.meta}), {}, ev.reason};
}

subscription registry_under_test::to_subscription(const filter& f) const {
  switch (f.kind) {
  case filter::one_name:
    return subscription::to_name(key(f.name));
  case filter::one_field:
    return subscription::to_field(ns_, f.field, f.value);
  default:
    return subscription::to_namespace(ns_);
  }
}

caf::expected<std::vector<entry>>
registry_under_test::subscribe(const filter& f, bool snapshot) {
  return client().subscribe(caf::actor{some_}, to_subscription(f), snapshot);
}

caf::error registry_under_test::unsubscribe(const filter& f) {
  return client().unsubscribe(caf::actor{some_}, to_subscription(f));
}

void registry_under_test::start_await(uint64_t id, const std::string& name) {
  auto serving = reg().actor();
  caf::actor to = awaiter_;
  auto k = key(name);
  fx_.sys().spawn([=](caf::event_based_actor* self) -> caf::behavior {
    self->request(serving, caf::infinite, await_atom::value, k,
                  caf::timespan{await_timeout})
        .then(
            [=](caf::actor& who) {
              self->send(to, id, who);
              self->quit();
            },
            [=](caf::error& err) {
              self->send(to, id, err);
              self->quit();
            });
    return {[](int) {}};
  });
}

std::vector<change> registry_under_test::collect(caf::scoped_actor& self,
                                                 size_t expected, bool wait) {
  std::vector<change> result;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    // Events sent before the answer to this request precede it.
    self->request(reg().actor(), 5s, registered_atom::value,
                  registry_key{name_space::production(), "-"})
        .receive([](bool) {},
                 [](caf::error& err) {
                   fail("barrier request: " + caf::to_string(err));
                 });
    bool more = true;
    while (more)
      self->receive([&](registry_event& ev) { result.push_back(to_model(ev)); },
                    caf::after(std::chrono::seconds(0)) >>
                        [&] { more = false; });
    if (!wait || result.size() >= expected ||
        std::chrono::steady_clock::now() > deadline)
      return result;
    std::this_thread::sleep_for(1ms);
  }
}

void registry_under_test::check_events(const registry_model& m) {
  auto want_all = m.changes;
  auto want_some = m.covered;
  auto got_all = collect(all_, want_all.size(), m.unordered);
  auto got_some = collect(some_, want_some.size(), m.unordered);
  if (m.unordered)
    for (auto xs : {&want_all, &want_some, &got_all, &got_some})
      sort_changes(*xs);
  expect_equal("events to the namespace's subscriber", got_all, want_all);
  expect_equal("events to the other subscriber", got_some, want_some);
}

void registry_under_test::check_awaits(const registry_model& m) {
  auto take = [&](uint64_t id, caf::actor who, caf::error err) {
    answers_[id] = {std::move(who), std::move(err)};
  };
  bool more = true;
  while (more)
    awaiter_->receive([&](uint64_t id, caf::actor& who) { take(id, who, {}); },
                      [&](uint64_t id, caf::error& err) { take(id, {}, err); },
                      caf::after(std::chrono::seconds(0)) >>
                          [&] { more = false; });
  for (uint64_t id = 0; id < m.awaits.size(); ++id) {
    auto& want = m.awaits[id];
    auto what = "await " + std::to_string(id) + " for " + want.name;
    while (want.answered && answers_.count(id) == 0)
      awaiter_->receive(
          [&](uint64_t id, caf::actor& who) { take(id, who, {}); },
          [&](uint64_t id, caf::error& err) { take(id, {}, err); },
          caf::after(std::chrono::seconds(5)) >>
              [&] { fail(what + ": no answer within 5 s"); });
    auto i = answers_.find(id);
    if (!want.answered && i != answers_.end())
      fail(what + ": answered while the name is free");
    if (i == answers_.end())
      continue;
    expect_error(what, i->second.second, want.error);
    expect_equal(what, index_of(i->second.first), want.actor);
  }
}

void registry_under_test::verify(const registry_model& m) {
  check_events(m);
  while (teardowns_ < m.teardowns) {
    ++teardowns_;
    enter_namespace();
  }
  while (actors_.size() < m.alive.size())
    actors_.push_back(fx_.sys().spawn(conformance::echo_worker));
  check_reads(*this, m);
  check_awaits(m);
}

} // namespace libregistry::properties
