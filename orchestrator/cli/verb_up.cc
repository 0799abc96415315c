// `boxcompose up` and `boxcompose create`. The work runs under the project's supervisor (it
// must own the containers after we exit); `up` without -d then shows the containers'
// output until they stop (attach_up.h).
#include <unistd.h>


#include "cli/attach_up.h"
#include "cli/project_ref.h"
#include "cli/verbs.h"
#include "engine/engine.h"
#include "engine/error.h"

namespace cli {
namespace {

struct UpFlags {
  engine::UpOptions engine;
  ProgressFlags progress;
  bool detach = false;
  bool no_color = false;
  bool no_prefix = false;
  bool timestamps = false;
  bool abort_on_exit = false;
  bool abort_on_failure = false;
  std::string exit_code_from;
};

// Attached: every container's output until they stop (attach_up.h).
int attach(const engine::Paths& paths, const ProjectRef& ref, const UpFlags& flags) {
  AttachOptions opts;
  opts.format.color = !flags.no_color && ::isatty(1);
  opts.format.prefix = !flags.no_prefix;
  opts.format.timestamps = flags.timestamps;
  opts.abort_on_exit = flags.abort_on_exit;
  opts.abort_on_failure = flags.abort_on_failure;
  opts.exit_code_from = flags.exit_code_from;
  opts.progress = flags.progress;
  opts.services = flags.engine.services;
  return attach_up(paths, ref, opts);
}

// What attached-only flags need before anything starts.
void check_attach_flags(const ProjectRef& ref, const UpFlags& flags) {
  bool aborts = flags.abort_on_exit || flags.abort_on_failure || !flags.exit_code_from.empty();
  if (aborts && flags.detach)
    throw engine::Error("--abort-on-container-exit, --abort-on-container-failure and "
                        "--exit-code-from cannot be combined with --detach");
  if (flags.abort_on_exit && flags.abort_on_failure)
    throw engine::Error("--abort-on-container-exit and --abort-on-container-failure cannot be "
                        "combined");
  if (!flags.exit_code_from.empty() && !ref.project->find_service(flags.exit_code_from))
    throw engine::Error("--exit-code-from: no such service: " + flags.exit_code_from);
}

void run_up(const GlobalOptions& global, const UpFlags& flags) {
  ProjectRef ref = load_project(global);
  engine::Paths paths = engine::Paths::from_environment();
  if (running_as_worker()) {
    std::unique_ptr<engine::Reporter> report = make_reporter(flags.progress, "Running");
    engine::up(paths, *ref.project, flags.engine, *report);
    return;
  }
  check_attach_flags(ref, flags);
  engine::check_up(paths, *ref.project, flags.engine);
  int code = run_under_supervisor(paths, ref.name);
  if (code != 0) {
    engine::forget_if_empty(paths, ref.name);
    throw ExitCode{code};
  }
  bool detached = flags.detach || flags.engine.wait;  // --wait implies -d
  if (!detached && !flags.engine.no_start) throw ExitCode{attach(paths, ref, flags)};
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
  verb->add_flag("--abort-on-container-exit", flags->abort_on_exit,
                 "Stops all containers if any container was stopped");
  verb->add_flag("--abort-on-container-failure", flags->abort_on_failure,
                 "Stops all containers if any container exited with failure");
  verb->add_option("--exit-code-from", flags->exit_code_from,
                   "Return the exit code of the selected service container. Implies "
                   "--abort-on-container-exit")
      ->type_name("SERVICE");
  verb->add_flag("--wait", flags->engine.wait,
                 "Wait for services to be running|healthy. Implies detached mode.");
  verb->add_option_function<int>(
          "--wait-timeout",
          [flags](const int& seconds) { flags->engine.wait_timeout = std::chrono::seconds(seconds); },
          "Maximum duration in seconds to wait for the project to be running|healthy")
      ->check(CLI::NonNegativeNumber);
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
