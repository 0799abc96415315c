// The runtime's public API: what the orchestrator and boxrun call. A Runtime owns one
// state root (boxrun's --root); containers in it are named by id.
//
//   boxrt::Runtime rt("/run/boxcompose/runtime");
//   rt.create("web-1", spec, {.bundle = dir});   // init waits in its namespaces
//   rt.start("web-1");                            // execs process.args
//   int code = rt.wait("web-1");                  // only from the process that created it
//   rt.remove("web-1");
//
// create() clones the container init as a child of the calling process (so the caller
// can wait for it). It clones with raw clone(2): call it from a single-threaded process
// or before starting threads (as boxrun and the per-project supervisor do).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "boxrt/cgroup.h"
#include "boxrt/hooks.h"
#include "boxrt/spec.h"
#include "boxrt/state.h"

namespace boxrt {

class StartWatch;

struct CreateOptions {
  std::string bundle;  // recorded in the state; relative root.path resolves against it
  std::string stdin_path, stdout_path, stderr_path;  // empty: inherit the caller's
  std::string pid_file;
  // With process.terminal: a listening unix socket that receives the pty master (runc's
  // --console-socket). Required with a terminal, refused without one.
  std::string console_socket;
  // Exec the process as soon as it is ready, as `run` does: no exec fifo and one round
  // trip less. create() then returns a running container, or throws what start() would
  // (the container is then stopped and waits for remove()).
  bool start = false;
  int preserve_fds = 0;         // the caller's fds 3 .. 3+N-1 reach the process (--preserve-fds)
  bool no_pivot = false;        // MS_MOVE + chroot instead of pivot_root (--no-pivot)
  bool no_new_keyring = false;  // keep the caller's session keyring (--no-new-keyring)
};

struct ExecOptions {
  std::string stdin_path, stdout_path, stderr_path;
  std::string console_socket;  // as CreateOptions::console_socket, for process.terminal
  std::string pid_file;        // when it cannot be written, the process is killed
  int preserve_fds = 0;        // as CreateOptions::preserve_fds
};

class Runtime {
 public:
  explicit Runtime(std::string root = "/run/boxrun");

  // Where the runtime reports what does not fail an operation: a poststart or poststop
  // hook that failed (the runtime spec says warn and go on). Default: stderr.
  void set_warning_handler(WarningSink handler) { warn_ = std::move(handler); }

  // Runs prestart/createRuntime/createContainer hooks; when one fails, or anything after
  // the clone does, the init is killed, everything made is removed, the poststop hooks
  // run, and the error is thrown.
  ContainerState create(const std::string& id, const ContainerSpec& spec,
                        const CreateOptions& opts = {});
  // Returns once the process was exec'd (after the startContainer hooks), then runs the
  // poststart hooks. A failed startContainer hook or exec throws; the container is then
  // stopped (its processes killed) and waits for remove().
  void start(const std::string& id);
  ContainerState state(const std::string& id) const;
  std::vector<ContainerState> list() const;
  // Signals the init, or with `all` every process of the container's cgroup.
  void kill(const std::string& id, int sig, bool all = false);
  // runc delete: a created or stopped container goes; a running one only with force.
  // The poststop hooks run after everything is gone.
  void remove(const std::string& id, bool force = false);
  // Waits for the init; valid only in the process that called create(). Returns the
  // exit code, or 128 + signal.
  int wait(const std::string& id);

  // Starts `process` inside the running container; returns its pid (a child of the caller).
  // The process is checked as a spec's is (validate_process).
  pid_t exec(const std::string& id, const Process& process, const ExecOptions& opts = {});
  std::vector<pid_t> ps(const std::string& id) const;
  void pause(const std::string& id);
  void resume(const std::string& id);
  CgroupStats stats(const std::string& id) const;
  ContainerSpec config(const std::string& id) const;  // the spec it was created from

  const StateStore& store() const { return store_; }

 private:
  Status status_of(const ContainerState& s) const;
  // start's second half: waits for the exec (or the init's report of why not), then
  // runs the poststart hooks.
  void finish_start(ContainerState& s, const ContainerSpec& spec, StartWatch& watch);
  void wait_gone(const ContainerState& s) const;
  void warn(const std::string& msg) const;

  StateStore store_;
  WarningSink warn_;
};

// waitpid + decode: exit code, or 128 + signal.
int wait_exit_code(pid_t pid);

// Every check create() makes before it clones, for callers that want errors early.
void validate_spec(const ContainerSpec& spec);
// The part of it about the process (also what exec checks).
void validate_process(const Process& process);
// --preserve-fds N: fds 3 .. 3+N-1 must all be open in the caller.
void validate_preserve_fds(int n);

}  // namespace boxrt
