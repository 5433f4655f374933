#include "backend_options.hpp"

#include <atomic>
#include <memory>
#include <stdexcept>

#include <unistd.h>

#include <libregistry/backends/catalog.hpp>
#include <libregistry/metadata.hpp>

#include "../examples/map_backend/map_backend.hpp"
#include "etcd_cluster.hpp"

namespace libregistry::test {

namespace {

/// The endpoint of this process's etcd, started on the first call.
const std::string& shared_etcd() {
  static std::unique_ptr<etcd_cluster> cluster;
  static std::string endpoint;
  if (!cluster) {
    cluster = std::make_unique<etcd_cluster>(1);
    if (!cluster->ready())
      throw std::runtime_error("the test etcd did not start");
    endpoint = cluster->endpoints().front();
  }
  return endpoint;
}

} // namespace

std::vector<std::string> suite_backends() {
  if (auto err = register_backend<map_backend>("map"))
    throw std::logic_error("cannot register map_backend: " + to_string(err));
  return {"ets", "optimized_ets", "partitioned", "etcd", "map"};
}

caf::settings backend_options_for(const std::string& backend) {
  caf::settings result;
  if (backend != "etcd")
    return result;
  static std::atomic<int> registries{0};
  result.emplace("endpoints",
                 metadata_value::list{metadata_value{shared_etcd()}});
  result.emplace("prefix", "/test/" + std::to_string(getpid()) + "/" +
                               std::to_string(++registries) + "/");
  result.emplace("lease-ttl", caf::timespan{std::chrono::seconds(2)});
  return result;
}

registry_options options_for(const std::string& backend) {
  registry_options result;
  result.backend = backend;
  result.backend_options = backend_options_for(backend);
  return result;
}

registry_options etcd_options_on(const std::vector<std::string>& endpoints) {
  auto result = options_for("etcd");
  metadata_value::list urls;
  for (auto& x : endpoints)
    urls.emplace_back(x);
  result.backend_options["endpoints"] = metadata_value{std::move(urls)};
  return result;
}

} // namespace libregistry::test
