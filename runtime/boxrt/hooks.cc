#include "boxrt/hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "boxrt/error.h"
#include "boxrt/fd.h"
#include "boxrt/os_error.h"

extern char** environ;

namespace boxrt {
namespace {

// Enough of each stream for an error message; the rest is read and dropped so that a
// chatty hook never blocks on a full pipe.
constexpr size_t kMaxCaptured = 4096;

struct Pipe {
  UniqueFd read, write;
};

Pipe make_pipe() {
  int fds[2];
  check_os(pipe2(fds, O_CLOEXEC), "pipe", "for a hook");
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// The state is written before the hook starts, so writing never blocks and a hook that
// does not read its stdin can never raise SIGPIPE in the runtime.
UniqueFd stdin_with(const std::string& data) {
  Pipe p = make_pipe();
  if (data.size() > 65536 && fcntl(p.write.get(), F_SETPIPE_SZ, static_cast<int>(data.size())) < 0)
    throw os_error("grow a hook's stdin pipe to", std::to_string(data.size()) + " bytes", errno);
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = write(p.write.get(), data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw os_error("write the container state to a hook's stdin", "", errno);
    off += static_cast<size_t>(n);
  }
  return std::move(p.read);
}

std::vector<char*> cstrings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const auto& s : v)
    out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

class SpawnSetup {  // owns posix_spawn's file actions and attributes
 public:
  SpawnSetup(int in, int out, int err) {
    posix_spawn_file_actions_init(&actions_);
    posix_spawnattr_init(&attr_);
    posix_spawn_file_actions_adddup2(&actions_, in, 0);
    posix_spawn_file_actions_adddup2(&actions_, out, 1);
    posix_spawn_file_actions_adddup2(&actions_, err, 2);
    // Whatever the runtime holds (the container's fifo, sockets, a leaked fd of its
    // caller) is none of the hook's business.
    posix_spawn_file_actions_addclosefrom_np(&actions_, 3);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr_, &none);
    posix_spawnattr_setsigdefault(&attr_, &all);
    posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attr_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attr() const { return &attr_; }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attr_;
};

struct Output {
  std::string out, err;
};

// Reads what is there without blocking; false once the writer side is closed.
bool drain(int fd, std::string& into) {
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      into.append(buf, std::min(static_cast<size_t>(n),
                                kMaxCaptured - std::min(kMaxCaptured, into.size())));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0;  // EAGAIN: still open; 0: EOF
  }
}

// Waits for `pid` while collecting its output. A pidfd wakes poll when it exits; where
// pidfd_open is missing (or a seccomp filter denies it) poll ticks every 10 ms instead.
// Returns the wait status, or -1 when the deadline passed (the hook is then killed).
int wait_collecting(pid_t pid, int out, int err, std::optional<int> timeout, Output& o) {
  using Clock = std::chrono::steady_clock;
  auto deadline =
      timeout ? Clock::now() + std::chrono::seconds(*timeout) : Clock::time_point::max();
  UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  for (int fd : {out, err})
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  bool out_open = true, err_open = true;
  for (;;) {
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      drain(out, o.out);  // what it wrote before exiting; descendants may keep the pipes
      drain(err, o.err);
      return status;
    }
    if (r < 0 && errno != EINTR) throw os_error("wait for hook", std::to_string(pid), errno);
    auto now = Clock::now();
    if (now >= deadline) {
      ::kill(pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      return -1;
    }
    int wait_ms = 10;
    if (pidfd) wait_ms = -1;
    if (timeout) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
      wait_ms =
          wait_ms < 0 ? static_cast<int>(left) : std::min<int>(wait_ms, static_cast<int>(left));
    }
    struct pollfd fds[3] = {{out_open ? out : -1, POLLIN, 0},
                            {err_open ? err : -1, POLLIN, 0},
                            {pidfd ? pidfd.get() : -1, POLLIN, 0}};
    if (poll(fds, 3, wait_ms) < 0 && errno != EINTR)
      throw os_error("poll", "a hook's output", errno);
    if (out_open && fds[0].revents) out_open = drain(out, o.out);
    if (err_open && fds[1].revents) err_open = drain(err, o.err);
  }
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

std::string describe_status(int status) {
  if (WIFSIGNALED(status)) return std::string("killed by signal ") + sigabbrev_np(WTERMSIG(status));
  return "exit status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

char* const* caller_environment() {
  return environ;
}

void run_hook(const Hook& hook, const std::string& state_json, char* const* default_env) {
  UniqueFd in = stdin_with(state_json);
  Pipe out = make_pipe(), err = make_pipe();
  std::vector<std::string> args =
      hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
  auto argv = cstrings(args);
  auto env = cstrings(hook.env);
  pid_t pid;
  {
    SpawnSetup setup(in.get(), out.write.get(), err.write.get());
    int rc = posix_spawn(&pid, hook.path.c_str(), setup.actions(), setup.attr(), argv.data(),
                         hook.env.empty() ? default_env : env.data());
    if (rc != 0) throw os_error("start", hook.path, rc);
  }
  in.reset();
  out.write.reset();
  err.write.reset();
  Output o;
  int status = wait_collecting(pid, out.read.get(), err.read.get(), hook.timeout, o);
  if (status == -1)
    throw Error("ran past its timeout of " + std::to_string(*hook.timeout) + "s and was killed",
                ETIMEDOUT);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  std::string msg = describe_status(status);
  if (!trimmed(o.out).empty()) msg += ", stdout: " + trimmed(o.out);
  if (!trimmed(o.err).empty()) msg += ", stderr: " + trimmed(o.err);
  throw Error(msg);
}

namespace {

Error hook_error(const char* kind, size_t i, const Hook& h, const Error& e) {
  return e.with_context(std::string(kind) + " hook #" + std::to_string(i) + " (" + h.path + ")");
}

}  // namespace

void run_hooks(const char* kind, const std::vector<Hook>& hooks, const std::string& state_json,
               char* const* default_env) {
  for (size_t i = 0; i < hooks.size(); ++i) {
    try {
      run_hook(hooks[i], state_json, default_env);
    } catch (const Error& e) {
      throw hook_error(kind, i, hooks[i], e);
    }
  }
}

void run_hooks_warn(const char* kind, const std::vector<Hook>& hooks, const std::string& state_json,
                    const WarningSink& warn) {
  for (size_t i = 0; i < hooks.size(); ++i) {
    try {
      run_hook(hooks[i], state_json, environ);
    } catch (const Error& e) {
      if (warn) warn(hook_error(kind, i, hooks[i], e).what());
    }
  }
}

void validate_hooks(const Hooks& hooks) {
  const std::pair<const char*, const std::vector<Hook>*> lists[] = {
      {"prestart", &hooks.prestart},
      {"createRuntime", &hooks.create_runtime},
      {"createContainer", &hooks.create_container},
      {"startContainer", &hooks.start_container},
      {"poststart", &hooks.poststart},
      {"poststop", &hooks.poststop}};
  for (const auto& [kind, list] : lists) {
    for (size_t i = 0; i < list->size(); ++i) {
      const Hook& h = (*list)[i];
      std::string where = std::string("hooks.") + kind + "[" + std::to_string(i) + "]";
      if (h.path.empty() || h.path[0] != '/')
        throw Error(where + ".path: \"" + h.path + "\" must be an absolute path");
      if (h.timeout && *h.timeout <= 0)
        throw Error(where + ".timeout: " + std::to_string(*h.timeout) +
                    " must be greater than zero");
    }
  }
}

}  // namespace boxrt
