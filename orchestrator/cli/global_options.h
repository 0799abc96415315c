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

}  // namespace cli
