#include "supervisor/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "engine/error.h"

namespace supervisor {
namespace {

rlimit original_fd_limit{};
bool fd_limit_raised = false;

// In the forked child: never returns.
[[noreturn]] void exec_helper(std::vector<std::string>& argv, int output) {
  int null = ::open("/dev/null", O_RDONLY);
  if (null < 0 || ::dup2(null, 0) < 0) _exit(127);
  if (output >= 0 && (::dup2(output, 1) < 0 || ::dup2(output, 2) < 0)) _exit(127);
  if (output < 0 && ::dup2(2, 1) < 0) _exit(127);
  ::close_range(3, ~0U, 0);
  restore_fd_limit();
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);
  std::vector<char*> args;
  for (auto& a : argv)
    args.push_back(a.data());
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  dprintf(2, "boxcompose-supervisor: exec %s: %s\n", args[0], strerror(errno));
  _exit(127);
}

}  // namespace

void raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  original_fd_limit = limit;
  limit.rlim_cur = limit.rlim_max;
  fd_limit_raised = ::setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

void restore_fd_limit() {
  if (fd_limit_raised) ::setrlimit(RLIMIT_NOFILE, &original_fd_limit);
}

pid_t spawn_helper(const std::vector<std::string>& argv, int output) {
  if (argv.empty()) throw engine::Error("spawn_helper: no command");
  std::vector<std::string> copy = argv;  // the child must not allocate
  pid_t pid = ::fork();
  if (pid < 0) throw engine::Error::sys("fork", argv[0], errno);
  if (pid == 0) exec_helper(copy, output);
  return pid;
}

}  // namespace supervisor
