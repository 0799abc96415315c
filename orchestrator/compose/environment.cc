// Variables for interpolation (.env, --env-file, the OS environment) and each service's
// environment (env_file under environment; value-less entries from the variables).
#include <filesystem>

#include "compose/dotenv.h"
#include "compose/loader_steps.h"

namespace compose {
namespace {

// Reads one env file into `out`; `lookup_base` answers ${VAR} inside it.
bool read_env_file(const std::string& path, const FileReader& read_file,
                   const Variables& lookup_base, OptionalStringMap& out, Diagnostics& diag,
                   const Where& where) {
  auto text = read_file(path);
  if (!text) return false;
  auto file = std::make_shared<const std::string>(path);
  auto lookup = [&](std::string_view name) -> std::optional<std::string> {
    std::string key(name);
    if (auto it = out.find(key); it != out.end() && it->second) return it->second;
    if (auto it = lookup_base.find(key); it != lookup_base.end()) return it->second;
    return std::nullopt;
  };
  DotenvResult result = parse_dotenv(*text, lookup);
  for (const DotenvError& e : result.errors)
    diag.error(Mark{file, e.line, e.column}, where.path, e.message);
  for (DotenvEntry& e : result.entries)
    out[e.key] = std::move(e.value);
  return true;
}

}  // namespace

Variables load_variables(const LoadOptions& options, const FileReader& read_file,
                         const Variables& os_environment, const std::string& project_dir,
                         Diagnostics& diag) {
  OptionalStringMap from_files;
  if (options.env_files.empty()) {
    read_env_file((std::filesystem::path(project_dir) / ".env").string(), read_file, os_environment,
                  from_files, diag, {});
  }
  for (const std::string& path : options.env_files) {
    if (!read_env_file(path, read_file, os_environment, from_files, diag, {}))
      diag.error(Mark{std::make_shared<const std::string>(path), 0, 0}, "",
                 "cannot read the env file given with --env-file");
  }
  Variables variables;
  for (auto& [key, value] : from_files) {
    if (value) variables[key] = *value;
  }
  for (const auto& [key, value] : os_environment)
    variables[key] = value;  // the OS wins
  return variables;
}

void resolve_service_environment(Service& service, const FileReader& read_file,
                                 const Variables& variables, Diagnostics& diag) {
  OptionalStringMap merged;
  for (const EnvFile& file : service.env_files) {
    if (!read_env_file(file.path, read_file, variables, merged, diag, file.where) &&
        file.required) {
      diag.error(file.where.mark, file.where.path, "env file " + file.path + " not found");
    }
  }
  for (auto& [key, value] : service.environment)
    merged[key] = value;  // environment wins
  for (auto& [key, value] : merged) {
    if (value) continue;
    if (auto it = variables.find(key); it != variables.end()) value = it->second;
  }
  service.environment = std::move(merged);
}

}  // namespace compose
