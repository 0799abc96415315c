// Hidden verbs the project's supervisor runs as its children (never shown in --help):
//   __health-exec PROJECT CONTAINER TIMEOUT_NS -- ARGV...  one healthcheck run; exits with
//       the test's code, its output on stdout/stderr (the supervisor's pipe)
//   __restart PROJECT CONTAINER  a restart by the container's restart policy
#include <iostream>

#include "cli/project_ref.h"
#include "cli/verbs.h"
#include "engine/engine.h"

namespace cli {
namespace {

struct HealthExecFlags {
  std::string project, container;
  int64_t timeout_ns = 0;
  std::vector<std::string> argv;
};

struct RestartFlags {
  std::string project, container;
};

void run_health_exec(const HealthExecFlags& flags) {
  int code = 1;
  try {
    code = engine::run_health_check(engine::Paths::from_environment(), flags.container,
                                    std::chrono::nanoseconds(flags.timeout_ns), flags.argv);
  } catch (const std::exception& e) {
    // The output is the check's: the reason goes where `docker inspect` would show it.
    std::cout << e.what() << '\n';
  }
  throw ExitCode{code};
}

void run_restart(const RestartFlags& flags) {
  ProgressFlags plain;
  plain.progress = "plain";
  auto report = make_reporter(plain, "Restarting");
  engine::restart_by_policy(engine::Paths::from_environment(), flags.project, flags.container,
                            *report);
}

}  // namespace

void add_internal_verbs(CLI::App& app) {
  auto health = std::make_shared<HealthExecFlags>();
  CLI::App* verb = app.add_subcommand("__health-exec", "");
  verb->group("");  // hidden
  verb->add_option("project", health->project)->required();
  verb->add_option("container", health->container)->required();
  verb->add_option("timeout_ns", health->timeout_ns)->required();
  verb->add_option("argv", health->argv)->required();
  verb->prefix_command(false);
  verb->callback([health] { run_health_exec(*health); });

  auto restart = std::make_shared<RestartFlags>();
  verb = app.add_subcommand("__restart", "");
  verb->group("");
  verb->add_option("project", restart->project)->required();
  verb->add_option("container", restart->container)->required();
  verb->callback([restart] { run_restart(*restart); });
}

}  // namespace cli
