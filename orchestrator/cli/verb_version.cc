#include <iostream>

#include "cli/verbs.h"

namespace cli {

void add_version_verb(CLI::App& app) {
  auto* verb = app.add_subcommand("version", "Show the boxcompose version");
  verb->callback([] { std::cout << "boxcompose version " << BOXCOMPOSE_VERSION << '\n'; });
}

}  // namespace cli
