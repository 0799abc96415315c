// Options every verb takes, accepted before or after the verb as Docker Compose does:
// `boxcompose -f a.yaml up` and `boxcompose up -f a.yaml` mean the same.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "compose/loader.h"

namespace cli {

struct GlobalOptions {
  std::vector<std::string> files;
  std::string project_name;
  std::string project_directory;
  std::vector<std::string> env_files;
  std::vector<std::string> profiles;
  bool verbose = false;

  compose::LoadOptions load_options() const;
};

void add_global_options(CLI::App& app, GlobalOptions& options);

// Only the options that choose the project (-f, -p, --project-directory, --env-file,
// --profile): for verbs that cannot let unknown options fall through to the main app
// (exec, run: everything after SERVICE is the command's), so take them themselves.
void add_project_options(CLI::App& app, GlobalOptions& options);
// The options given before the verb with those given after it: lists add up, a single
// value given after the verb wins.
GlobalOptions with_options_after_verb(const GlobalOptions& before, const GlobalOptions& after);

}  // namespace cli
