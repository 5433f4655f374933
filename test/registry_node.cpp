// One CAF node of a registry, as its own process, for the tests across
// nodes (etcd_nodes_test.cpp). It takes the registry's options on the
// command line (e.g. --libregistry.backend=etcd
// --libregistry.etcd.endpoints=[...]), then answers commands on stdin, one
// line each, on stdout:
//
//   register NAME        -> ok | error TEXT     (a fresh echo actor)
//   stream PREFIX N      -> ok|taken|error NAME ... then done: registers
//                           PREFIX0 .. PREFIX<N-1>, one line per name
//   lookup NAME          -> found REPLY | missing | silent
//                           (a direct read, then a request to the actor)
//   monitor NAME         -> ok | missing
//   await-down MS        -> down | timeout      (for the monitored actor)
//   kill NAME            -> ok | missing        (a local actor)
//   spawn-or-get NAME N  -> got ACTOR spawned S alive L: lookup_or_spawn
//                           from N threads at once; ACTOR the one they all
//                           got (`split` if not), S the actors this node
//                           spawned, L how many of them live a moment later
//   count                -> count N             (registrations it sees)
//   health               -> health STATUS OWNER
//   memory               -> memory CACHE RSS    (the backend's estimate of
//                           its table, and the process's resident bytes)
//   taken                -> taken NAME,NAME...  (names another node took
//                           while this one was cut off from etcd)
//   quit                 -> bye, after stopping the registry

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <libregistry/actors/blocking_registry.hpp>
#include <libregistry/actors/registry.hpp>
#include <libregistry/actors/registry_config.hpp>
#include <libregistry/errors.hpp>
#include <libregistry/liveness.hpp>

using namespace libregistry;
using namespace std::chrono_literals;

namespace {

class node_config : public caf::actor_system_config {
public:
  node_config() {
    load<caf::io::middleman>();
    add_registry_error_category(*this);
    declare_registry_options(custom_options_);
  }
};

caf::behavior echo(caf::event_based_actor*) {
  return {[](int x) { return x + 1; }};
}

registry_key name_of(const std::string& text) {
  return {name_space::production(), service_name{text}};
}

class node {
public:
  node(caf::actor_system& sys, registry reg)
      : sys_(sys), reg_(std::move(reg)), client_(sys, reg_), self_(sys) {}

  /// Answers one command; false for `quit`.
  bool run(const std::string& line) {
    std::istringstream in{line};
    std::string cmd;
    std::string name;
    in >> cmd >> name;
    if (cmd == "register")
      std::cout << answer(register_fresh(name));
    else if (cmd == "stream")
      stream(name, in);
    else if (cmd == "lookup")
      lookup(name);
    else if (cmd == "monitor")
      monitor(name);
    else if (cmd == "await-down")
      await_down(std::stoi(name));
    else if (cmd == "kill")
      kill(name);
    else if (cmd == "spawn-or-get")
      spawn_or_get(name, in);
    else if (cmd == "count")
      std::cout << "count " << client_.get_stats().value().registrations;
    else if (cmd == "health")
      health();
    else if (cmd == "memory")
      memory();
    else if (cmd == "taken")
      taken();
    else if (cmd == "quit")
      return false;
    else
      std::cout << "error unknown command " << cmd;
    std::cout << std::endl;
    return true;
  }

  void stop() {
    for (auto& [name, who] : actors_)
      caf::anon_send_exit(who, caf::exit_reason::user_shutdown);
    reg_.stop();
  }

private:
  std::string answer(const caf::error& err) {
    return err ? "error " + sys_.render(err) : "ok";
  }

  caf::error register_fresh(const std::string& name) {
    auto who = sys_.spawn(echo);
    auto err = client_.register_name(name_of(name), who);
    if (err)
      caf::anon_send_exit(who, caf::exit_reason::user_shutdown);
    else
      actors_[name] = who;
    return err;
  }

  void stream(const std::string& prefix, std::istream& in) {
    int n = 0;
    in >> n;
    for (int i = 0; i < n; ++i) {
      auto name = prefix + std::to_string(i);
      auto err = register_fresh(name);
      auto taken = err == make_error(registry_errc::already_registered);
      std::cout << (!err    ? "ok "
                    : taken ? "taken "
                            : "error ")
                << name << std::endl;
    }
    std::cout << "done";
  }

  void lookup(const std::string& name) {
    auto who = reg_.lookup(name_of(name));
    if (!who) {
      std::cout << "missing";
      return;
    }
    std::string result = "silent";
    self_->request(who, 2s, 1)
        .receive([&](int x) { result = "found " + std::to_string(x); },
                 [](caf::error&) {});
    std::cout << result;
  }

  void monitor(const std::string& name) {
    monitored_ = reg_.lookup(name_of(name));
    if (monitored_)
      self_->monitor(monitored_);
    std::cout << (monitored_ ? "ok" : "missing");
  }

  void await_down(int ms) {
    std::string result = "timeout";
    self_->receive([&](caf::down_msg&) { result = "down"; },
                   caf::after(std::chrono::milliseconds(ms)) >> [] {});
    std::cout << result;
  }

  void kill(const std::string& name) {
    auto i = actors_.find(name);
    if (i == actors_.end()) {
      std::cout << "missing";
      return;
    }
    caf::anon_send_exit(i->second, caf::exit_reason::kill);
    actors_.erase(i);
    std::cout << "ok";
  }

  void spawn_or_get(const std::string& name, std::istream& in) {
    int threads = 1;
    in >> threads;
    std::mutex mtx;
    std::vector<caf::actor> spawned;
    spawner fn{[&](caf::actor_system& sys) {
      auto who = sys.spawn(echo);
      std::lock_guard<std::mutex> guard{mtx};
      spawned.push_back(who);
      return who;
    }};
    std::vector<std::string> got(static_cast<size_t>(threads));
    std::vector<std::thread> workers;
    for (size_t i = 0; i < got.size(); ++i)
      workers.emplace_back([&, i] {
        blocking_registry client{sys_, reg_};
        auto x = client.lookup_or_spawn(name_of(name), {}, fn);
        got[i] =
            x ? to_string((*x).address()) : "error " + sys_.render(x.error());
      });
    for (auto& t : workers)
      t.join();
    // The registry stops a spawned actor that lost the name at once, but
    // asynchronously: give the losers, all but the one the threads got, a
    // moment.
    auto live = [&](bool losers_only) {
      return std::count_if(
          spawned.begin(), spawned.end(), [&](const caf::actor& x) {
            return !is_terminated(x) &&
                   !(losers_only && to_string(x.address()) == got[0]);
          });
    };
    for (int i = 0; i < 100 && live(true) > 0; ++i)
      std::this_thread::sleep_for(20ms);
    auto same = std::all_of(got.begin(), got.end(),
                            [&](const std::string& x) { return x == got[0]; });
    std::cout << "got " << (same ? got[0] : "split") << " spawned "
              << spawned.size() << " alive " << live(false);
  }

  void health() {
    auto report = client_.health_check().value();
    auto& details = report.details.details;
    std::cout << "health " << to_string(report.status) << ' '
              << caf::get_or(details, "owner", std::string{"?"});
  }

  void memory() {
    auto report = client_.health_check().value();
    std::ifstream statm{"/proc/self/statm"};
    uint64_t pages = 0;
    uint64_t resident = 0;
    statm >> pages >> resident;
    std::cout << "memory " << report.details.memory_bytes << ' '
              << resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  }

  void taken() {
    auto report = client_.health_check().value();
    auto names = caf::get_or(report.details.details, "taken_while_cut_off",
                             std::vector<std::string>{});
    std::string text;
    for (auto& x : names)
      text += (text.empty() ? "" : ",") + x;
    std::cout << "taken " << text;
  }

  caf::actor_system& sys_;
  registry reg_;
  blocking_registry client_;
  caf::scoped_actor self_;
  std::map<std::string, caf::actor> actors_;
  caf::actor monitored_;
};

} // namespace

int main(int argc, char** argv) {
  node_config cfg;
  if (auto err = cfg.parse(argc, argv)) {
    std::cerr << "bad options: " << caf::to_string(err) << std::endl;
    return 2;
  }
  caf::actor_system sys{cfg};
  auto reg = spawn_registry(sys);
  if (!reg) {
    std::cout << "error " << sys.render(reg.error()) << std::endl;
    return 1;
  }
  node n{sys, std::move(*reg)};
  std::cout << "ready" << std::endl;
  std::string line;
  while (std::getline(std::cin, line) && n.run(line)) {
  }
  n.stop();
  std::cout << "bye" << std::endl;
  return 0;
}
