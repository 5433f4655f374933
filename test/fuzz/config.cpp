// Fuzz target: the registry's configuration as a user writes it, read the
// way an application does (README, Configuration): CAF parses it with the
// registry's options declared (`declare_registry_options`), then
// `registry_options_from` reads the registry's options and the selected
// backend's group, and the backend reads its own (`make_backend`; etcd's
// `node_options_from`, without connecting). The first byte picks the form:
// even, the rest is a config file (caf-application.ini); odd, a command
// line, one argument per line.
// Properties: nothing throws; every refusal by the registry or a backend
// is `invalid_option` (or `unknown_backend`) with a reason; accepted values
// are in their documented ranges, and the etcd node's deadlines computed
// from them do not overflow the clock.

#include <chrono>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>

#include <libregistry/actors/registry_config.hpp>
#include <libregistry/backends/catalog.hpp>
#include <libregistry/backends/etcd/detail/etcd_node.hpp>

#include "fuzz_check.hpp"

using namespace libregistry;

namespace {

struct app_config : caf::actor_system_config {
  app_config() { declare_registry_options(custom_options_); }
};

bool is_refusal(const caf::error& err) {
  return fuzz::is_registry_error(err, registry_errc::invalid_option) ||
         fuzz::is_registry_error(err, registry_errc::unknown_backend);
}

/// `now + d` (in the clock's ticks) is representable.
template <class Duration>
bool fits_the_clock(Duration d) {
  using clock = std::chrono::steady_clock;
  using ticks = clock::duration;
  if (d.count() < 0)
    return false;
  auto max_ticks = std::numeric_limits<ticks::rep>::max();
  auto now = clock::now().time_since_epoch().count();
  // d in ticks, saturated, without overflowing on the way.
  constexpr auto num =
      std::ratio_divide<typename Duration::period, ticks::period>::num;
  static_assert(
      std::ratio_divide<typename Duration::period, ticks::period>::den == 1);
  if (d.count() > max_ticks / num)
    return false;
  return d.count() * num <= max_ticks - now;
}

void check_etcd(const caf::settings& options) {
  auto opts = etcd::detail::node_options_from(options);
  if (!opts) {
    FUZZ_CHECK(is_refusal(opts.error()));
    return;
  }
  FUZZ_CHECK(!opts->client.endpoints.empty());
  FUZZ_CHECK(opts->client.request_timeout.count() > 0);
  FUZZ_CHECK(opts->lease_ttl.count() >= 1);
  FUZZ_CHECK(!opts->prefix.empty() && !opts->agent_host.empty());
  // What the node computes: the deadline of one call, and of a lease.
  FUZZ_CHECK(fits_the_clock(opts->client.request_timeout));
  FUZZ_CHECK(fits_the_clock(opts->lease_ttl));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  auto text = fuzz::bytes_of(data + 1, size - 1);
  std::vector<std::string> args;
  std::string ini;
  if (data[0] % 2 == 0) {
    ini = std::move(text);
  } else {
    std::istringstream lines{text};
    for (std::string line; std::getline(lines, line);)
      args.push_back(line);
  }
  app_config cfg;
  std::istringstream in{ini};
  if (cfg.parse(std::move(args), in))
    return 0; // CAF refused the text itself
  auto opts = registry_options_from(cfg);
  if (!opts) {
    FUZZ_CHECK(is_refusal(opts.error()));
    return 0;
  }
  FUZZ_CHECK(!opts->backend.empty());
  FUZZ_CHECK(opts->limits.max_name_length >= 1);
  FUZZ_CHECK(opts->limits.max_metadata_bytes >= 1);
  FUZZ_CHECK(opts->restart.window.count() > 0);
  if (opts->backend == "etcd") {
    check_etcd(opts->backend_options);
    return 0;
  }
  auto backend = make_backend(opts->backend, opts->backend_options);
  if (!backend)
    FUZZ_CHECK(is_refusal(backend.error()));
  return 0;
}
