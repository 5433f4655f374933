// optimized_ets answers a find by field from its metadata index; for any
// metadata values, the index must answer what a scan with `field_matches`
// answers.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <gtest/gtest.h>

#include <libregistry/backends/catalog.hpp>
#include <libregistry/testing/conformance.hpp>

#include "property_check.hpp"
#include "registry_model.hpp"

using namespace libregistry;
using namespace libregistry::properties;

namespace {

using limits = std::numeric_limits<double>;

/// Doubles that compare in surprising ways, and integers beside the
/// doubles equal to them.
rc::Gen<metadata_value> gen_number() {
  static const std::vector<double> doubles{0.0,
                                           -0.0,
                                           limits::quiet_NaN(),
                                           -limits::quiet_NaN(),
                                           limits::denorm_min(),
                                           -limits::denorm_min(),
                                           limits::min(),
                                           limits::max(),
                                           limits::lowest(),
                                           limits::infinity(),
                                           -limits::infinity(),
                                           1e-300,
                                           1e300,
                                           1.0,
                                           1.0000001,
                                           1.00000011,
                                           9007199254740992.0,
                                           0.1};
  static const std::vector<int64_t> ints{0,
                                         1,
                                         -1,
                                         9007199254740992,
                                         9007199254740993,
                                         std::numeric_limits<int64_t>::max(),
                                         std::numeric_limits<int64_t>::min()};
  return rc::gen::oneOf(
      rc::gen::map(rc::gen::elementOf(doubles),
                   [](double x) { return metadata_value{x}; }),
      rc::gen::map(rc::gen::elementOf(ints),
                   [](int64_t x) { return metadata_value{x}; }),
      rc::gen::map(
          rc::gen::elementOf(ints),
          [](int64_t x) { return metadata_value{static_cast<double>(x)}; }),
      rc::gen::map(rc::gen::arbitrary<double>(),
                   [](double x) { return metadata_value{x}; }),
      rc::gen::map(rc::gen::arbitrary<uint64_t>(), [](uint64_t bits) {
        // Any bit pattern: denormals, NaN payloads, both zeros.
        double x;
        static_assert(sizeof x == sizeof bits);
        std::memcpy(&x, &bits, sizeof x);
        return metadata_value{x};
      }));
}

/// A number, string or boolean, or a list (nested up to `depth`) of them,
/// or a nested map.
rc::Gen<metadata_value> gen_tricky(int depth) {
  auto scalar = rc::gen::oneOf(
      gen_number(),
      rc::gen::map(rc::gen::element<std::string>("", "0", "-0", "1", "nan"),
                   [](std::string x) { return metadata_value{x}; }),
      rc::gen::map(rc::gen::arbitrary<bool>(),
                   [](bool x) { return metadata_value{x}; }));
  if (depth == 0)
    return scalar;
  auto list = rc::gen::map(
      rc::gen::container<std::vector<metadata_value>>(gen_tricky(depth - 1)),
      [](std::vector<metadata_value> xs) {
        return metadata_value{metadata_value::list(xs.begin(), xs.end())};
      });
  auto map = rc::gen::map(gen_tricky(depth - 1), [](metadata_value x) {
    metadata m;
    m.emplace("inner", std::move(x));
    return metadata_value{std::move(m)};
  });
  return rc::gen::weightedOneOf<metadata_value>(
      {{6, scalar}, {3, list}, {1, map}});
}

/// The names of `xs`, sorted (their metadata may hold a NaN, which equals
/// nothing).
std::vector<std::string> names_of(const std::vector<entry>& xs) {
  std::vector<std::string> result;
  for (auto& x : xs)
    result.push_back(x.key.service.name);
  std::sort(result.begin(), result.end());
  return result;
}

/// Registers each value (some later replaced or unregistered, so the
/// index also removes), then queries each value and some others.
void index_agrees_with_a_scan(const caf::actor& worker) {
  auto backend = make_backend("optimized_ets");
  RC_ASSERT(static_cast<bool>(backend));
  auto& b = **backend;
  auto ns = name_space::production();
  auto values = *rc::gen::container<std::vector<metadata_value>>(gen_tricky(2));
  for (size_t i = 0; i < values.size(); ++i) {
    registry_key k{ns, "n" + std::to_string(i)};
    metadata m;
    m.emplace("v", values[i]);
    RC_ASSERT(!b.register_name(entry{k, worker, m}));
    auto change = *rc::gen::inRange(0, 4);
    if (change == 1)
      RC_ASSERT(!b.unregister(k));
    else if (change == 2)
      RC_ASSERT(!b.update_metadata(k, metadata{{"v", *gen_tricky(1)}}));
  }
  auto queries = values;
  auto more = *rc::gen::container<std::vector<metadata_value>>(gen_tricky(1));
  queries.insert(queries.end(), more.begin(), more.end());
  auto all = b.list_all(ns);
  RC_ASSERT(static_cast<bool>(all));
  for (auto& q : queries) {
    std::vector<entry> scan;
    for (auto& e : *all)
      if (field_matches(e.meta, "v", q))
        scan.push_back(e);
    auto found = b.find_by_field(ns, "v", q);
    RC_ASSERT(static_cast<bool>(found));
    if (!(names_of(*found) == names_of(scan)))
      RC_FAIL("find v = " + caf::to_string(q) + ": the index found " +
              to_string(names_of(*found)) + ", a scan " +
              to_string(names_of(scan)));
  }
}

TEST(optimized_ets_index, finds_what_a_scan_with_field_matches_finds) {
  caf::actor_system_config cfg;
  caf::actor_system sys{conformance::test_config(cfg)};
  auto worker = sys.spawn(conformance::echo_worker);
  check([&] { index_agrees_with_a_scan(worker); },
        sequences_for("optimized_ets"));
  caf::anon_send_exit(worker, caf::exit_reason::kill);
}

} // namespace
