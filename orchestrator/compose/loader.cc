#include "compose/loader.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compose/decoder.h"
#include "compose/loader_steps.h"
#include "compose/merge.h"
#include "compose/paths.h"

extern char** environ;

namespace compose {
namespace fs = std::filesystem;
namespace {

Variables process_environment() {
  Variables env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry = *e;
    auto eq = entry.find('=');
    if (eq != std::string_view::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> parts;
  while (!text.empty()) {
    auto pos = text.find(sep);
    if (pos != 0) parts.emplace_back(text.substr(0, pos));
    if (pos == std::string_view::npos) break;
    text.remove_prefix(pos + 1);
  }
  return parts;
}

// Docker Compose looks in the working directory, then in each parent.
std::vector<std::string> find_default_files(const std::string& working_dir, const FileReader& read,
                                            Diagnostics& diag) {
  for (fs::path dir = working_dir;; dir = dir.parent_path()) {
    for (const std::string& name : default_compose_file_names()) {
      std::string candidate = (dir / name).string();
      if (!read(candidate)) continue;
      std::vector<std::string> files{candidate};
      std::string stem = name.substr(0, name.find('.'));
      for (const char* ext : {".override.yaml", ".override.yml"}) {
        std::string override_file = (dir / (stem + ext)).string();
        if (read(override_file)) {
          files.push_back(override_file);
          break;
        }
      }
      return files;
    }
    if (dir == dir.parent_path()) break;
  }
  diag.error(Mark{}, "",
             "no compose file found in " + working_dir +
                 " or its parents (looked for compose.yaml, compose.yml, docker-compose.yaml, "
                 "docker-compose.yml); name one with -f");
  return {};
}

std::vector<std::string> compose_files(const LoadOptions& options, const Variables& os_env,
                                       const std::string& working_dir, const FileReader& read,
                                       Diagnostics& diag) {
  std::vector<std::string> files = options.files;
  if (files.empty()) {
    if (auto it = os_env.find("COMPOSE_FILE"); it != os_env.end()) {
      std::string sep = ":";
      if (auto s = os_env.find("COMPOSE_PATH_SEPARATOR"); s != os_env.end() && !s->second.empty())
        sep = s->second;
      files = split(it->second, sep[0]);
    }
  }
  if (files.empty()) return find_default_files(working_dir, read, diag);
  for (auto& f : files)
    f = absolute_path(working_dir, f, "");
  return files;
}

std::string choose_project_name(const LoadOptions& options, const Variables& variables,
                                const Tree& doc, const std::string& project_dir,
                                Diagnostics& diag) {
  std::string name = options.project_name;
  if (name.empty()) {
    if (auto it = variables.find("COMPOSE_PROJECT_NAME"); it != variables.end()) name = it->second;
  }
  const Tree* top_name = doc.is_mapping() ? doc.find("name") : nullptr;
  if (name.empty() && top_name && top_name->is_scalar()) {
    if (!is_valid_project_name(top_name->text())) {
      diag.error(
          top_name->mark(), "name",
          "invalid project name \"" + top_name->text() +
              "\" (lowercase letters, digits, '-' and '_', starting with a letter or digit)");
    }
    return top_name->text();
  }
  if (name.empty()) {
    const std::string directory = fs::path(project_dir).filename().string();
    name = normalize_project_name(directory);
    // Every resource name starts with the project's: Docker Compose refuses an empty one.
    if (name.empty()) {
      diag.error(Mark{}, "",
                 "project name must not be empty (the directory name " + quote(directory) +
                     " has no letter or digit; name the project with -p, COMPOSE_PROJECT_NAME "
                     "or a top-level name:)");
    }
    return name;
  }
  if (!is_valid_project_name(name)) {
    diag.error(Mark{}, "",
               "invalid project name \"" + name +
                   "\" (lowercase letters, digits, '-' and '_', starting with a letter or digit)");
  }
  return name;
}

std::string current_directory() {
  std::error_code ec;
  auto cwd = fs::current_path(ec);
  return ec ? std::string("/") : cwd.string();
}

}  // namespace

FileReader filesystem_reader() {
  return [](const std::string& path) -> std::optional<std::string> {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  };
}

const std::vector<std::string>& default_compose_file_names() {
  static const std::vector<std::string> kNames = {"compose.yaml", "compose.yml",
                                                  "docker-compose.yaml", "docker-compose.yml"};
  return kNames;
}

std::string normalize_project_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::isalnum(static_cast<unsigned char>(lower)) || lower == '-' || lower == '_')
      out += lower;
  }
  while (!out.empty() && (out.front() == '-' || out.front() == '_'))
    out.erase(out.begin());
  return out;
}

bool is_valid_project_name(std::string_view name) {
  return !name.empty() && normalize_project_name(name) == name;
}

Project load_project(const LoadOptions& options) {
  Diagnostics diag;
  const FileReader read = options.read_file ? options.read_file : filesystem_reader();
  const Variables os_env = options.os_environment.value_or(process_environment());
  const std::string working_dir =
      options.working_directory.empty() ? current_directory() : options.working_directory;

  std::vector<std::string> files = compose_files(options, os_env, working_dir, read, diag);
  diag.throw_if_any();
  const std::string project_dir = options.project_directory.empty()
                                      ? fs::path(files.front()).parent_path().string()
                                      : absolute_path(working_dir, options.project_directory, "");

  LoadContext ctx{options, read, load_variables(options, read, os_env, project_dir, diag),
                  os_env.count("HOME") ? os_env.at("HOME") : "/root", diag};
  Tree doc;
  for (const std::string& file : files) {
    Tree file_doc = load_compose_file(ctx, file, project_dir);
    if (doc.is_null()) {
      doc = std::move(file_doc);
    } else {
      merge_project(doc, file_doc);
    }
  }
  diag.throw_if_any();

  Project project = decode_project(doc, diag);
  project.name = choose_project_name(options, ctx.variables, doc, project_dir, diag);
  project.working_dir = project_dir;
  project.files = files;
  project.environment = ctx.variables;
  for (auto& [name, service] : project.services)
    resolve_service_environment(service, read, ctx.variables, diag);
  normalize_project(project, diag);
  // Decoding errors do not stop validation: a user sees every problem of the files at once.
  validate_project(project, diag);
  std::vector<std::string> profiles = options.profiles;
  if (profiles.empty() && ctx.variables.count("COMPOSE_PROFILES"))
    profiles = split(ctx.variables.at("COMPOSE_PROFILES"), ',');
  select_services(project, profiles, options.services, diag);
  diag.throw_if_any();
  return project;
}

}  // namespace compose
