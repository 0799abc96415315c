// Loading a compose project the way Docker Compose does: find the files, read `.env`,
// interpolate, follow `include` and `extends`, merge the files in order, decode, resolve
// each service's environment, normalize, validate and select services by profile.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compose/model.h"

namespace compose {

// Reads a file's text; nullopt when it does not exist or cannot be read. Tests pass an
// in-memory one.
using FileReader = std::function<std::optional<std::string>(const std::string& path)>;
FileReader filesystem_reader();

struct LoadOptions {
  std::vector<std::string> files;      // -f, in order; empty: COMPOSE_FILE or a default name
  std::string project_name;            // -p
  std::string project_directory;       // --project-directory
  std::vector<std::string> env_files;  // --env-file; empty: <project dir>/.env when present
  std::vector<std::string> profiles;   // --profile (COMPOSE_PROFILES when empty)
  std::vector<std::string> services;   // named on the command line: enabled with their deps
  bool interpolate = true;
  // The process environment; when unset, the real one is read.
  std::optional<std::map<std::string, std::string>> os_environment;
  std::string working_directory;  // default: the current directory
  FileReader read_file;           // default: the file system
};

// Throws LoadError listing every problem found.
Project load_project(const LoadOptions& options);

// The names Docker Compose looks for, in order, when no file is given.
const std::vector<std::string>& default_compose_file_names();

// Lowercases and drops what a project name may not contain, as Docker Compose does for
// directory names: "My App!" -> "myapp".
std::string normalize_project_name(std::string_view name);
bool is_valid_project_name(std::string_view name);

}  // namespace compose
