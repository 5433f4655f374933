// Code the registry runs for a request (a user's predicate, the backend)
// that throws: the requester gets `callback_failed` with the exception's
// text, and the registry actor serves on with every registration, without a
// restart.

#include <stdexcept>
#include <string>

#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <libregistry/backends/catalog.hpp>

#include "../examples/map_backend/map_backend.hpp"
#include "registry_fixture.hpp"

using namespace libregistry;
using namespace libregistry::test;

namespace {

const auto prod = name_space::production();

bool throwing_predicate(const metadata&) {
  throw std::runtime_error("the predicate gave up");
}

/// map_backend, except that registering the name `boom` throws.
struct throwing_backend : map_backend {
  static write register_name(map_state&& st, entry e) {
    if (e.key.service.name == "boom")
      throw std::runtime_error("the backend failed on boom");
    return map_backend::register_name(std::move(st), std::move(e));
  }
};

TEST(containment, a_throwing_predicate_is_the_callers_error) {
  registry_fixture fx;
  auto& client = fx.client();
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("svc"), w));
  auto found = client.find_services(prod, throwing_predicate);
  ASSERT_FALSE(found);
  EXPECT_TRUE(is(found.error(), registry_errc::callback_failed));
  EXPECT_NE(to_string(found.error()).find("the predicate gave up"),
            std::string::npos)
      << to_string(found.error());
  EXPECT_EQ(client.lookup(key("svc")).value(), w);
  EXPECT_EQ(client.get_stats().value().restarts, 0u);
}

TEST(containment, a_thousand_throwing_calls_use_no_restart) {
  registry_fixture fx;
  auto& client = fx.client();
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("svc"), w));
  auto first = fx.reg().actor();
  for (int i = 0; i < 1000; ++i)
    ASSERT_TRUE(is(client.find_services(prod, throwing_predicate).error(),
                   registry_errc::callback_failed))
        << i;
  EXPECT_EQ(fx.reg().actor(), first);
  auto stats = client.get_stats().value();
  EXPECT_EQ(stats.restarts, 0u);
  EXPECT_EQ(stats.registrations, 1u);
  EXPECT_EQ(client.lookup(key("svc")).value(), w);
  ASSERT_FALSE(client.register_name(key("after"), w));
  EXPECT_EQ(fx.reg().lookup(key("after")), w);
}

TEST(containment, an_actor_keeps_the_handle_it_got_at_start) {
  registry_fixture fx;
  auto handle = fx.reg().actor();
  auto w = fx.worker();
  caf::scoped_actor self{fx.sys()};
  auto ask_register = [&](const std::string& name) {
    caf::error result;
    self->request(handle, std::chrono::seconds(5), register_name_atom::value,
                  key(name), w, metadata{})
        .receive([] {}, [&](caf::error& err) { result = std::move(err); });
    return result;
  };
  EXPECT_FALSE(ask_register("before"));
  self->request(handle, std::chrono::seconds(5), find_services_atom::value,
                prod, metadata_predicate{throwing_predicate})
      .receive([](const std::vector<entry>&) { ADD_FAILURE() << "no error"; },
               [](caf::error& err) {
                 EXPECT_TRUE(is(err, registry_errc::callback_failed));
               });
  EXPECT_FALSE(ask_register("after"));
  self->request(handle, std::chrono::seconds(5), lookup_atom::value,
                key("after"))
      .receive([&](const caf::actor& who) { EXPECT_EQ(who, w); },
               [](caf::error& err) { ADD_FAILURE() << to_string(err); });
}

TEST(containment, a_throwing_backend_write_changes_nothing_and_serves_on) {
  ASSERT_FALSE(register_backend<throwing_backend>("throwing_map"));
  registry_options opts;
  opts.backend = "throwing_map";
  registry_fixture fx{opts};
  auto& client = fx.client();
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("svc"), w));
  auto err = client.register_name(key("boom"), w);
  EXPECT_TRUE(is(err, registry_errc::callback_failed));
  EXPECT_NE(to_string(err).find("the backend failed on boom"),
            std::string::npos);
  EXPECT_FALSE(client.registered(key("boom")).value());
  EXPECT_EQ(client.lookup(key("svc")).value(), w);
  EXPECT_EQ(client.get_stats().value().restarts, 0u);
}

} // namespace
