// `boxcompose __health-exec`: one run of a container's healthcheck, started by the
// supervisor (which reads its output and counts its exit code).
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "boxrt/container.h"
#include "boxrt/exec_process.h"
#include "engine/engine.h"
#include "engine/error.h"

namespace engine {
namespace {

using boxrt::UniqueFd;

// Extra time past the check's timeout before this process ends the test itself: the
// supervisor, which times the check, normally asks first (SIGTERM).
constexpr std::chrono::seconds kOwnTimeoutMargin{1};

// Waits until `pid` exits, a SIGTERM/SIGINT arrives, or `timeout` passes; true when it
// exited on its own.
bool wait_or_interrupt(pid_t pid, std::chrono::nanoseconds timeout) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  UniqueFd signals(::signalfd(-1, &set, SFD_CLOEXEC));
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd) return true;  // already reaped by nobody else: waitpid below tells
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd fds[2] = {{pidfd.get(), POLLIN, 0}, {signals.get(), POLLIN, 0}};
    int n = ::poll(fds, signals ? 2 : 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error::sys("poll", "healthcheck", errno);
    if (fds[0].revents) return true;
    if (signals && fds[1].revents) return false;
  }
}

}  // namespace

int run_health_check(const Paths& paths, const std::string& container,
                     std::chrono::nanoseconds timeout, const std::vector<std::string>& argv) {
  if (argv.empty()) throw Error("healthcheck of " + container + ": no command");
  boxrt::Runtime runtime(paths.runtime_root().string());
  boxrt::ExecOverrides overrides;
  overrides.args = argv;
  boxrt::Process process = boxrt::exec_process(runtime.config(container).process, overrides);
  process.terminal = false;
  pid_t pid = runtime.exec(container, process);
  if (!wait_or_interrupt(pid, timeout + kOwnTimeoutMargin)) ::kill(pid, SIGKILL);
  return boxrt::wait_exit_code(pid);
}

}  // namespace engine
