#include "etcd_cluster.hpp"

#include <csignal>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_process.hpp"
#include <libregistry/backends/etcd/detail/etcd_client.hpp>

namespace libregistry::test {

namespace {

std::string url(int port) {
  return "http://127.0.0.1:" + std::to_string(port);
}

std::string random_suffix() {
  std::random_device rd;
  return std::to_string(::getpid()) + "-" + std::to_string(rd());
}

} // namespace

std::vector<int> free_ports(size_t n) {
  std::vector<int> fds;
  std::vector<int> result;
  for (size_t i = 0; i < n; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    fds.push_back(fd);
    result.push_back(ntohs(addr.sin_port));
  }
  for (auto fd : fds)
    ::close(fd);
  return result;
}

etcd_cluster::etcd_cluster(size_t size,
                           std::chrono::milliseconds election_timeout)
    : election_timeout_(election_timeout) {
  constexpr int attempts = 2;
  for (int i = 1; i <= attempts && !ready_; ++i) {
    ready_ = launch(size);
    if (!ready_) {
      std::cerr << "etcd_cluster: no leader within 20 s (attempt " << i
                << " of " << attempts << ")\n";
      report_logs();
      if (i < attempts)
        discard();
    }
  }
}

bool etcd_cluster::launch(size_t size) {
  auto suffix = random_suffix();
  dir_ = (std::filesystem::temp_directory_path() / ("etcd-test-" + suffix))
             .string();
  token_ = "libregistry-" + suffix;
  std::filesystem::create_directories(dir_);
  auto ports = free_ports(2 * size);
  for (size_t i = 0; i < size; ++i) {
    member m;
    m.name = "m" + std::to_string(i);
    m.client_port = ports[2 * i];
    m.peer_port = ports[2 * i + 1];
    if (!initial_cluster_.empty())
      initial_cluster_ += ",";
    initial_cluster_ += m.name + "=" + url(m.peer_port);
    members_.push_back(m);
  }
  for (size_t i = 0; i < size; ++i)
    start(i);
  return await_leader(std::chrono::seconds(20));
}

void etcd_cluster::discard() {
  for (size_t i = 0; i < members_.size(); ++i)
    kill(i);
  members_.clear();
  initial_cluster_.clear();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void etcd_cluster::report_logs() const {
  constexpr size_t kept = 20;
  for (auto& m : members_) {
    std::ifstream log{dir_ + "/" + m.name + ".log"};
    std::deque<std::string> last;
    for (std::string line; std::getline(log, line);) {
      last.push_back(std::move(line));
      if (last.size() > kept)
        last.pop_front();
    }
    std::cerr << "-- " << m.name << " (client " << url(m.client_port)
              << ", peer " << url(m.peer_port) << "), last lines:\n";
    for (auto& line : last)
      std::cerr << line << '\n';
  }
}

etcd_cluster::~etcd_cluster() {
  discard();
}

std::vector<std::string> etcd_cluster::endpoints() const {
  std::vector<std::string> result;
  for (auto& m : members_)
    result.push_back(url(m.client_port));
  return result;
}

void etcd_cluster::start(size_t i) {
  auto& m = members_[i];
  auto data = dir_ + "/" + m.name;
  std::vector<std::string> args{
      "etcd",
      "--name=" + m.name,
      "--data-dir=" + data,
      "--listen-client-urls=" + url(m.client_port),
      "--advertise-client-urls=" + url(m.client_port),
      "--listen-peer-urls=" + url(m.peer_port),
      "--initial-advertise-peer-urls=" + url(m.peer_port),
      "--initial-cluster=" + initial_cluster_,
      "--initial-cluster-token=" + token_,
      "--initial-cluster-state=new",
      "--heartbeat-interval=" + std::to_string(election_timeout_.count() / 10),
      "--election-timeout=" + std::to_string(election_timeout_.count())};
  // The member's output goes to a log beside its data directory.
  auto log = data + ".log";
  auto fd =
      ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  m.pid = spawn_child(args, {-1, fd, fd});
  if (fd >= 0)
    ::close(fd);
}

void etcd_cluster::kill(size_t i) {
  auto& m = members_[i];
  if (m.pid <= 0)
    return;
  ::kill(m.pid, SIGKILL);
  int status = 0;
  ::waitpid(m.pid, &status, 0);
  m.pid = -1;
}

void etcd_cluster::restart(size_t i) {
  kill(i);
  start(i);
}

size_t etcd_cluster::leader() const {
  etcd::detail::etcd_client client{
      {endpoints(), std::chrono::milliseconds(500)}};
  for (size_t i = 0; i < members_.size(); ++i) {
    if (members_[i].pid <= 0)
      continue;
    auto st = client.status(url(members_[i].client_port));
    if (!st || st->leader_id == 0)
      continue;
    for (size_t j = 0; j < members_.size(); ++j) {
      if (members_[j].pid <= 0)
        continue;
      auto other = client.status(url(members_[j].client_port));
      if (other && other->member_id == st->leader_id)
        return j;
    }
  }
  return members_.size();
}

bool etcd_cluster::await_leader(std::chrono::seconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (leader() < members_.size())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

} // namespace libregistry::test
