// The registry's log: what it reports to the application's sink (start,
// restarts, giving up, refused requests at debug), that records below the
// sink's level are not built, and that a throwing sink changes nothing.

#include <atomic>
#include <stdexcept>

#include "log_recorder.hpp"
#include "registry_fixture.hpp"

using namespace libregistry;
using libregistry::test::crash;
using libregistry::test::field;
using libregistry::test::key;
using libregistry::test::log_recorder;
using libregistry::test::registry_fixture;

namespace {

registry_options logging_to(const logger& log) {
  registry_options opts;
  opts.log = log;
  return opts;
}

TEST(registry_log, the_start_and_each_restart_are_reported) {
  log_recorder records;
  registry_fixture fx{logging_to(records.at(log_level::info))};
  auto started = records.with("registry started");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(field(started.front(), "backend"), "ets");
  EXPECT_TRUE(records.with("registry actor restarted").empty());
  crash(fx);
  auto restarted = records.with("registry actor restarted");
  ASSERT_EQ(restarted.size(), 1u);
  EXPECT_EQ(restarted.front().level, log_level::warning);
  EXPECT_EQ(field(restarted.front(), "restarts"), "1");
  EXPECT_NE(field(restarted.front(), "reason").find("kill"), std::string::npos)
      << field(restarted.front(), "reason");
}

TEST(registry_log, giving_up_after_too_many_restarts_is_an_error) {
  log_recorder records;
  auto opts = logging_to(records.at(log_level::info));
  opts.restart.max_restarts = 1;
  opts.restart.window = std::chrono::minutes(1);
  registry_fixture fx{opts};
  auto second = crash(fx);
  EXPECT_TRUE(records.with("registry stopped: restart limit reached").empty());
  fx.stop(caf::actor_cast<caf::actor>(second));
  ASSERT_FALSE(fx.reg().next_actor(second, std::chrono::seconds(10)));
  auto gave_up = records.with("registry stopped: restart limit reached");
  ASSERT_EQ(gave_up.size(), 1u);
  EXPECT_EQ(gave_up.front().level, log_level::error);
  EXPECT_EQ(field(gave_up.front(), "max_restarts"), "1");
  EXPECT_EQ(field(gave_up.front(), "window_ms"), "60000");
  EXPECT_EQ(records.with("registry actor restarted").size(), 1u);
}

TEST(registry_log, a_stop_is_reported_at_info) {
  log_recorder records;
  registry_fixture fx{logging_to(records.at(log_level::info))};
  fx.stop_registry();
  auto stopped = records.await("registry stopped");
  EXPECT_EQ(stopped.level, log_level::info);
  EXPECT_NE(field(stopped, "reason").find("user_shutdown"), std::string::npos)
      << field(stopped, "reason");
}

TEST(registry_log, a_refused_write_is_reported_at_debug) {
  log_recorder records;
  registry_fixture fx{logging_to(records.at(log_level::debug))};
  auto& client = fx.client();
  auto holder = fx.worker();
  ASSERT_FALSE(client.register_name(key("db"), holder));
  EXPECT_TRUE(records.with("request refused").empty());
  ASSERT_TRUE(client.register_name(key("db"), fx.worker()));
  auto refused = records.with("request refused");
  ASSERT_EQ(refused.size(), 1u);
  auto& x = refused.front();
  EXPECT_EQ(x.level, log_level::debug);
  EXPECT_EQ(field(x, "op"), "register_name");
  EXPECT_EQ(field(x, "key"), to_string(key("db")));
  EXPECT_EQ(field(x, "error"), "already_registered");
  EXPECT_EQ(field(x, "holder"), to_string(holder.address()));
  ASSERT_TRUE(client.update_metadata(key("none"), {}));
  refused = records.with("request refused");
  ASSERT_EQ(refused.size(), 2u);
  EXPECT_EQ(field(refused.back(), "op"), "update_metadata");
  EXPECT_EQ(field(refused.back(), "error"), "not_found");
  EXPECT_EQ(field(refused.back(), "detail"), to_string(key("none")));
}

TEST(registry_log, each_refused_entry_of_register_all_is_reported) {
  log_recorder records;
  registry_fixture fx{logging_to(records.at(log_level::debug))};
  auto w = fx.worker();
  auto results = fx.client().register_all(
      {{key("a"), w, {}}, {key(""), w, {}}, {key("b"), nullptr, {}}});
  ASSERT_TRUE(results);
  auto refused = records.with("request refused");
  ASSERT_EQ(refused.size(), 2u);
  EXPECT_EQ(field(refused[0], "op"), "register_all");
  EXPECT_EQ(field(refused[0], "error"), "invalid_key");
  EXPECT_FALSE(field(refused[0], "detail").empty());
  EXPECT_EQ(field(refused[1], "key"), to_string(key("b")));
  EXPECT_EQ(field(refused[1], "error"), "invalid_actor");
}

TEST(registry_log, records_below_the_sinks_level_are_not_written) {
  log_recorder records;
  registry_fixture fx{logging_to(records.at(log_level::warning))};
  auto& client = fx.client();
  ASSERT_FALSE(client.register_name(key("db"), fx.worker()));
  ASSERT_TRUE(client.register_name(key("db"), fx.worker()));
  EXPECT_EQ(records.size(), 0u);
  crash(fx);
  EXPECT_EQ(records.size(), 1u);
}

TEST(registry_log, a_throwing_sink_changes_nothing) {
  std::atomic<int> calls{0};
  auto opts = logging_to(logger{[&calls](const log_record&) {
                                  ++calls;
                                  throw std::runtime_error("sink down");
                                },
                                log_level::debug});
  opts.restart.max_restarts = 1;
  registry_fixture fx{opts};
  auto& client = fx.client();
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("db"), w));
  EXPECT_TRUE(test::is(client.register_name(key("db"), fx.worker()),
                       registry_errc::already_registered));
  crash(fx);
  EXPECT_EQ(client.lookup(key("db")).value(), w);
  EXPECT_EQ(fx.reg().lookup(key("db")), w);
  EXPECT_EQ(client.get_stats().value().restarts, 1u);
  EXPECT_GE(calls, 3); // started, refused, restarted
}

} // namespace
