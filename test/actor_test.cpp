// The registry actor through its typed interface, from actors and threads.

#include <thread>

#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "registry_fixture.hpp"

using namespace libregistry;
using namespace libregistry::test;

namespace {

using result_atom = caf::atom_constant<caf::atom("result")>;

const auto prod = name_space::production();

/// A user's typed actor: it finds its collaborator `adder` by name through
/// the registry (request/then) and forwards the answer to `report`.
using client_actor = caf::typed_actor<caf::reacts_to<int>>;

client_actor::behavior_type typed_client(client_actor::pointer self,
                                         registry_actor reg,
                                         caf::actor report) {
  return {[=](int x) {
    self->request(reg, std::chrono::seconds(5), lookup_atom::value,
                  key("adder"))
        .then(
            [=](const caf::actor& found) {
              if (!found) {
                caf::anon_send(report, result_atom::value, -1);
                return;
              }
              self->request(found, std::chrono::seconds(5), x).then([=](int y) {
                caf::anon_send(report, result_atom::value, y);
              });
            },
            [=](caf::error&) {
              caf::anon_send(report, result_atom::value, -2);
            });
  }};
}

TEST(registry_actor, a_typed_actor_finds_its_collaborator_by_request_then) {
  registry_fixture fx;
  ASSERT_FALSE(fx.client().register_name(key("adder"), fx.worker()));
  caf::actor report = fx.self();
  auto c = fx.sys().spawn(typed_client, fx.reg().actor(), report);
  fx.self()->send(c, 41);
  fx.self()->receive([](result_atom, int y) { EXPECT_EQ(y, 42); });
  caf::anon_send_exit(c, caf::exit_reason::kill);
}

TEST(registry_actor, an_actor_registers_itself_and_gets_errors_as_errors) {
  registry_fixture fx;
  auto reg = fx.reg().actor();
  caf::actor report = fx.self();
  auto holder = fx.worker();
  ASSERT_FALSE(fx.client().register_name(key("taken"), holder));
  auto a = fx.sys().spawn([=](caf::event_based_actor* self) -> caf::behavior {
    auto me = caf::actor_cast<caf::actor>(self);
    self->request(reg, std::chrono::seconds(5), register_name_atom::value,
                  key("me"), me, metadata{})
        .then([=] {
          self->request(reg, std::chrono::seconds(5), register_name_atom::value,
                        key("taken"), me, metadata{})
              .then([=] { caf::anon_send(report, result_atom::value, 0); },
                    [=](caf::error& err) {
                      caf::anon_send(report, result_atom::value,
                                     holder_of(err) == holder ? 1 : 2);
                    });
        });
    return {[](int x) { return x; }};
  });
  fx.self()->receive([](result_atom, int outcome) { EXPECT_EQ(outcome, 1); });
  EXPECT_EQ(fx.reg().lookup(key("me")), a);
  caf::anon_send_exit(a, caf::exit_reason::kill);
}

TEST(registry_actor,
     an_unknown_message_gets_an_error_and_the_registry_serves_on) {
  registry_fixture fx;
  auto untyped = caf::actor_cast<caf::actor>(fx.reg().actor());
  caf::error got;
  fx.self()
      ->request(untyped, std::chrono::seconds(5), std::string{"bogus"}, 3)
      .receive([] { FAIL() << "unexpected success"; },
               [&](caf::error& err) { got = err; });
  EXPECT_EQ(got, caf::sec::unexpected_message);
  ASSERT_FALSE(fx.client().register_name(key("still"), fx.worker()));
  EXPECT_TRUE(fx.client().registered(key("still")).value());
}

TEST(registry_actor, several_registries_in_one_system_never_see_each_other) {
  registry_fixture fx;
  auto second = spawn_registry(fx.sys());
  ASSERT_TRUE(second);
  blocking_registry other{fx.sys(), *second};
  auto a = fx.worker();
  auto b = fx.worker();
  ASSERT_FALSE(fx.client().register_name(key("svc"), a));
  ASSERT_FALSE(other.register_name(key("svc"), b));
  EXPECT_EQ(fx.client().lookup(key("svc")).value(), a);
  EXPECT_EQ(other.lookup(key("svc")).value(), b);
  EXPECT_EQ(second->lookup(key("svc")), b);
  ASSERT_FALSE(other.unregister(key("svc")));
  EXPECT_EQ(fx.reg().lookup(key("svc")), a);
  auto ns = other.create_test_namespace().value();
  EXPECT_TRUE(is(fx.client().register_name({ns, "x"}, a),
                 registry_errc::invalid_namespace));
  second->stop();
}

TEST(registry_actor, direct_lookups_work_from_many_threads) {
  registry_fixture fx;
  auto w = fx.worker();
  ASSERT_FALSE(fx.client().register_name(key("shared"), w));
  auto reg = fx.reg();
  std::vector<std::thread> readers;
  std::atomic<int> misses{0};
  for (int t = 0; t < 4; ++t)
    readers.emplace_back([&] {
      for (int i = 0; i < 10000; ++i)
        if (reg.lookup(key("shared")) != w)
          ++misses;
    });
  for (int i = 0; i < 200; ++i)
    ASSERT_FALSE(
        fx.client().register_name(key("churn" + std::to_string(i)), w));
  for (auto& t : readers)
    t.join();
  EXPECT_EQ(misses, 0);
}

TEST(registry_actor, spawn_refuses_an_unknown_backend) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  registry_options opts;
  opts.backend = "no_such_backend";
  auto reg = spawn_registry(sys, opts);
  ASSERT_FALSE(reg);
  EXPECT_TRUE(is(reg.error(), registry_errc::unknown_backend));
}

TEST(registry_actor, a_stopped_registry_misses_every_direct_lookup) {
  registry_fixture fx;
  ASSERT_FALSE(fx.client().register_name(key("svc"), fx.worker()));
  auto reg = fx.reg();
  fx.stop_registry();
  EXPECT_TRUE(fx.eventually([&] { return reg.lookup(key("svc")) == nullptr; }));
}

TEST(registry_actor, configurable_limits_apply) {
  registry_options opts;
  opts.limits.max_name_length = 4;
  opts.limits.max_metadata_bytes = 64;
  registry_fixture fx{opts};
  auto w = fx.worker();
  EXPECT_TRUE(is(fx.client().register_name(key("toolong"), w),
                 registry_errc::invalid_key));
  metadata m;
  m.emplace("blob", metadata_value{std::string(100, 'x')});
  EXPECT_TRUE(is(fx.client().register_name(key("ok"), w, m),
                 registry_errc::invalid_metadata));
  EXPECT_FALSE(fx.client().register_name(key("ok"), w));
}

TEST(registry_actor, requests_time_out_with_a_clear_error) {
  registry_fixture fx;
  auto reg = fx.reg();
  fx.stop_registry();
  blocking_registry late{fx.sys(), reg, std::chrono::milliseconds(50)};
  auto err = late.lookup(key("x")).error();
  EXPECT_TRUE(err == caf::sec::request_receiver_down ||
              err == caf::sec::request_timeout)
      << fx.sys().render(err);
}

} // namespace
