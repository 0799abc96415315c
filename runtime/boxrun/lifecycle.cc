// boxrun create / start / run.
#include <limits.h>
#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <cerrno>

#include "boxrt/error.h"
#include "verbs.h"

namespace boxrun {
namespace {

struct CreateArgs {
  std::string bundle = ".";
  std::string pid_file;
  std::string id;
  bool detach = false;
};

std::atomic<pid_t> g_forward_to{0};

void forward_signal(int sig) {
  pid_t pid = g_forward_to.load();
  if (pid > 0) kill(pid, sig);
}

void install_forwarding(pid_t pid) {
  g_forward_to = pid;
  struct sigaction sa = {};
  sa.sa_handler = forward_signal;
  sa.sa_flags = SA_RESTART;
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH})
    sigaction(sig, &sa, nullptr);
}

std::string absolute(const std::string& path) {
  char buf[PATH_MAX];
  if (!realpath(path.c_str(), buf)) throw boxrt::Error::sys("bundle", path, errno);
  return buf;
}

boxrt::ContainerState do_create(boxrt::Runtime& rt, const CreateArgs& a) {
  std::string bundle = absolute(a.bundle);
  boxrt::CreateOptions opts;
  opts.bundle = bundle;
  opts.pid_file = a.pid_file;
  return rt.create(a.id, load_bundle(bundle), opts);
}

CLI::App* add_create_options(CLI::App* cmd, CreateArgs& a) {
  cmd->add_option("-b,--bundle", a.bundle, "path to the bundle directory")->capture_default_str();
  cmd->add_option("--pid-file", a.pid_file, "write the container's pid to this file");
  cmd->add_option("id", a.id, "container id")->required();
  return cmd;
}

}  // namespace

void add_lifecycle(CLI::App& app, Globals& g) {
  auto create_args = std::make_shared<CreateArgs>();
  auto* create = add_create_options(app.add_subcommand("create", "create a container"), *create_args);
  on_run(create, g, [create_args](boxrt::Runtime& rt) { do_create(rt, *create_args); });

  auto start_id = std::make_shared<std::string>();
  auto* start = app.add_subcommand("start", "start a created container");
  start->add_option("id", *start_id, "container id")->required();
  on_run(start, g, [start_id](boxrt::Runtime& rt) { rt.start(*start_id); });

  auto run_args = std::make_shared<CreateArgs>();
  auto* run = add_create_options(app.add_subcommand("run", "create and start a container"), *run_args);
  run->add_flag("-d,--detach", run_args->detach, "do not wait for the container");
  on_run(run, g, [run_args, &g](boxrt::Runtime& rt) {
    boxrt::ContainerState st = do_create(rt, *run_args);
    if (!run_args->detach) install_forwarding(st.pid);
    try {
      rt.start(st.id);
    } catch (...) {
      rt.remove(st.id, true);
      throw;
    }
    if (run_args->detach) return;
    g.exit_code = boxrt::wait_exit_code(st.pid);
    g_forward_to = 0;
    rt.remove(st.id, true);
  });
}

}  // namespace boxrun
