// The conformance suite's bounds (`registry_limits`): names, test
// namespaces and metadata nesting, over the backend under test. A request
// past a bound is refused with an error naming the bound and its value,
// and changes nothing; below the bound, everything works.

#include <atomic>
#include <string>

#include <libregistry/testing/conformance.hpp>

namespace libregistry::conformance {

metadata nested_metadata(size_t depth) {
  metadata_value x{int64_t{1}};
  for (size_t i = 1; i < depth; ++i) {
    metadata_value::list xs;
    xs.push_back(std::move(x));
    x = metadata_value{std::move(xs)};
  }
  metadata result;
  result.emplace("deep", std::move(x));
  return result;
}

namespace {

/// The suite's options for the backend under test, with `limits`.
registry_options bounded(registry_options opts, registry_limits limits) {
  opts.limits = limits;
  return opts;
}

/// True if `err` is `code` and its text holds `part`.
bool refused(const caf::error& err, registry_errc code,
             const std::string& part) {
  auto why = reason_of(err);
  return is(err, code) && why && why->find(part) != std::string::npos;
}

TEST_P(backend_conformance, names_stop_at_max_names_and_nothing_changes) {
  registry_limits limits;
  limits.max_names = 3;
  fixture small{bounded(options(), limits)};
  auto& reg = small.client();
  auto a = small.worker();
  auto b = small.worker();
  ASSERT_FALSE(reg.register_name(key("a"), a));
  ASSERT_FALSE(reg.register_name(key("b"), b));
  ASSERT_FALSE(reg.register_name(key("a2"), a));
  auto err = reg.register_name(key("c"), small.worker());
  EXPECT_TRUE(refused(err, registry_errc::limit_reached, "max-names = 3"))
      << to_string(err);
  // Replacing a registration's metadata adds nothing: allowed at the bound.
  EXPECT_FALSE(reg.register_name(key("a"), a, meta("v", int64_t{2})));
  auto bulk = reg.register_all({entry{key("d"), b, {}}});
  ASSERT_TRUE(bulk);
  ASSERT_EQ(bulk->size(), 1u);
  EXPECT_TRUE(is(bulk->front(), registry_errc::limit_reached));
  std::atomic<int> spawned{0};
  spawner counting{[&](caf::actor_system& sys) {
    ++spawned;
    return caf::actor_cast<caf::actor>(sys.spawn(echo_worker));
  }};
  auto s = reg.spawn_registered(key("e"), {}, counting);
  EXPECT_TRUE(!s && is(s.error(), registry_errc::limit_reached));
  EXPECT_EQ(spawned.load(), 0);
  EXPECT_EQ(reg.count_services(name_space::production()).value(), 3u);
  EXPECT_EQ(small.reg().lookup(key("b")), b);
  EXPECT_EQ(reg.get_metadata(key("a")).value(), meta("v", int64_t{2}));
  EXPECT_EQ(small.reg().lookup(key("c")), nullptr);
  // Below the bound again, registering works.
  ASSERT_FALSE(reg.unregister(key("a2")));
  EXPECT_FALSE(reg.register_name(key("c"), b));
  EXPECT_EQ(small.reg().lookup(key("c")), b);
}

TEST_P(backend_conformance, test_namespaces_stop_at_max_test_namespaces) {
  registry_limits limits;
  limits.max_test_namespaces = 2;
  fixture small{bounded(options(), limits)};
  auto& reg = small.client();
  auto one = reg.create_test_namespace();
  auto two = reg.create_test_namespace();
  ASSERT_TRUE(one && two);
  auto w = small.worker();
  ASSERT_FALSE(reg.register_name(key("svc", *one), w));
  auto three = reg.create_test_namespace();
  ASSERT_FALSE(three);
  EXPECT_TRUE(refused(three.error(), registry_errc::limit_reached,
                      "max-test-namespaces = 2"))
      << to_string(three.error());
  EXPECT_EQ(small.reg().lookup(key("svc", *one)), w);
  EXPECT_EQ(reg.count_services(*two).value(), 0u);
  ASSERT_TRUE(reg.teardown(*two));
  EXPECT_TRUE(reg.create_test_namespace());
}

TEST_P(backend_conformance, metadata_nested_to_the_limit_works_deeper_not) {
  registry_limits limits;
  limits.max_metadata_depth = max_metadata_depth_ceiling;
  limits.max_metadata_bytes = 1 << 20;
  fixture deep{bounded(options(), limits)};
  auto& reg = deep.client();
  auto w = deep.worker();
  auto at_limit = nested_metadata(max_metadata_depth_ceiling);
  ASSERT_FALSE(reg.register_name(key("svc"), w, at_limit));
  EXPECT_EQ(reg.get_metadata(key("svc")).value(), at_limit);
  EXPECT_EQ(deep.reg().lookup_with_metadata(key("svc"))->meta, at_limit);
  auto& value = at_limit.container().at("deep");
  EXPECT_EQ(reg.find_services(name_space::production(), "deep", value)->size(),
            1u);
  auto over = nested_metadata(max_metadata_depth_ceiling + 1);
  auto err = reg.register_name(key("other"), w, over);
  EXPECT_TRUE(refused(err, registry_errc::invalid_metadata,
                      "max-metadata-depth = 1000"))
      << to_string(err);
  err = reg.update_metadata(key("svc"), over);
  EXPECT_TRUE(is(err, registry_errc::invalid_metadata)) << to_string(err);
  EXPECT_EQ(reg.get_metadata(key("svc")).value(), at_limit);
  EXPECT_EQ(deep.reg().lookup(key("other")), nullptr);
}

TEST_P(backend_conformance, metadata_lists_stop_at_max_metadata_list_length) {
  registry_limits limits;
  limits.max_metadata_list_length = 3;
  fixture small{bounded(options(), limits)};
  auto& reg = small.client();
  auto w = small.worker();
  metadata_value::list three(3, metadata_value{int64_t{1}});
  ASSERT_FALSE(reg.register_name(key("svc"), w, meta("xs", three)));
  auto four = three;
  four.emplace_back(int64_t{1});
  auto err = reg.update_metadata(key("svc"), meta("xs", four));
  EXPECT_TRUE(refused(err, registry_errc::invalid_metadata,
                      "max-metadata-list-length = 3"))
      << to_string(err);
  EXPECT_EQ(reg.get_metadata(key("svc")).value(), meta("xs", three));
  auto found =
      reg.find_services(name_space::production(), "xs", metadata_value{four});
  EXPECT_TRUE(!found && is(found.error(), registry_errc::invalid_metadata));
}

} // namespace

void link_bounds_suite() {
  // The tests above register themselves; calling this links them.
}

} // namespace libregistry::conformance
