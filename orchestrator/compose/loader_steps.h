// The steps of load_project, one file each. Internal to the loader.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compose/loader.h"
#include "compose/tree.h"

namespace compose {

using Variables = std::map<std::string, std::string>;

// What every step needs to read a file of the project.
struct LoadContext {
  const LoadOptions& options;
  FileReader read_file;
  Variables variables;  // for interpolation: .env under the OS environment
  std::string home;
  Diagnostics& diag;
  int extends_depth = 0;  // files opened by `extends: {file: ...}` on the current path
  std::vector<std::string> include_chain = {};  // the files whose `include` led to this one
};

// Parses and prepares one compose file: YAML, top-level mapping, interpolation, absolute
// paths against `base_dir`, `include`, then `extends`. Returns null on a fatal problem.
Tree load_compose_file(LoadContext& ctx, const std::string& path, const std::string& base_dir,
                       int include_depth = 0);
// The same without `extends`: for a file read for the services that another file extends.
Tree read_compose_file(LoadContext& ctx, const std::string& path, const std::string& base_dir,
                       int include_depth = 0);

// Replaces ${...} in every scalar value (never in keys).
void interpolate_tree(Tree& node, const Variables& variables, const std::string& path,
                      Diagnostics& diag);

// Resolves `extends` in every service of `doc` (read from `file`).
void apply_extends(LoadContext& ctx, Tree& doc, const std::string& file);

// Resolves top-level `include` of `doc` (read from `file`) into its sections.
void apply_includes(LoadContext& ctx, Tree& doc, const std::string& file, int depth);

// `.env` / --env-file under the OS environment (the OS wins).
Variables load_variables(const LoadOptions& options, const FileReader& read_file,
                         const Variables& os_environment, const std::string& project_dir,
                         Diagnostics& diag);

// env_file contents under `environment`, and value-less entries from the variables.
void resolve_service_environment(Service& service, const FileReader& read_file,
                                 const Variables& variables, Diagnostics& diag);

Project decode_project(const Tree& doc, Diagnostics& diag);

// Names networks and volumes, attaches services to `default`, settles derived values.
void normalize_project(Project& project, Diagnostics& diag);

// Cross-references: depends_on, networks, volumes, secrets, configs, network_mode, ...
void validate_project(const Project& project, Diagnostics& diag);

// Keeps the services enabled by `profiles` or named in `selected`, plus their dependencies.
void select_services(Project& project, const std::vector<std::string>& profiles,
                     const std::vector<std::string>& selected, Diagnostics& diag);

}  // namespace compose
