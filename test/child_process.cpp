#include "child_process.hpp"

#include <csignal>
#include <cstdio>
#include <memory>

#include <sys/prctl.h>
#include <unistd.h>

namespace libregistry::test {

pid_t spawn_child(const std::vector<std::string>& args, child_streams streams) {
  // Everything the child needs is built before fork: after it, a child of
  // a multi-threaded process may only make async-signal-safe calls.
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (auto& a : copy)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  auto parent = getpid();
  auto pid = fork();
  if (pid != 0)
    return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent)
    _exit(127); // the parent ended before the line above
  if (streams.in >= 0)
    dup2(streams.in, STDIN_FILENO);
  if (streams.out >= 0)
    dup2(streams.out, STDOUT_FILENO);
  if (streams.err >= 0)
    dup2(streams.err, STDERR_FILENO);
  execvp(argv[0], argv.data());
  _exit(127);
}

std::string output_of(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe{popen(command.c_str(), "r"),
                                             pclose};
  std::string out;
  char buf[4096];
  for (size_t n; pipe && (n = fread(buf, 1, sizeof(buf), pipe.get())) > 0;)
    out.append(buf, n);
  return out;
}

} // namespace libregistry::test
