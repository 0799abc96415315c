// `stop [-t N]`, `start`, `restart [-t N]`, `kill [-s SIG]` and `rm [-f] [-s] [-v]` on a
// project's services. start and restart run under the supervisor (they make processes).
#include <signal.h>
#include <string.h>

#include <algorithm>
#include <cctype>
#include <iostream>

#include "cli/project_ref.h"
#include "cli/verbs.h"
#include "engine/engine.h"
#include "engine/error.h"

namespace cli {
namespace {

struct LifecycleFlags {
  std::vector<std::string> services;
  std::optional<int> timeout;
  std::string signal = "SIGKILL";
  bool force = false;
  bool stop_first = false;
  bool volumes = false;
  ProgressFlags progress;
};

const compose::Project* project_of(const ProjectRef& ref) {
  return ref.project ? &*ref.project : nullptr;
}

engine::StopOptions stop_options(const LifecycleFlags& flags) {
  engine::StopOptions opts;
  opts.services = flags.services;
  if (flags.timeout) opts.timeout = std::chrono::seconds(*flags.timeout);
  return opts;
}

// "SIGTERM", "TERM", "term" or "15".
int parse_signal(const std::string& text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), ::isdigit)) return std::stoi(text);
  std::string name = text;
  std::transform(name.begin(), name.end(), name.begin(), ::toupper);
  if (name.rfind("SIG", 0) == 0) name = name.substr(3);
  for (int sig = 1; sig < NSIG; ++sig)
    if (const char* abbrev = sigabbrev_np(sig); abbrev && name == abbrev) return sig;
  throw engine::Error("invalid signal: " + text);
}

void run_stop(const GlobalOptions& global, const LifecycleFlags& flags) {
  ProjectRef ref = load_project_or_name(global);
  auto report = make_reporter(flags.progress, "Stopping");
  engine::stop(engine::Paths::from_environment(), ref.name, project_of(ref), stop_options(flags),
               *report);
}

void run_start(const GlobalOptions& global, const LifecycleFlags& flags, bool restart) {
  ProjectRef ref = load_project(global);
  engine::Paths paths = engine::Paths::from_environment();
  if (!running_as_worker()) {
    int code = run_under_supervisor(paths, ref.name);
    if (code != 0) throw ExitCode{code};
    return;
  }
  LifecycleFlags chosen = flags;
  // Services that depend on a restarted one with `restart: true` restart with it.
  if (restart && !flags.services.empty())
    chosen.services = engine::with_restart_dependents(*ref.project, flags.services);
  if (restart) {
    auto report = make_reporter(flags.progress, "Restarting");
    engine::stop(paths, ref.name, project_of(ref), stop_options(chosen), *report);
  }
  auto report = make_reporter(flags.progress, "Running");
  engine::start(paths, *ref.project, chosen.services, *report);
}

void run_kill(const GlobalOptions& global, const LifecycleFlags& flags) {
  ProjectRef ref = load_project_or_name(global);
  auto report = make_reporter(flags.progress, "Killing");
  engine::kill(engine::Paths::from_environment(), ref.name, flags.services,
               parse_signal(flags.signal), *report);
}

void run_rm(const GlobalOptions& global, const LifecycleFlags& flags) {
  ProjectRef ref = load_project_or_name(global);
  engine::Paths paths = engine::Paths::from_environment();
  if (flags.stop_first) {
    auto report = make_reporter(flags.progress, "Stopping");
    engine::stop(paths, ref.name, project_of(ref), stop_options(flags), *report);
  }
  auto report = make_reporter(flags.progress, "Removing");
  engine::remove_stopped(paths, ref.name, flags.services, flags.volumes, *report);
}

CLI::App* add_verb(CLI::App& app, const char* name, const char* help,
                   std::shared_ptr<LifecycleFlags>& flags) {
  flags = std::make_shared<LifecycleFlags>();
  CLI::App* verb = app.add_subcommand(name, help);
  verb->add_option("service", flags->services, "Services")->type_name("SERVICE");
  add_progress_flag(*verb, flags->progress);
  return verb;
}

}  // namespace

void add_lifecycle_verbs(CLI::App& app, const GlobalOptions& global) {
  std::shared_ptr<LifecycleFlags> stop, start, restart, kill, rm;
  CLI::App* v = add_verb(app, "stop", "Stop services", stop);
  v->add_option("-t,--timeout", stop->timeout, "Specify a shutdown timeout in seconds");
  v->callback([&global, stop] { run_stop(global, *stop); });

  v = add_verb(app, "start", "Start services", start);
  v->callback([&global, start] { run_start(global, *start, false); });

  v = add_verb(app, "restart", "Restart service containers", restart);
  v->add_option("-t,--timeout", restart->timeout, "Specify a shutdown timeout in seconds");
  v->callback([&global, restart] { run_start(global, *restart, true); });

  v = add_verb(app, "kill", "Force stop service containers", kill);
  v->add_option("-s,--signal", kill->signal, "SIGNAL to send to the container");
  v->callback([&global, kill] { run_kill(global, *kill); });

  v = add_verb(app, "rm", "Removes stopped service containers", rm);
  v->add_flag("-f,--force", rm->force, "Don't ask to confirm removal");
  v->add_flag("-s,--stop", rm->stop_first, "Stop the containers, if required, before removing");
  v->add_flag("-v,--volumes", rm->volumes, "Remove any anonymous volumes attached to containers");
  v->callback([&global, rm] { run_rm(global, *rm); });
}

}  // namespace cli
