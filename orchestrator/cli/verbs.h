// One function per verb, each in its own file: it declares the verb's options and what runs.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/global_options.h"

namespace cli {

void add_config_verb(CLI::App& app, const GlobalOptions& global);
void add_graph_verb(CLI::App& app, const GlobalOptions& global);
void add_image_verb(CLI::App& app);
void add_version_verb(CLI::App& app);

}  // namespace cli
