// boxcompose: run compose projects without a daemon.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>

#include "cli/global_options.h"
#include "cli/project_ref.h"
#include "cli/sealed_self.h"
#include "cli/verbs.h"
#include "compose/diagnostics.h"

namespace {

void setup_logging() {
  auto logger = spdlog::stderr_color_mt("boxcompose");
  logger->set_pattern("%^%l%$: %v");
  logger->set_level(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

}  // namespace

int main(int argc, char** argv) {
  cli::keep_process_name(argv[0]);
  CLI::App app{"boxcompose: run compose projects on one host, without a daemon", "boxcompose"};
  // Options unknown to a verb fall through to these, so they work after the verb as well.
  app.fallthrough();
  app.require_subcommand(1);
  cli::GlobalOptions global;
  cli::add_global_options(app, global);
  cli::add_config_verb(app, global);
  cli::add_graph_verb(app, global);
  cli::add_image_verb(app);
  cli::add_version_verb(app);
  cli::add_up_verb(app, global);
  cli::add_create_verb(app, global);
  cli::add_down_verb(app, global);
  cli::add_ps_verb(app, global);
  cli::add_ls_verb(app);
  cli::add_logs_verb(app, global);
  cli::add_lifecycle_verbs(app, global);
  cli::add_exec_verb(app, global);
  cli::add_run_verb(app, global);
  cli::add_cp_verb(app, global);
  cli::add_top_verb(app, global);
  cli::add_stats_verb(app, global);
  cli::add_port_verb(app, global);
  cli::add_internal_verbs(app);
  cli::save_command_line(argc, argv);
  setup_logging();
  // Runs once every option is parsed, wherever it stood, and before any verb runs.
  app.parse_complete_callback([&global, &app, argv] {
    for (const CLI::App* verb : app.get_subcommands())
      if (cli::enters_containers(verb->get_name())) cli::reexec_sealed(argv);
    if (global.verbose) {
      spdlog::set_level(spdlog::level::debug);
      spdlog::set_pattern("%H:%M:%S.%f %^%l%$: %v");
    }
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 1;
  } catch (const cli::ExitCode& e) {
    return e.code;
  } catch (const compose::LoadError& e) {
    std::cerr << e.what() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "boxcompose: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
