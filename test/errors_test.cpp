// Registry errors explain themselves: they render by name with no set up,
// wherever CAF renders an error, and carry what they are about.

#include <set>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <gtest/gtest.h>

#include <libregistry/actors/blocking_registry.hpp>
#include <libregistry/actors/registry.hpp>
#include <libregistry/errors.hpp>

using namespace libregistry;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class errors : public ::testing::Test {
protected:
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
};

TEST_F(errors, render_by_name_without_set_up) {
  auto err = make_error(registry_errc::not_found, "production/x");
  EXPECT_TRUE(contains(to_string(err), "not_found")) << to_string(err);
  EXPECT_TRUE(contains(to_string(err), "production/x")) << to_string(err);
  EXPECT_TRUE(contains(sys.render(err), "not_found")) << sys.render(err);
  auto bare = make_error(registry_errc::unavailable);
  EXPECT_TRUE(contains(to_string(bare), "unavailable")) << to_string(bare);
}

TEST_F(errors, compare_by_code_whatever_their_context) {
  EXPECT_EQ(make_error(registry_errc::not_found, "production/x"),
            make_error(registry_errc::not_found));
  EXPECT_NE(make_error(registry_errc::not_found),
            make_error(registry_errc::invalid_key));
}

TEST_F(errors, already_registered_carries_and_renders_key_and_holder) {
  auto holder = sys.spawn([] {});
  registry_key key{name_space::production(), service_name{"db"}};
  auto err = make_already_registered(key, holder);
  EXPECT_EQ(err, make_error(registry_errc::already_registered));
  EXPECT_EQ(holder_of(err), holder);
  ASSERT_TRUE(key_of(err));
  EXPECT_EQ(*key_of(err), key);
  for (auto text : {to_string(err), sys.render(err)}) {
    EXPECT_TRUE(contains(text, "already_registered")) << text;
    EXPECT_TRUE(contains(text, "production/db")) << text;
    EXPECT_TRUE(contains(text, std::to_string(holder.id()))) << text;
  }
  EXPECT_EQ(holder_of(make_error(registry_errc::not_found)), nullptr);
  EXPECT_FALSE(key_of(make_error(registry_errc::not_found)));
}

TEST_F(errors, holder_unreachable_carries_the_key_and_the_stored_holder) {
  registry_key key{name_space::production(), service_name{"db"}};
  auto err = make_holder_unreachable(key, "actor 7 of node n1 at h:1",
                                     "connection refused");
  EXPECT_EQ(err, make_error(registry_errc::holder_unreachable));
  EXPECT_EQ(holder_of(err), nullptr);
  ASSERT_TRUE(key_of(err));
  EXPECT_EQ(*key_of(err), key);
  for (auto text : {to_string(err), sys.render(err)})
    for (auto part : {"holder_unreachable", "production/db",
                      "actor 7 of node n1 at h:1", "connection refused"})
      EXPECT_TRUE(contains(text, part)) << text;
}

TEST_F(errors, a_refused_registration_names_the_key_and_the_holder) {
  auto reg = spawn_registry(sys, {});
  ASSERT_TRUE(reg);
  blocking_registry client{sys, *reg};
  registry_key key{name_space::production(), service_name{"db"}};
  auto first = sys.spawn([] { return caf::behavior{[](int) {}}; });
  auto second = sys.spawn([] { return caf::behavior{[](int) {}}; });
  ASSERT_FALSE(client.register_name(key, first, {}));
  auto err = client.register_name(key, second, {});
  EXPECT_EQ(holder_of(err), first);
  EXPECT_TRUE(contains(to_string(err), "already_registered"));
  EXPECT_TRUE(contains(to_string(err), "production/db"));
  EXPECT_TRUE(contains(to_string(err), std::to_string(first.id())));
  caf::anon_send_exit(first, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(second, caf::exit_reason::user_shutdown);
  reg->stop();
}

TEST_F(errors, invalid_namespace_renders_the_namespace_with_its_reference) {
  auto reg = spawn_registry(sys, {});
  ASSERT_TRUE(reg);
  blocking_registry client{sys, *reg};
  auto bogus = name_space::test(fresh_namespace_ref());
  auto err = client.teardown(bogus).error();
  EXPECT_EQ(err, make_error(registry_errc::invalid_namespace));
  EXPECT_TRUE(contains(to_string(err), to_string(bogus))) << to_string(err);
  EXPECT_TRUE(contains(to_string(err), "invalid_namespace")) << to_string(err);
  reg->stop();
}

TEST_F(errors, reason_of_gives_the_text_an_error_carries) {
  EXPECT_EQ(reason_of(make_error(registry_errc::not_found, "production/x")),
            std::string{"production/x"});
  EXPECT_EQ(reason_of(make_invalid_namespace(name_space::test(7), "gone")),
            std::string{"gone"});
  EXPECT_FALSE(reason_of(make_error(registry_errc::not_found)));
  EXPECT_FALSE(reason_of(caf::make_error(caf::sec::request_timeout)));
}

TEST_F(errors, the_registry_category_renders_the_short_form) {
  caf::actor_system_config short_cfg;
  add_registry_error_category(short_cfg);
  caf::actor_system short_sys{short_cfg};
  EXPECT_EQ(
      short_sys.render(make_error(registry_errc::not_found, "production/x")),
      "registry_error(not_found, production/x)");
  EXPECT_EQ(
      render_registry_error(static_cast<uint8_t>(registry_errc::unavailable),
                            caf::make_message(std::string{"no quorum"})),
      "registry_error(unavailable, no quorum)");
}

TEST_F(errors, googletest_prints_them_as_text) {
  auto err = make_error(registry_errc::invalid_key, "empty service name");
  EXPECT_EQ(::testing::PrintToString(err),
            "registry_error(invalid_key, empty service name)");
  auto sys_err = caf::make_error(caf::sec::request_timeout);
  EXPECT_EQ(::testing::PrintToString(sys_err), to_string(sys_err));
}

} // namespace

TEST_F(errors, every_code_renders_by_its_own_name) {
  std::set<std::string> names;
  for (int code = 1; code <= static_cast<int>(last_registry_errc); ++code) {
    auto name = to_string(static_cast<registry_errc>(code));
    EXPECT_NE(name, "unknown_error") << code;
    EXPECT_TRUE(names.insert(name).second) << name;
  }
  EXPECT_EQ(to_string(registry_errc::access_denied), "access_denied");
}
