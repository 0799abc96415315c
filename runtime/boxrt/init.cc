#include "boxrt/init.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "boxrt/caps.h"
#include "boxrt/console.h"
#include "boxrt/error.h"
#include "boxrt/hooks.h"
#include "boxrt/namespaces.h"
#include "boxrt/os_error.h"
#include "boxrt/procfs.h"
#include "boxrt/rlimits.h"
#include "boxrt/rootfs.h"
#include "boxrt/seccomp.h"
#include "boxrt/sync.h"
#include "boxrt/user.h"

namespace boxrt {
namespace {

void redirect(const std::string& path, int target, int flags) {
  if (path.empty()) return;
  int fd = open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0) throw os_error("open stdio file", path, errno);
  check_os(dup2(fd, target), "dup2", path);
  close(fd);
}

void setup_stdio(const InitConfig& cfg) {
  redirect(cfg.stdin_path, 0, O_RDONLY);
  redirect(cfg.stdout_path, 1, O_WRONLY | O_CREAT | O_APPEND);
  redirect(cfg.stderr_path, 2, O_WRONLY | O_CREAT | O_APPEND);
}

void set_names(const ContainerSpec& spec) {
  if (!spec.hostname.empty() || !spec.domainname.empty()) {
    if (!spec.find_namespace("uts"))
      throw Error("hostname/domainname set without a uts namespace; refusing to rename the host");
  }
  if (!spec.hostname.empty())
    check_os(sethostname(spec.hostname.data(), spec.hostname.size()), "sethostname", spec.hostname);
  if (!spec.domainname.empty())
    check_os(setdomainname(spec.domainname.data(), spec.domainname.size()), "setdomainname",
             spec.domainname);
}

std::vector<char*> cstrings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const auto& s : v)
    out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

std::string hook_state_json(const InitConfig& cfg, pid_t host_pid, Status status) {
  ContainerState s = cfg.hook_state;
  s.pid = host_pid;
  s.status = status;
  return state_to_oci_json(s).dump();
}

// Hooks the init runs get the process's environment when they name none (runc's init
// has already switched to it).
void run_own_hooks(const char* kind, const std::vector<Hook>& hooks, const InitConfig& cfg,
                   pid_t host_pid, Status status) {
  if (hooks.empty()) return;
  auto envp = cstrings(cfg.spec->process.env);
  run_hooks(kind, hooks, hook_state_json(cfg, host_pid, status), envp.data());
}

void attach_console(const InitConfig& cfg, bool mount_console) {
  setup_console(cfg.console_socket_fd, cfg.spec->process, mount_console);
  close(cfg.console_socket_fd);
}

void setup_root(const InitConfig& cfg, pid_t host_pid) {
  const ContainerSpec& spec = *cfg.spec;
  if (cfg.new_mount_ns) prepare_rootfs(spec, cfg.cgroup_mounts);
  if (cfg.parent_hooks && !sync_request_hooks(cfg.sync_fd))
    throw Error("the runtime went away while it ran the prestart hooks");
  if (!spec.hooks.create_container.empty()) {
    // As runc: from the rootfs directory, with the host's root still in view.
    check_os(chdir(spec.root.path.c_str()), "chdir", spec.root.path);
    run_own_hooks("createContainer", spec.hooks.create_container, cfg, host_pid, Status::kCreating);
  }
  enter_rootfs(spec, cfg.new_mount_ns, cfg.no_pivot);
  // After pivot_root (the container's own devpts), before the paths go read-only.
  if (spec.process.terminal) attach_console(cfg, true);
  // Before finish_rootfs makes /proc/sys read-only.
  apply_sysctls(spec.linux.sysctl);
  if (cfg.new_mount_ns) finish_rootfs(spec);
  set_names(spec);
}

// Every fd above stdio and the ones the caller asked to pass (--preserve-fds) is closed
// by execve: whatever the caller leaked into us (a directory of the host, say) must not
// reach the container (CVE-2024-21626).
void close_inherited_fds(int preserve) {
  const unsigned first = 3 + static_cast<unsigned>(preserve);
  for (int fd = 3; fd < static_cast<int>(first); ++fd)
    fcntl(fd, F_SETFD, 0);
  if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  for (int fd = static_cast<int>(first); fd < 65536; ++fd)
    fcntl(fd, F_SETFD, FD_CLOEXEC);
}

// As runc: a session keyring of its own, so the container never sees (or fills) the
// caller's keys. Before seccomp, whose default profile blocks keyctl.
void join_new_keyring(const InitConfig& cfg) {
  if (!cfg.new_keyring || cfg.exec_mode) return;
  std::string name = "_ses." + cfg.hook_state.id;
  if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name.c_str()) < 0 && errno != ENOSYS)
    throw os_error("join session keyring", name, errno);
}

// A process without process.capabilities gets none, as with runc: the runtime's own
// full set must never leak into a container because a spec left them out.
void switch_identity(const Process& p, bool seccomp_now, const ContainerSpec& spec) {
  static const Capabilities kNone;
  const Capabilities& caps = p.capabilities ? *p.capabilities : kNone;
  if (seccomp_now) load_seccomp(*spec.linux.seccomp);
  drop_bounding_set(caps);
  switch_user(p.user);
  apply_capabilities(caps);
}

// The parent's part when there are no id maps to write (InitConfig::parent_setup): one
// round trip between the two processes less. Returns our pid as the host sees it: /proc
// is still the host's here, and /proc/self names us in its pid namespace.
pid_t setup_self(const InitConfig& cfg) {
  char self[32] = {};
  if (readlink("/proc/self", self, sizeof self - 1) < 0)
    throw os_error("readlink", "/proc/self", errno);
  // Ourselves, not by pid: our pid in a new pid namespace means nothing to the host's cgroupfs.
  if (cfg.cgroup) cfg.cgroup->attach_self();
  if (const auto& adj = cfg.spec->process.oom_score_adj)
    write_proc_file("/proc/self/oom_score_adj", std::to_string(*adj));
  return static_cast<pid_t>(atoi(self));
}

struct Prepared {
  std::string exe;     // what to exec once start says so; empty when not found
  int exe_errno = 0;   // why it was not found
  pid_t host_pid = 0;  // our pid as the runtime sees it, for the hooks' state
};

Prepared setup(const InitConfig& cfg) {
  const ContainerSpec& spec = *cfg.spec;
  const Process& p = spec.process;
  Prepared out;
  if (!cfg.parent_setup)
    out.host_pid = setup_self(cfg);
  else if (!sync_wait_go(cfg.sync_fd, &out.host_pid))
    throw Error("the runtime went away before the container started");
  setup_stdio(cfg);
  join_namespaces(spec);
  // In a user namespace our ids are still the host's (unmapped there): become its root
  // so that files we create are owned by a mapped id.
  if (spec.find_namespace("user")) {
    check_os(setresgid(0, 0, 0), "setresgid", "0 in the user namespace");
    check_os(setresuid(0, 0, 0), "setresuid", "0 in the user namespace");
  }
  if (cfg.new_cgroup_ns) check_os(unshare(CLONE_NEWCGROUP), "unshare cgroup namespace");
  if (!cfg.exec_mode) {
    check_os(setsid(), "setsid");
    setup_root(cfg, out.host_pid);
  } else {
    if (!cfg.exec_root.empty()) {
      check_os(chroot(cfg.exec_root.c_str()), "chroot", cfg.exec_root);
      check_os(chdir("/"), "chdir", "/");
    }
    if (p.terminal) {
      check_os(setsid(), "setsid");
      attach_console(cfg, false);
    }
  }
  join_new_keyring(cfg);
  apply_rlimits(p.rlimits);
  const bool nnp = p.no_new_privileges;
  const bool has_seccomp = spec.linux.seccomp.has_value();
  switch_identity(p, has_seccomp && !nnp, spec);
  check_cwd(p.cwd);
  check_os(chdir(p.cwd.c_str()), "chdir to process.cwd", p.cwd);
  char buf[4096];
  if (!getcwd(buf, sizeof buf) || buf[0] != '/')
    throw Error("process.cwd " + p.cwd + " is outside the container's root");
  if (p.user.umask) umask(*p.user.umask);
  if (p.args.empty()) throw Error("process.args is empty");
  // A missing command is the process's failure, not create's: as with runc and a shell,
  // it shows at start (exit 127) with `exec "foo": no such file or directory`.
  try {
    out.exe = resolve_executable(p.args[0], p.env);
  } catch (const Error& e) {
    out.exe_errno = e.code() ? e.code() : ENOENT;
  }
  close_inherited_fds(cfg.preserve_fds);
  if (nnp) check_os(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl", "PR_SET_NO_NEW_PRIVS");
  if (has_seccomp && nnp) load_seccomp(*spec.linux.seccomp);
  return out;
}

// After ready nobody waits on the sync socket: `start` reads the start fifo instead
// (format: start_failure_message). Without one (exec), the message goes to stderr.
// Then exits with `status`.
[[noreturn]] void fail_after_ready(const InitConfig& cfg, int status, int err,
                                   const std::string& msg) {
  if (cfg.start_fifo_fd < 0) {
    dprintf(2, "boxrun: %s\n", msg.c_str());
    _exit(status);
  }
  // One write below PIPE_BUF arrives whole.
  std::string text = start_failure_message(status, err, msg).substr(0, PIPE_BUF - 1);
  while (write(cfg.start_fifo_fd, text.data(), text.size()) < 0 && errno == EINTR) {
  }
  _exit(status);
}

// Go's wording, as runc prints it: `exec "foo": no such file or directory`.
[[noreturn]] void exec_failed(const InitConfig& cfg, int err) {
  std::string why = strerror(err);
  if (!why.empty()) why[0] = static_cast<char>(tolower(static_cast<unsigned char>(why[0])));
  std::string msg = "exec \"" + cfg.spec->process.args[0] + "\": " + why;
  fail_after_ready(cfg, exec_failure_status(err), err, msg);
}

}  // namespace

void check_cwd(const std::string& cwd) {
  if (cwd.empty() || cwd[0] != '/') throw Error("process.cwd \"" + cwd + "\" is not absolute");
  // A cwd through a leaked fd of the host escapes the rootfs (CVE-2024-21626).
  for (const char* prefix : {"/proc/self/fd", "/proc/thread-self/fd"})
    if (cwd.rfind(prefix, 0) == 0)
      throw Error("process.cwd " + cwd + " is under " + prefix + "; refusing");
  if (cwd.rfind("/proc/", 0) == 0 && cwd.find("/fd/") != std::string::npos)
    throw Error("process.cwd " + cwd + " goes through a process's fds; refusing");
}

std::string resolve_executable(const std::string& arg0, const std::vector<std::string>& env) {
  auto runnable = [](const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
  };
  if (arg0.find('/') != std::string::npos) {
    if (!runnable(arg0)) throw os_error("executable", arg0, errno ? errno : EACCES);
    return arg0;
  }
  std::string path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const auto& e : env)
    if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find(':', i);
    if (j == std::string::npos) j = path.size();
    std::string dir = path.substr(i, j - i);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + arg0;
    if (runnable(candidate)) return candidate;
    i = j + 1;
  }
  throw Error("executable " + arg0 + " not found in $PATH (" + path + ")", ENOENT);
}

void run_init(const InitConfig& cfg) {
  Prepared prep;
  try {
    prep = setup(cfg);
  } catch (const Error& e) {
    sync_send_error(cfg.sync_fd, e);
    _exit(1);
  } catch (const std::exception& e) {
    sync_send_error(cfg.sync_fd, Error(e.what()));
    _exit(1);
  }
  if (!sync_send_ready(cfg.sync_fd)) _exit(1);
  if (cfg.exec_fifo_fd >= 0) {
    char c;
    ssize_t n;
    do
      n = read(cfg.exec_fifo_fd, &c, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1) _exit(1);
  }
  try {
    if (!cfg.exec_mode)
      run_own_hooks("startContainer", cfg.spec->hooks.start_container, cfg, prep.host_pid,
                    Status::kCreated);
  } catch (const std::exception& e) {
    fail_after_ready(cfg, 1, 0, e.what());
  }
  if (prep.exe.empty()) exec_failed(cfg, prep.exe_errno);
  auto argv = cstrings(cfg.spec->process.args);
  auto envp = cstrings(cfg.spec->process.env);
  execve(prep.exe.c_str(), argv.data(), envp.data());
  exec_failed(cfg, errno);
}

int exec_failure_status(int err) {
  return err == ENOENT ? 127 : 126;
}

std::string start_failure_message(int status, int err, const std::string& msg) {
  return std::to_string(status) + " " + std::to_string(err) + " " + msg;
}

StartFailure parse_start_failure(const std::string& text) {
  StartFailure f;
  f.message = text;
  int status = 0, err = 0, used = 0;
  if (sscanf(text.c_str(), "%d %d %n", &status, &err, &used) == 2 && used > 0) {
    f.status = status;
    f.err = err;
    f.message = text.substr(static_cast<size_t>(used));
  }
  return f;
}

}  // namespace boxrt
