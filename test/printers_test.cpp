// GoogleTest prints keys and entries as text in a failed assertion, not as
// the bytes of the object.

#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <gtest/gtest.h>

#include <libregistry/entry.hpp>
#include <libregistry/key.hpp>

using namespace libregistry;

namespace {

TEST(printers, keys_print_as_text) {
  registry_key k{name_space::production(), service_name{"worker"}};
  EXPECT_EQ(::testing::PrintToString(k), to_string(k));
  EXPECT_EQ(::testing::PrintToString(k.ns), to_string(k.ns));
  EXPECT_EQ(::testing::PrintToString(k.service), "worker");
}

TEST(printers, entries_print_their_key_actor_and_metadata) {
  metadata m;
  m.emplace("role", metadata_value{"imaging"});
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto w = sys.spawn([] {});
  entry e{{name_space::production(), service_name{"worker"}}, w, m};
  auto text = ::testing::PrintToString(e);
  EXPECT_NE(text.find("production/worker"), std::string::npos) << text;
  EXPECT_NE(text.find("actor " + std::to_string(w.id())), std::string::npos)
      << text;
  EXPECT_NE(text.find("imaging"), std::string::npos) << text;
}

TEST(printers, metadata_prints_as_text) {
  metadata m{{"role", "imaging"}, {"replicas", 3}};
  EXPECT_EQ(::testing::PrintToString(m),
            R"({"replicas" = 3, "role" = "imaging"})");
}

} // namespace
