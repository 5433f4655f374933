// registry_cluster_scale: the etcd backend with many node processes on one
// machine (scripts/cluster-scale.sh). Starts a three-member etcd cluster and
// NODES registry nodes (`registry_node`); every node registers NAMES names
// of its own at once; then prints how fast they were written, how long
// until every node saw every name, each node's cache and resident memory,
// and how long a node started afterwards took to load them all.
// Usage: registry_cluster_scale [NODES [NAMES]]   (defaults 8 and 12500)

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "etcd_cluster.hpp"
#include "node_process.hpp"
#include <libregistry/backends/etcd/detail/etcd_client.hpp>

using namespace std::chrono_literals;
using libregistry::test::etcd_cluster;
using libregistry::test::node_process;
using clock_type = std::chrono::steady_clock;

namespace {

using node_ptr = std::unique_ptr<node_process>;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

node_ptr start_node(const etcd_cluster& cluster, const std::string& prefix) {
  std::string list = "[";
  for (auto& x : cluster.endpoints())
    list += (list.size() > 1 ? ",\"" : "\"") + x + "\"";
  list += "]";
  return std::make_unique<node_process>(
      std::vector<std::string>{"--libregistry.backend=etcd",
                               "--libregistry.etcd.endpoints=" + list,
                               "--libregistry.etcd.prefix=\"" + prefix + "\"",
                               "--libregistry.etcd.request-timeout=5s"},
      60s);
}

/// Sends each node `stream s<i>- names` at once and reads their answers in
/// turn (a node whose output nobody reads would block); returns the names
/// registered, or -1 when not every node was done within `limit`.
long register_all(std::vector<node_ptr>& nodes, long names,
                  std::chrono::seconds limit) {
  for (size_t i = 0; i < nodes.size(); ++i)
    nodes[i]->send("stream s" + std::to_string(i) + "- " +
                   std::to_string(names));
  std::vector<bool> done(nodes.size(), false);
  long ok = 0;
  auto start = clock_type::now();
  for (size_t finished = 0; finished < nodes.size();) {
    if (clock_type::now() - start > limit)
      return -1;
    for (size_t i = 0; i < nodes.size(); ++i) {
      for (std::string line; !done[i];) {
        line = nodes[i]->read_line(10ms);
        if (line.empty())
          break;
        if (line == "done") {
          done[i] = true;
          ++finished;
        } else if (line.rfind("ok ", 0) == 0) {
          ++ok;
        }
      }
    }
  }
  return ok;
}

/// Polls every node's `count` until each sees `total` names; false after
/// `limit`.
bool await_count(std::vector<node_ptr>& nodes, long total,
                 std::chrono::seconds limit) {
  auto start = clock_type::now();
  auto want = "count " + std::to_string(total);
  for (auto& node : nodes)
    while (node->ask("count", 10s) != want)
      if (clock_type::now() - start > limit)
        return false;
      else
        std::this_thread::sleep_for(50ms);
  return true;
}

/// The `memory` answer of `node`: its cache and resident bytes, in MiB.
std::pair<double, double> memory_of(node_process& node) {
  std::istringstream in{node.ask("memory")};
  std::string word;
  double cache = 0;
  double rss = 0;
  in >> word >> cache >> rss;
  return {cache / 1048576, rss / 1048576};
}

} // namespace

int main(int argc, char** argv) {
  size_t node_count = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 8;
  long names = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 12500;
  if (node_count == 0 || names <= 0) {
    std::cerr << "usage: registry_cluster_scale [NODES [NAMES]]\n";
    return 2;
  }
  etcd_cluster cluster;
  if (!cluster.ready())
    return 1;
  auto prefix = "/scale/" + std::to_string(getpid()) + "/";
  std::vector<node_ptr> nodes;
  for (size_t i = 0; i < node_count; ++i) {
    nodes.push_back(start_node(cluster, prefix));
    if (!nodes.back()->ready()) {
      std::cerr << nodes.back()->startup_output() << '\n';
      return 1;
    }
  }
  auto total = static_cast<long>(node_count) * names;
  auto start = clock_type::now();
  auto ok = register_all(nodes, names, 900s);
  auto written = seconds_since(start);
  auto converged = await_count(nodes, total, 120s);
  auto seen = seconds_since(start);
  std::cout << node_count << " nodes, " << names << " names each (" << total
            << "), a three-member etcd cluster on this machine\n"
            << "registered " << ok << " in " << written
            << " s: " << static_cast<double>(ok) / written
            << " a second in all\n"
            << (converged ? "every node saw every name after "
                          : "not every node saw every name within ")
            << seen << " s\n";
  libregistry::etcd::detail::etcd_client client{{cluster.endpoints(), 5000ms}};
  if (auto status = client.status(cluster.endpoints().front()))
    std::cout << "etcd's database: " << status->db_size / 1048576.0 << " MiB, "
              << status->db_size / total << " bytes a name\n";
  for (size_t i = 0; i < nodes.size(); ++i) {
    auto [cache, rss] = memory_of(*nodes[i]);
    std::cout << "node " << i << ": " << nodes[i]->ask("count") << ", cache "
              << cache << " MiB, resident " << rss << " MiB\n";
  }
  auto joined = clock_type::now();
  auto late = start_node(cluster, prefix);
  auto late_count = late->ready() ? late->ask("count", 60s) : "not ready";
  auto loaded = late_count == "count " + std::to_string(total);
  std::cout << "a node started afterwards "
            << (loaded ? "loaded every name" : "did not load every name")
            << " in " << seconds_since(joined) << " s (" << late_count << ")\n";
  return ok == total && converged && loaded ? 0 : 1;
}
