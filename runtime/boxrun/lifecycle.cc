// boxrun create / start / run.
#include <limits.h>
#include <stdlib.h>

#include <cerrno>
#include <memory>

#include "boxrt/error.h"
#include "boxrt/os_error.h"
#include "verbs.h"

namespace boxrun {
namespace {

struct CreateArgs {
  std::string bundle = ".";
  std::string pid_file;
  std::string console_socket;
  std::string id;
  int preserve_fds = 0;
  bool no_pivot = false, no_new_keyring = false;
  bool detach = false, keep = false;
};

std::string absolute(const std::string& path) {
  char buf[PATH_MAX];
  if (!realpath(path.c_str(), buf)) throw boxrt::os_error("bundle", path, errno);
  return buf;
}

// `console` is set for a foreground run with a terminal: boxrun receives the pty itself.
boxrt::ContainerState do_create(boxrt::Runtime& rt, const CreateArgs& a, bool detach,
                                std::unique_ptr<ForegroundConsole>* console = nullptr) {
  std::string bundle = absolute(a.bundle);
  boxrt::ContainerSpec spec = load_bundle(bundle);
  check_terminal(detach, spec.process.terminal, a.console_socket);
  boxrt::CreateOptions opts;
  opts.bundle = bundle;
  opts.pid_file = a.pid_file;
  opts.console_socket = a.console_socket;
  opts.preserve_fds = a.preserve_fds;
  opts.no_pivot = a.no_pivot;
  opts.no_new_keyring = a.no_new_keyring;
  if (!detach && spec.process.terminal && console) {
    *console = std::make_unique<ForegroundConsole>();
    opts.console_socket = (*console)->socket_path();
  }
  // run: exec as soon as the init is ready, one round trip less than create + start.
  // Not with a foreground terminal, whose raw mode must be set before the process runs.
  opts.start = console && !*console;
  return rt.create(a.id, spec, opts);
}

CLI::App* add_create_options(CLI::App* cmd, CreateArgs& a) {
  cmd->add_option("-b,--bundle", a.bundle, "path to the bundle directory")->capture_default_str();
  cmd->add_option("--pid-file", a.pid_file, "write the container's pid to this file");
  cmd->add_option("--console-socket", a.console_socket,
                  "unix socket that receives the pty master (process.terminal)");
  cmd->add_option("--preserve-fds", a.preserve_fds,
                  "pass N more fds (3 .. 3+N-1) to the container's process");
  cmd->add_flag("--no-pivot", a.no_pivot,
                "move the rootfs onto / and chroot instead of pivot_root (for a ramfs root)");
  cmd->add_flag("--no-new-keyring", a.no_new_keyring,
                "keep the caller's session keyring instead of a new one");
  cmd->add_option("id", a.id, "container id")->required();
  return cmd;
}

}  // namespace

void add_lifecycle(CLI::App& app, Globals& g) {
  auto create_args = std::make_shared<CreateArgs>();
  auto* create =
      add_create_options(app.add_subcommand("create", "create a container"), *create_args);
  on_run(create, g, [create_args](boxrt::Runtime& rt) { do_create(rt, *create_args, true); });

  auto start_id = std::make_shared<std::string>();
  auto* start = app.add_subcommand("start", "start a created container");
  start->add_option("id", *start_id, "container id")->required();
  on_run(start, g, [start_id](boxrt::Runtime& rt) { rt.start(*start_id); });

  auto run_args = std::make_shared<CreateArgs>();
  auto* run =
      add_create_options(app.add_subcommand("run", "create and start a container"), *run_args);
  run->add_flag("-d,--detach", run_args->detach, "do not wait for the container");
  run->add_flag("--keep", run_args->keep, "do not delete the container after it exits");
  on_run(run, g, [run_args, &g](boxrt::Runtime& rt) {
    std::unique_ptr<ForegroundConsole> console;
    bool existed = rt.store().exists(run_args->id);
    boxrt::ContainerState st;
    try {
      st = do_create(rt, *run_args, run_args->detach, &console);
    } catch (...) {
      // Created but its process failed to start: stopped, and ours to delete.
      if (!existed && rt.store().exists(run_args->id)) rt.remove(run_args->id, true);
      throw;
    }
    if (!run_args->detach) forward_signals_to(st.pid);
    try {
      if (console) console->receive();
      if (st.status == boxrt::Status::kCreated) rt.start(st.id);
    } catch (...) {
      forward_signals_to(0);
      rt.remove(st.id, true);
      throw;
    }
    if (run_args->detach) return;
    g.exit_code = console ? console->proxy(st.pid) : boxrt::wait_exit_code(st.pid);
    forward_signals_to(0);
    console.reset();  // the caller's terminal back before anything else is printed
    if (!run_args->keep) rt.remove(st.id, true);
  });
}

}  // namespace boxrun
