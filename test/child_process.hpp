#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

namespace libregistry::test {

/// The standard streams of a child process: descriptors of the parent that
/// become the child's stdin, stdout and stderr (-1: inherit the parent's).
struct child_streams {
  int in = -1;
  int out = -1;
  int err = -1;
};

/// Starts `args[0]` (searched on PATH) with `args` as a child process that
/// the kernel kills with SIGKILL when the calling thread ends, so a test
/// that crashes or times out leaves no etcd member or node behind. Every
/// other descriptor of the parent is closed in the child if it was opened
/// with O_CLOEXEC. Returns the child's pid, or -1 if it could not start.
pid_t spawn_child(const std::vector<std::string>& args, child_streams streams);

/// What `command` prints on stdout, run by the shell (`popen`).
std::string output_of(const std::string& command);

} // namespace libregistry::test
