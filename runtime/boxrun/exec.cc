// boxrun exec: run another process in a running container, with runc exec's flags.
#include <memory>

#include "boxrt/error.h"
#include "boxrt/exec_process.h"
#include "boxrt/oci_config.h"
#include "verbs.h"

namespace boxrun {
namespace {

struct ExecArgs {
  std::string id, process_file, console_socket, pid_file;
  int preserve_fds = 0;
  boxrt::ExecOverrides o;
  bool detach = false;
};

// --process replaces the whole process and, as in runc, the other process flags are
// not read; otherwise the flags change the container's own process.
boxrt::Process exec_process_of(boxrt::Runtime& rt, const ExecArgs& a) {
  if (!a.process_file.empty()) {
    if (!a.o.args.empty()) throw boxrt::Error("exec: give either --process or a command, not both");
    return boxrt::load_process(a.process_file);
  }
  if (a.o.args.empty()) throw boxrt::Error("exec: a command (or --process) is required");
  return boxrt::exec_process(rt.config(a.id).process, a.o);
}

}  // namespace

void add_exec(CLI::App& app, Globals& g) {
  auto a = std::make_shared<ExecArgs>();
  auto* exec = app.add_subcommand("exec", "execute a new process inside a container");
  exec->add_option("--cwd", a->o.cwd, "working directory");
  // One value per occurrence: `-e A=1 id cmd` must not take the id as a second value.
  exec->add_option("-e,--env", a->o.env, "set an environment variable KEY=VALUE (repeatable)")
      ->allow_extra_args(false);
  exec->add_option("-u,--user", a->o.user, "UID[:GID] to run as");
  exec->add_option("-g,--additional-gids", a->o.additional_gids, "additional gid (repeatable)")
      ->allow_extra_args(false);
  exec->add_option("-c,--cap", a->o.caps, "add a capability (repeatable)")->allow_extra_args(false);
  exec->add_flag("-t,--tty", a->o.tty, "allocate a pseudo-TTY");
  exec->add_flag("--no-new-privs", a->o.no_new_privs, "set no_new_privs on the process");
  exec->add_option("-p,--process", a->process_file, "process.json: the whole process to run");
  exec->add_option("--console-socket", a->console_socket,
                   "unix socket that receives the pty master");
  exec->add_option("--pid-file", a->pid_file, "write the process's pid to this file");
  exec->add_flag("-d,--detach", a->detach, "do not wait for the process");
  exec->add_option("--preserve-fds", a->preserve_fds,
                   "pass N more fds (3 .. 3+N-1) to the process");
  exec->add_option("id", a->id, "container id")->required();
  // Everything after the id is the command, untouched: `exec id sh -c x` must not read
  // -c as --cap.
  exec->prefix_command();
  exec->footer("Usage: boxrun exec [OPTIONS] ID COMMAND [ARGS...]");
  on_run(exec, g, [a, &g, exec](boxrt::Runtime& rt) {
    a->o.args = exec->remaining();
    boxrt::Process p = exec_process_of(rt, *a);
    check_terminal(a->detach, p.terminal, a->console_socket);
    boxrt::ExecOptions eo;
    eo.console_socket = a->console_socket;
    eo.pid_file = a->pid_file;
    eo.preserve_fds = a->preserve_fds;
    std::unique_ptr<ForegroundConsole> console;
    if (!a->detach && p.terminal) {
      console = std::make_unique<ForegroundConsole>();
      eo.console_socket = console->socket_path();
    }
    pid_t pid = rt.exec(a->id, p, eo);
    if (a->detach) return;
    forward_signals_to(pid);
    if (console) console->receive();
    g.exit_code = console ? console->proxy(pid) : boxrt::wait_exit_code(pid);
    forward_signals_to(0);
  });
}

}  // namespace boxrun
