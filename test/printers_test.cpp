// GoogleTest prints the registry's types as text in a failed assertion.

#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <gtest/gtest.h>

#include <libregistry/testing/printers.hpp>

using namespace libregistry;

namespace {

TEST(printers, keys_print_as_text) {
  registry_key k{name_space::production(), service_name{"worker"}};
  EXPECT_EQ(::testing::PrintToString(k), to_string(k));
  EXPECT_EQ(::testing::PrintToString(k.ns), to_string(k.ns));
  EXPECT_EQ(::testing::PrintToString(k.service), "worker");
}

TEST(printers, metadata_and_entries_print_their_fields) {
  metadata m;
  m.emplace("role", metadata_value{"imaging"});
  EXPECT_NE(::testing::PrintToString(m).find("role"), std::string::npos);
  EXPECT_NE(::testing::PrintToString(m).find("imaging"), std::string::npos);
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto w = sys.spawn([] {});
  entry e{{name_space::production(), service_name{"worker"}}, w, m};
  auto text = ::testing::PrintToString(e);
  EXPECT_NE(text.find("worker"), std::string::npos) << text;
  EXPECT_NE(text.find("actor " + std::to_string(w.id())), std::string::npos)
      << text;
  EXPECT_NE(text.find("imaging"), std::string::npos) << text;
}

TEST(printers, registry_errors_print_by_name) {
  EXPECT_EQ(::testing::PrintToString(
                make_error(registry_errc::invalid_key, "empty service name")),
            "registry_error(invalid_key, empty service name)");
  EXPECT_EQ(::testing::PrintToString(caf::error{}), "none");
}

} // namespace
