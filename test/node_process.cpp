#include "node_process.hpp"

#include <csignal>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_process.hpp"

namespace libregistry::test {

std::string registry_node_path() {
  return LIBREGISTRY_NODE_PATH;
}

node_process::node_process(std::vector<std::string> args,
                           std::chrono::seconds timeout) {
  int to_child[2];
  int from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  args.insert(args.begin(), registry_node_path());
  pid_ = spawn_child(args, {to_child[0], from_child[1], -1});
  close(to_child[0]);
  close(from_child[1]);
  in_ = to_child[1];
  out_ = from_child[0];
  if (pid_ <= 0)
    throw std::runtime_error("cannot start " + registry_node_path());
  auto line = read_line(timeout);
  ready_ = line == "ready";
  if (!ready_)
    startup_ = line;
}

node_process::~node_process() {
  kill();
  if (in_ >= 0)
    close(in_);
  if (out_ >= 0)
    close(out_);
}

void node_process::send(const std::string& command) {
  auto text = command + "\n";
  if (write(in_, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    throw std::runtime_error("the node does not take commands");
}

std::string node_process::read_line(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto eol = buffer_.find('\n');
    if (eol != std::string::npos) {
      auto line = buffer_.substr(0, eol);
      buffer_.erase(0, eol + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return {};
    pollfd fd{out_, POLLIN, 0};
    if (poll(&fd, 1, static_cast<int>(left.count())) <= 0)
      return {};
    char chunk[4096];
    auto n = read(out_, chunk, sizeof(chunk));
    if (n <= 0)
      return {};
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

std::string node_process::ask(const std::string& command,
                              std::chrono::milliseconds timeout) {
  send(command);
  return read_line(timeout);
}

void node_process::kill() {
  if (pid_ <= 0)
    return;
  ::kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

} // namespace libregistry::test
