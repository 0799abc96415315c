// `boxcompose exec [-d] [-u USER] [-e K=V]... [-w DIR] [-T] [--index N] [--privileged]
// SERVICE CMD...`: a command in a service's running container. Everything after SERVICE is
// the command, options included (`exec web ls -l -f x`), as docker compose reads it; the
// global options go before the verb or between it and SERVICE.
#include <iostream>

#include "cli/project_ref.h"
#include "cli/verbs.h"
#include "engine/error.h"
#include "engine/exec.h"
#include "engine/terminal_relay.h"

namespace cli {
namespace {

struct ExecFlags {
  engine::ExecOptions engine;
  bool no_tty = false;
  GlobalOptions after_verb;  // -f, -p, ... between `exec` and SERVICE
};

void run_exec(CLI::App* verb, const GlobalOptions& global, ExecFlags flags) {
  std::vector<std::string> rest = verb->remaining();
  if (rest.empty()) throw engine::Error("exec: a service and a command are required");
  if (rest.front().size() > 1 && rest.front()[0] == '-')
    throw engine::Error("exec: unknown option " + rest.front());
  flags.engine.service = rest.front();
  flags.engine.command.assign(rest.begin() + 1, rest.end());
  if (flags.engine.command.empty()) throw engine::Error("exec: a command is required");
  flags.engine.tty = !flags.engine.detach && engine::wants_terminal(flags.no_tty);
  ProjectRef ref = load_project_or_name(with_options_after_verb(global, flags.after_verb));
  throw ExitCode{engine::exec(engine::Paths::from_environment(), ref.name, flags.engine)};
}

}  // namespace

void add_exec_verb(CLI::App& app, const GlobalOptions& global) {
  auto flags = std::make_shared<ExecFlags>();
  CLI::App* verb = app.add_subcommand("exec", "Execute a command in a running container");
  // Not passed up to the global options: everything after SERVICE is the command's. The
  // project options are the verb's own, so they work between `exec` and SERVICE too.
  verb->prefix_command();
  verb->fallthrough(false);
  add_project_options(*verb, flags->after_verb);
  verb->add_flag("-d,--detach", flags->engine.detach,
                 "Detached mode: run command in the background");
  verb->add_option("-u,--user", flags->engine.user, "Run the command as this user")
      ->type_name("USER");
  verb->add_option("-e,--env", flags->engine.env, "Set environment variables")
      ->type_name("KEY=VAL")
      ->allow_extra_args(false);
  verb->add_option("-w,--workdir", flags->engine.workdir,
                   "Path to workdir directory for this command")
      ->type_name("DIR");
  verb->add_flag("-T,--no-TTY", flags->no_tty, "Disable pseudo-TTY allocation");
  verb->add_option("--index", flags->engine.index,
                   "Index of the container if service has multiple replicas")
      ->type_name("N");
  verb->add_flag("--privileged", flags->engine.privileged,
                 "Give extended privileges to the process");
  verb->callback([verb, &global, flags] { run_exec(verb, global, *flags); });
}

}  // namespace cli
