// One function per verb, each in its own file: it declares the verb's options and what runs.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/global_options.h"

namespace cli {

void add_config_verb(CLI::App& app, const GlobalOptions& global);
void add_graph_verb(CLI::App& app, const GlobalOptions& global);
void add_image_verb(CLI::App& app);
void add_version_verb(CLI::App& app);
void add_up_verb(CLI::App& app, const GlobalOptions& global);
void add_create_verb(CLI::App& app, const GlobalOptions& global);
void add_down_verb(CLI::App& app, const GlobalOptions& global);
void add_ps_verb(CLI::App& app, const GlobalOptions& global);
void add_ls_verb(CLI::App& app);
void add_logs_verb(CLI::App& app, const GlobalOptions& global);
void add_lifecycle_verbs(CLI::App& app, const GlobalOptions& global);
void add_exec_verb(CLI::App& app, const GlobalOptions& global);
void add_run_verb(CLI::App& app, const GlobalOptions& global);
void add_cp_verb(CLI::App& app, const GlobalOptions& global);
void add_top_verb(CLI::App& app, const GlobalOptions& global);
void add_stats_verb(CLI::App& app, const GlobalOptions& global);
void add_port_verb(CLI::App& app, const GlobalOptions& global);
// Hidden verbs the supervisor runs: __health-exec and __restart.
void add_internal_verbs(CLI::App& app);

}  // namespace cli
