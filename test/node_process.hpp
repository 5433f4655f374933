#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace libregistry::test {

/// A registry node (the `registry_node` program) running as a child
/// process, driven by one-line commands on its stdin and read line by line
/// from its stdout. The destructor kills it with SIGKILL if it still runs.
class node_process {
public:
  /// Starts the node with `args` (its command-line options) and waits up to
  /// `timeout` for its `ready` line.
  node_process(std::vector<std::string> args, std::chrono::seconds timeout);
  ~node_process();

  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;

  /// Whether the node printed `ready`.
  bool ready() const { return ready_; }

  /// What the node printed instead of `ready`, if it failed to start.
  const std::string& startup_output() const { return startup_; }

  /// Sends one command line.
  void send(const std::string& command);

  /// The next line the node prints, or an empty string after `timeout`.
  std::string read_line(std::chrono::milliseconds timeout);

  /// `send` then `read_line`.
  std::string ask(const std::string& command,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// Kills the process with SIGKILL and reaps it.
  void kill();

private:
  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  std::string buffer_;
  std::string startup_;
  bool ready_ = false;
};

/// Where the `registry_node` program is.
std::string registry_node_path();

} // namespace libregistry::test
