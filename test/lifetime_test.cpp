// A program that forgets `registry::stop()` still exits: the registry ends
// with its last handle instead of keeping the actor system alive.

#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "backend_options.hpp"
#include "child_process.hpp"

using namespace libregistry::test;
using namespace std::chrono_literals;

namespace {

/// What `out` holds from its start.
std::string contents(std::FILE* out) {
  std::string text;
  std::rewind(out);
  char buf[256];
  for (auto n = std::fread(buf, 1, sizeof(buf), out); n > 0;
       n = std::fread(buf, 1, sizeof(buf), out))
    text.append(buf, n);
  return text;
}

/// The exit status of `pid` if it exits within `bound`; else kills it and
/// returns -1.
int exit_status_within(pid_t pid, std::chrono::milliseconds bound) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(10ms);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -1;
}

/// The forgetful program's command line for `backend`, with the options
/// the suite runs that backend with.
std::vector<std::string> command_for(const std::string& backend) {
  std::vector<std::string> args{LIBREGISTRY_FORGETFUL_PATH,
                                "--libregistry.backend=" + backend};
  for (auto& [name, value] : backend_options_for(backend))
    args.push_back("--libregistry." + backend + "." + name + "=" +
                   to_string(value));
  return args;
}

class lifetime : public ::testing::TestWithParam<const char*> {};

TEST_P(lifetime, a_program_that_never_stops_its_registry_exits) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  auto pid = spawn_child(command_for(GetParam()), {-1, fileno(out), -1});
  ASSERT_GT(pid, 0);
  EXPECT_EQ(exit_status_within(pid, 20s), 0) << "-1: still running after 20 s";
  EXPECT_NE(contents(out).find("ready"), std::string::npos);
  std::fclose(out);
}

INSTANTIATE_TEST_SUITE_P(backends, lifetime,
                         ::testing::Values("ets", "optimized_ets",
                                           "partitioned", "etcd"));

} // namespace
