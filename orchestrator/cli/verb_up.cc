// `boxcompose up` and `boxcompose create`. The work runs under the project's supervisor (it
// must own the containers after we exit); `up` without -d then shows the containers'
// output until they all stop or the user interrupts, and stops them on Ctrl-C.
#include <unistd.h>

#include <iostream>

#include "cli/logs_follow.h"
#include "cli/project_ref.h"
#include "cli/verbs.h"
#include "engine/engine.h"

namespace cli {
namespace {

struct UpFlags {
  engine::UpOptions engine;
  ProgressFlags progress;
  bool detach = false;
  bool no_color = false;
  bool no_prefix = false;
  bool timestamps = false;
};

void stop_project(const engine::Paths& paths, const ProjectRef& ref, const UpFlags& flags) {
  std::unique_ptr<engine::Reporter> report = make_reporter(flags.progress, "Stopping");
  engine::stop(paths, ref.name, ref.project ? &*ref.project : nullptr, {}, *report);
}

// Attached: every container's output, until all have exited or the user interrupts.
int attach(const engine::Paths& paths, const ProjectRef& ref, const UpFlags& flags) {
  std::vector<engine::ContainerStatus> containers = engine::status(paths, ref.name);
  engine::LogFormatOptions format;
  format.color = !flags.no_color && ::isatty(1);
  format.prefix = !flags.no_prefix;
  format.timestamps = flags.timestamps;
  LogPrinter printer(paths, ref.name, containers, format);
  printer.print_existing(std::nullopt);
  bool interrupted = printer.follow();
  if (interrupted) {
    std::cerr << "Gracefully stopping... (press Ctrl+C again to force)\n";
    stop_project(paths, ref, flags);
  }
  return 0;
}

void run_up(const GlobalOptions& global, const UpFlags& flags) {
  ProjectRef ref = load_project(global);
  engine::Paths paths = engine::Paths::from_environment();
  if (running_as_worker()) {
    std::unique_ptr<engine::Reporter> report = make_reporter(flags.progress, "Running");
    engine::up(paths, *ref.project, flags.engine, *report);
    return;
  }
  engine::check_up(paths, *ref.project, flags.engine);
  int code = run_under_supervisor(paths, ref.name);
  if (code != 0) {
    engine::forget_if_empty(paths, ref.name);
    throw ExitCode{code};
  }
  if (!flags.detach && !flags.engine.no_start) throw ExitCode{attach(paths, ref, flags)};
}

void add_up_flags(CLI::App* verb, UpFlags& flags) {
  verb->add_flag("--no-deps", flags.engine.no_deps, "Don't start linked services");
  verb->add_flag("--force-recreate", flags.engine.force_recreate,
                 "Recreate containers even if their configuration hasn't changed");
  verb->add_flag("--no-recreate", flags.engine.no_recreate,
                 "If containers already exist, don't recreate them");
  verb->add_flag("--remove-orphans", flags.engine.remove_orphans,
                 "Remove containers for services not defined in the Compose file");
  verb->add_option("--parallel", flags.engine.parallel, "Maximum parallelism, -1 for unlimited");
  add_progress_flag(*verb, flags.progress);
  verb->add_option("service", flags.engine.services, "Services")->type_name("SERVICE");
}

}  // namespace

void add_up_verb(CLI::App& app, const GlobalOptions& global) {
  auto flags = std::make_shared<UpFlags>();
  CLI::App* verb = app.add_subcommand("up", "Create and start containers");
  verb->add_flag("-d,--detach", flags->detach, "Detached mode: run containers in the background");
  verb->add_flag("--no-start", flags->engine.no_start,
                 "Don't start the services after creating them");
  verb->add_flag("--no-color", flags->no_color, "Produce monochrome output");
  verb->add_flag("--no-log-prefix", flags->no_prefix, "Don't print prefix in logs");
  verb->add_flag("--timestamps", flags->timestamps, "Show timestamps");
  add_up_flags(verb, *flags);
  verb->callback([&global, flags] { run_up(global, *flags); });
}

void add_create_verb(CLI::App& app, const GlobalOptions& global) {
  auto flags = std::make_shared<UpFlags>();
  flags->engine.no_start = true;
  flags->detach = true;
  CLI::App* verb = app.add_subcommand("create", "Creates containers for a service");
  add_up_flags(verb, *flags);
  verb->callback([&global, flags] { run_up(global, *flags); });
}

}  // namespace cli
