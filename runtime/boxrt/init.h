// What the cloned child does, in order, between clone and execve (nsjail's contain.cc).
// Runs in the child only; reports failure over the sync socket and _exits, never throws.
#pragma once

#include <string>

#include "boxrt/cgroup.h"
#include "boxrt/mounts.h"
#include "boxrt/spec.h"
#include "boxrt/state.h"

namespace boxrt {

struct InitConfig {
  const ContainerSpec* spec = nullptr;
  int sync_fd = -1;
  int exec_fifo_fd = -1;       // read one byte from it before execve; -1: exec at once
  int start_fifo_fd = -1;      // after start: a startContainer hook's or exec's failure goes here
  int console_socket_fd = -1;  // process.terminal: the pty master is sent over it
  bool exec_mode = false;      // `exec` into a running container: no rootfs, no hostname
  // exec into a container without a mount namespace of its own: its init only chrooted,
  // so the exec'd process chroots to the same place (/proc/<init>/root).
  std::string exec_root;
  bool new_cgroup_ns = false;  // unshare it after the parent moved us into the cgroup
  bool new_mount_ns = false;
  bool parent_hooks = false;  // stop after the mounts for the parent's prestart hooks
  // The parent writes id maps (a new user namespace) and then sends go; without one the
  // init joins `cgroup` and sets its OOM score itself, and nobody waits for anybody.
  bool parent_setup = true;
  Cgroup* cgroup = nullptr;
  int preserve_fds = 0;       // fds 3 .. 3+N-1 stay open across exec (runc's --preserve-fds)
  bool no_pivot = false;      // MS_MOVE + chroot instead of pivot_root (runc's --no-pivot)
  bool new_keyring = true;    // join a fresh session keyring "_ses.<id>" (not for exec)
  ContainerState hook_state;  // what hooks the init runs see on stdin (pid, status filled in)
  CgroupBindSources cgroup_mounts;
  std::string stdin_path, stdout_path, stderr_path;  // empty: inherit
};

[[noreturn]] void run_init(const InitConfig& cfg);

// What a process whose exec failed exits with, as a shell: 127 not found, 126 otherwise.
int exec_failure_status(int err);

// The init's report on the start fifo when a startContainer hook or the exec failed:
// "<exit status> <errno> <message>".
struct StartFailure {
  int status = 1;
  int err = 0;
  std::string message;
};
std::string start_failure_message(int status, int err, const std::string& msg);
StartFailure parse_start_failure(const std::string& text);

// The part of process setup shared by init and exec, exposed for tests.
std::string resolve_executable(const std::string& arg0, const std::vector<std::string>& env);
void check_cwd(const std::string& cwd);

}  // namespace boxrt
