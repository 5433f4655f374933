#include "etcd.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/send.hpp>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.hpp"
#include <libregistry/actors/blocking_registry.hpp>
#include <libregistry/backends/catalog.hpp>
#include <libregistry/errors.hpp>

extern char** environ;

namespace libregistry::bench {

namespace {

constexpr const char* remote_name = "echo";

registry_key remote_key() {
  return {name_space::production(), service_name{remote_name}};
}

caf::settings etcd_options(const std::string& prefix) {
  caf::settings result;
  // One string of comma-separated URLs: one per member.
  result.emplace("endpoints", etcd_endpoint());
  result.emplace("prefix", prefix);
  return result;
}

/// The other node: a registry_bench process with `--serve-node PREFIX`,
/// whose stdin the parent holds; closing it ends the node.
class other_node {
public:
  explicit other_node(const std::string& prefix) {
    int to_child[2];
    int from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0)
      throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, to_child[1]);
    posix_spawn_file_actions_addclose(&actions, from_child[0]);
    std::string self = "/proc/self/exe";
    std::string flag = "--serve-node";
    std::string arg = prefix;
    char* argv[] = {self.data(), flag.data(), arg.data(), nullptr};
    auto rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(to_child[0]);
    close(from_child[1]);
    stdin_ = to_child[1];
    auto out = fdopen(from_child[0], "r");
    char line[64] = {};
    auto ready = rc == 0 && out != nullptr &&
                 fgets(line, sizeof(line), out) != nullptr &&
                 std::strncmp(line, "ready", 5) == 0;
    if (out != nullptr)
      fclose(out);
    if (!ready)
      throw std::runtime_error("the other node did not start");
  }

  ~other_node() {
    close(stdin_);
    waitpid(pid_, nullptr, 0);
  }

private:
  pid_t pid_ = -1;
  int stdin_ = -1;
};

/// BM_CrossNodeRoundTrip/etcd.
void cross_node_round_trip(benchmark::State& state) {
  auto prefix = fresh_prefix();
  other_node node{prefix};
  registry_options opts;
  opts.backend = "etcd";
  opts.backend_options = etcd_options(prefix);
  auto reg = spawn_registry(sys(), std::move(opts));
  if (!reg) {
    fail(state, to_string(reg.error()));
    return;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!reg->lookup(remote_key()) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (!reg->lookup(remote_key())) {
    fail(state, "the other node's name never arrived");
    stop(*reg);
    return;
  }
  auto key = remote_key();
  request_loop(state, [&](caf::event_based_actor* self, size_t,
                          const std::function<void()>& next) {
    self->request(reg->lookup(key), caf::infinite, 1).then([next](int x) {
      benchmark::DoNotOptimize(x);
      next();
    });
  });
  stop(*reg);
}

} // namespace

std::string etcd_endpoint() {
  auto x = std::getenv("LIBREGISTRY_BENCH_ETCD");
  return x != nullptr ? x : "";
}

std::vector<std::string> measured_backends() {
  std::vector<std::string> result;
  for (auto& name : backend_names())
    if (!is_remote(name) || !etcd_endpoint().empty())
      result.push_back(name);
  return result;
}

bool is_remote(const std::string& backend) {
  return backend == "etcd";
}

std::string fresh_prefix() {
  static std::atomic<int> registries{0};
  return "/bench/" + std::to_string(getpid()) + "/" +
         std::to_string(++registries) + "/";
}

caf::settings backend_options_for(const std::string& backend) {
  return is_remote(backend) ? etcd_options(fresh_prefix()) : caf::settings{};
}

void register_cross_node() {
  if (etcd_endpoint().empty())
    return;
  benchmark::RegisterBenchmark("BM_CrossNodeRoundTrip/etcd",
                               cross_node_round_trip)
      ->UseRealTime();
}

int serve_node_if_asked(int argc, char** argv) {
  if (argc != 3 || std::strcmp(argv[1], "--serve-node") != 0)
    return -1;
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  add_registry_error_category(cfg);
  caf::actor_system node_sys{cfg};
  registry_options opts;
  opts.backend = "etcd";
  opts.backend_options = etcd_options(argv[2]);
  auto reg = spawn_registry(node_sys, std::move(opts));
  if (!reg) {
    std::cerr << "serve-node: " << to_string(reg.error()) << std::endl;
    return 1;
  }
  auto echo = node_sys.spawn(
      []() -> caf::behavior { return {[](int x) { return x + 1; }}; });
  blocking_registry client{node_sys, *reg};
  if (auto err = client.register_name(remote_key(), echo)) {
    std::cerr << "serve-node: " << to_string(err) << std::endl;
    return 1;
  }
  std::cout << "ready" << std::endl;
  char c;
  while (std::cin.get(c)) {
  }
  caf::anon_send_exit(echo, caf::exit_reason::user_shutdown);
  reg->stop();
  return 0;
}

} // namespace libregistry::bench
