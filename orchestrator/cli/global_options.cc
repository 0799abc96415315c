#include "cli/global_options.h"

namespace cli {

compose::LoadOptions GlobalOptions::load_options() const {
  compose::LoadOptions load;
  load.files = files;
  load.project_name = project_name;
  load.project_directory = project_directory;
  load.env_files = env_files;
  load.profiles = profiles;
  return load;
}

GlobalOptions with_options_after_verb(const GlobalOptions& before, const GlobalOptions& after) {
  GlobalOptions out = before;
  out.files.insert(out.files.end(), after.files.begin(), after.files.end());
  if (!after.project_name.empty()) out.project_name = after.project_name;
  if (!after.project_directory.empty()) out.project_directory = after.project_directory;
  out.env_files.insert(out.env_files.end(), after.env_files.begin(), after.env_files.end());
  out.profiles.insert(out.profiles.end(), after.profiles.begin(), after.profiles.end());
  return out;
}

// One value each (`-f a.yaml web` is a file and a service), repeated for more.
void add_project_options(CLI::App& app, GlobalOptions& options) {
  app.add_option("-f,--file", options.files, "Compose file (repeatable; later files override)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  app.add_option("-p,--project-name", options.project_name, "Project name")->type_name("NAME");
  app.add_option("--project-directory", options.project_directory,
                 "Project directory (default: the first file's directory)")
      ->type_name("DIR");
  app.add_option("--env-file", options.env_files, "Environment file (default: .env)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  app.add_option("--profile", options.profiles, "Enable a profile (repeatable)")
      ->type_name("PROFILE")
      ->allow_extra_args(false);
}

void add_global_options(CLI::App& app, GlobalOptions& options) {
  add_project_options(app, options);
  app.add_flag("--verbose", options.verbose, "Log what is being done");
}

}  // namespace cli
