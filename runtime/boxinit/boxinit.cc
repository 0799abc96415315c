// boxcompose-init: the small init that `init: true` runs as pid 1 of a container, as
// tini and docker-init do: `boxcompose-init -- CMD ARGS...`.
//
// It forks CMD as a normal child (same process group, as tini without -g), forwards every
// catchable signal it receives to that child, reaps every process that gets reparented to
// it (it is pid 1, so every orphan of the container lands here), and exits with the
// child's exit code, or 128+N when the child was killed by signal N.
//
// Built static with libc only (no libstdc++ at run time) so it can be bind-mounted into
// any rootfs; see runtime/CMakeLists.txt.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

constexpr const char kName[] = "boxcompose-init";

// Signals raised by the process's own faults, or that would stop it on terminal I/O:
// these keep their default action instead of being waited for and forwarded (as tini).
constexpr int kNotForwarded[] = {SIGFPE,  SIGILL, SIGSEGV, SIGBUS, SIGABRT,
                                 SIGTRAP, SIGSYS, SIGTTIN, SIGTTOU};

void usage() {
  fprintf(stderr, "usage: %s [--] COMMAND [ARG...]\n", kName);
}

// Lowercased strerror, as Docker words its messages ("no such file or directory").
void print_exec_error(const char* file, int err) {
  char msg[128];
  snprintf(msg, sizeof msg, "%s", strerror(err));
  if (msg[0] >= 'A' && msg[0] <= 'Z') msg[0] = static_cast<char>(msg[0] - 'A' + 'a');
  fprintf(stderr, "%s: exec \"%s\": %s\n", kName, file, msg);
}

// The set of signals the parent waits for: everything except kNotForwarded.
void forwarded_set(sigset_t* set) {
  sigfillset(set);
  for (int sig : kNotForwarded)
    sigdelset(set, sig);
}

// In the child: back to a clean signal state, then exec. Never returns.
[[noreturn]] void exec_child(char** argv, const sigset_t* parent_mask) {
  signal(SIGTTIN, SIG_DFL);
  signal(SIGTTOU, SIG_DFL);
  sigprocmask(SIG_SETMASK, parent_mask, nullptr);
  execvp(argv[0], argv);
  int err = errno;
  print_exec_error(argv[0], err);
  // The shell's convention, which Docker follows: 126 found but not runnable, 127 missing.
  _exit(err == ENOENT || err == ENOTDIR ? 127 : 126);
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

// Reaps every exited process; returns true (and sets *code) once `child` is among them.
bool reap(pid_t child, int* code) {
  bool child_exited = false;
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      if (pid < 0 && errno == EINTR) continue;
      return child_exited;  // 0: others still running; ECHILD: nothing left
    }
    if (pid == child) {
      *code = exit_code_of(status);
      child_exited = true;
    }
  }
}

int supervise(pid_t child, const sigset_t* waited) {
  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(waited, &info);
    if (sig < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "%s: sigwaitinfo: %s\n", kName, strerror(errno));
      return 1;
    }
    if (sig == SIGCHLD) {
      int code = 0;
      if (reap(child, &code)) return code;
      continue;
    }
    // ESRCH (the child just exited, its SIGCHLD still pending) is harmless.
    kill(child, sig);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int first = 1;
  if (first < argc && strcmp(argv[first], "--") == 0) ++first;
  if (first >= argc) {
    usage();
    return 2;
  }

  // An inherited SIG_IGN on SIGCHLD would make the kernel reap children itself and hide
  // the command's exit status.
  signal(SIGCHLD, SIG_DFL);
  signal(SIGTTIN, SIG_IGN);
  signal(SIGTTOU, SIG_IGN);
  // Not pid 1 (run by hand or under another init): still adopt the command's orphans.
  if (getpid() != 1) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

  // Blocked before the fork, so no signal can arrive between fork and sigwaitinfo. A pid 1
  // only receives signals it handles or blocks: blocking them is what lets them in.
  sigset_t waited, parent_mask;
  forwarded_set(&waited);
  if (sigprocmask(SIG_BLOCK, &waited, &parent_mask) != 0) {
    fprintf(stderr, "%s: sigprocmask: %s\n", kName, strerror(errno));
    return 1;
  }

  pid_t child = fork();
  if (child < 0) {
    fprintf(stderr, "%s: fork: %s\n", kName, strerror(errno));
    return 1;
  }
  if (child == 0) exec_child(argv + first, &parent_mask);
  return supervise(child, &waited);
}
