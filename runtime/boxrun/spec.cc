// boxrun spec: write a template config.json into the bundle.
#include <unistd.h>

#include <cerrno>

#include "boxrt/error.h"
#include "boxrt/oci_config.h"
#include "verbs.h"

namespace boxrun {

void add_spec(CLI::App& app, Globals& g) {
  auto* cmd = app.add_subcommand("spec", "create a new specification file (config.json)");
  auto bundle = std::make_shared<std::string>(".");
  cmd->add_option("-b,--bundle", *bundle, "directory to write config.json into");
  cmd->callback([bundle] {
    std::string path = *bundle + "/config.json";
    if (access(path.c_str(), F_OK) == 0) throw boxrt::Error("File " + path + " exists. Remove it first");
    boxrt::save_config(boxrt::default_spec(), path);
  });
}

}  // namespace boxrun
