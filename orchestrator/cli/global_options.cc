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

void add_global_options(CLI::App& app, GlobalOptions& options) {
  app.add_option("-f,--file", options.files, "Compose file (repeatable; later files override)")
      ->type_name("FILE");
  app.add_option("-p,--project-name", options.project_name, "Project name")->type_name("NAME");
  app.add_option("--project-directory", options.project_directory,
                 "Project directory (default: the first file's directory)")
      ->type_name("DIR");
  app.add_option("--env-file", options.env_files, "Environment file (default: .env)")
      ->type_name("FILE");
  app.add_option("--profile", options.profiles, "Enable a profile (repeatable)")
      ->type_name("PROFILE");
  app.add_flag("--verbose", options.verbose, "Log what is being done");
}

}  // namespace cli
