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

}  // namespace cli
