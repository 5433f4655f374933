#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace libregistry::test {

/// `n` distinct ports that were free a moment ago: the kernel's picks for
/// port 0, each socket held open until all are picked, so no port is
/// picked twice.
std::vector<int> free_ports(size_t n);

/// A throw-away etcd cluster on 127.0.0.1 for one test: `size` members of
/// Debian's `etcd` 3.4, free ports picked by the kernel, a fresh data
/// directory and cluster token. Elections time out after `election_timeout`
/// (heartbeats every tenth of it; etcd's default is 1 s, the test default
/// 500 ms), which also sets etcd's shortest lease: 1.5 election timeouts,
/// rounded up to whole seconds. Members are stopped with SIGKILL (a
/// graceful stop takes seconds); the destructor kills them all and removes
/// the directory.
///
/// A port the kernel reported free may be taken by another process (a
/// parallel test's member or connection) before a member binds it. So if no
/// leader is elected within 20 s, the members' logs go to stderr and the
/// cluster starts once more, over fresh ports, directory and token.
class etcd_cluster {
public:
  explicit etcd_cluster(size_t size = 3,
                        std::chrono::milliseconds election_timeout =
                            std::chrono::milliseconds(500));
  ~etcd_cluster();

  etcd_cluster(const etcd_cluster&) = delete;
  etcd_cluster& operator=(const etcd_cluster&) = delete;

  /// Whether every member answered and a leader was elected in time.
  bool ready() const { return ready_; }

  /// Client URLs, one per member.
  std::vector<std::string> endpoints() const;

  /// Kills member `i` with SIGKILL and waits for the process to end.
  void kill(size_t i);

  /// Starts member `i` again over its data directory.
  void restart(size_t i);

  /// The index of the member that leads, or `size()` if none answers.
  size_t leader() const;

  size_t size() const { return members_.size(); }

  /// Waits until a member reports a leader, up to `timeout`.
  bool await_leader(std::chrono::seconds timeout) const;

private:
  struct member {
    std::string name;
    int client_port = 0;
    int peer_port = 0;
    pid_t pid = -1;
  };

  /// Creates the directory and the members over fresh ports and starts
  /// them; true once a leader is elected.
  bool launch(size_t size);

  /// Kills every member and removes the directory.
  void discard();

  /// Writes the last lines of each member's log to stderr.
  void report_logs() const;

  void start(size_t i);

  std::chrono::milliseconds election_timeout_;
  std::string dir_;
  std::string token_;
  std::string initial_cluster_;
  std::vector<member> members_;
  bool ready_ = false;
};

} // namespace libregistry::test
