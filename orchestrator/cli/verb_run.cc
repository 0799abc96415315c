// `boxcompose run [--rm] [-d] [-e K=V]... [-u USER] [-w DIR] [--no-deps] [--entrypoint CMD]
// [--name NAME] [-T] SERVICE [CMD...]`: a one-off container of a service. Like `up` it runs
// under the project's supervisor (the container must outlive us with -d, or when we are
// killed); the supervisor hands the worker our stdio, so the container's is ours too.
#include "cli/project_ref.h"
#include "cli/verbs.h"
#include "engine/engine.h"
#include "engine/error.h"
#include "engine/terminal_relay.h"

namespace cli {
namespace {

struct RunFlags {
  engine::RunOptions engine;
  std::string entrypoint;
  bool no_tty = false;
  ProgressFlags progress;
  GlobalOptions after_verb;  // -f, -p, ... between `run` and SERVICE
};

void run_run(CLI::App* verb, const GlobalOptions& global, RunFlags flags) {
  std::vector<std::string> rest = verb->remaining();
  if (rest.empty()) throw engine::Error("run: a service is required");
  if (rest.front().size() > 1 && rest.front()[0] == '-')
    throw engine::Error("run: unknown option " + rest.front());
  flags.engine.service = rest.front();
  flags.engine.command.assign(rest.begin() + 1, rest.end());
  if (verb->count("--entrypoint")) flags.engine.entrypoint = flags.entrypoint;
  ProjectRef ref = load_project(with_options_after_verb(global, flags.after_verb));
  engine::Paths paths = engine::Paths::from_environment();
  if (running_as_worker()) {
    flags.engine.tty = engine::wants_terminal(flags.no_tty);
    auto report = make_reporter(flags.progress, "Running");
    throw ExitCode{engine::run(paths, *ref.project, flags.engine, *report)};
  }
  if (!ref.project->find_service(flags.engine.service))
    throw engine::Error("no such service: " + flags.engine.service);
  engine::check_run_options(paths, flags.engine);  // before a supervisor is started
  int code = run_under_supervisor(paths, ref.name);
  if (code != 0) engine::forget_if_empty(paths, ref.name);
  throw ExitCode{code};
}

}  // namespace

void add_run_verb(CLI::App& app, const GlobalOptions& global) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* verb = app.add_subcommand("run", "Run a one-off command on a service");
  // Not passed up to the global options: everything after SERVICE is the command's. The
  // project options are the verb's own, so they work between `run` and SERVICE too.
  verb->prefix_command();
  verb->fallthrough(false);
  add_project_options(*verb, flags->after_verb);
  verb->add_flag("--rm", flags->engine.remove, "Automatically remove the container when it exits");
  verb->add_flag("-d,--detach", flags->engine.detach,
                 "Run container in background and print container ID");
  verb->add_option("-e,--env", flags->engine.env, "Set environment variables")
      ->type_name("KEY=VAL")
      ->allow_extra_args(false);
  verb->add_option("-u,--user", flags->engine.user, "Run as specified username or uid")
      ->type_name("USER");
  verb->add_option("-w,--workdir", flags->engine.workdir, "Working directory inside the container")
      ->type_name("DIR");
  verb->add_flag("--no-deps", flags->engine.no_deps, "Don't start linked services");
  verb->add_option("--entrypoint", flags->entrypoint, "Override the entrypoint of the image")
      ->type_name("CMD");
  verb->add_option("--name", flags->engine.name, "Assign a name to the container");
  verb->add_flag("-T,--no-TTY", flags->no_tty, "Disable pseudo-TTY allocation");
  add_progress_flag(*verb, flags->progress);
  verb->callback([verb, &global, flags] { run_run(verb, global, *flags); });
}

}  // namespace cli
