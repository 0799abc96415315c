// `boxcompose config`: the project as loaded, normalized, in Docker Compose's shape.
#include <fstream>
#include <iostream>

#include "cli/verbs.h"
#include "compose/serialize.h"
#include "graph/dependency_graph.h"

namespace cli {
namespace {

struct ConfigOptions {
  std::string format = "yaml";
  std::string output;
  std::vector<std::string> services;
  bool list_services = false;
  bool list_volumes = false;
  bool list_networks = false;
  bool list_profiles = false;
  bool list_images = false;
  bool no_interpolate = false;
  bool quiet = false;
};

template <class Map>
void print_keys(std::ostream& out, const Map& map) {
  for (const auto& [key, value] : map)
    out << key << '\n';
}

void print_profiles(std::ostream& out, const compose::Project& project) {
  std::set<std::string> profiles;
  for (const auto& [name, s] : project.services)
    profiles.insert(s.profiles.begin(), s.profiles.end());
  for (const auto& p : profiles)
    out << p << '\n';
}

void print_images(std::ostream& out, const compose::Project& project) {
  for (const auto& [name, s] : project.services)
    out << (s.image.empty() ? project.name + "-" + name : s.image) << '\n';
}

// Interpolated values may hold a literal '$' (from `$$` or a variable's value); written back
// as `$$`, the output stays a compose file that loads to the same project.
void escape_dollars(nlohmann::json& value) {
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (text.find('$') == std::string::npos) return;
    std::string escaped;
    for (char c : text)
      escaped += c == '$' ? std::string("$$") : std::string(1, c);
    value = escaped;
  } else if (value.is_structured()) {
    for (auto& item : value)
      escape_dollars(item);
  }
}

void run_config(const GlobalOptions& global, const ConfigOptions& opts) {
  compose::LoadOptions load = global.load_options();
  load.interpolate = !opts.no_interpolate;
  load.services = opts.services;
  // With profiles, `config --profiles` must see every service, not only the enabled ones.
  if (opts.list_profiles) load.profiles = {"*"};
  compose::Project project = compose::load_project(load);
  graph::DependencyGraph::build(project).start_levels();  // a dependency cycle is an error
  if (opts.quiet) return;

  std::ofstream file;
  if (!opts.output.empty()) {
    file.open(opts.output);
    if (!file) throw std::runtime_error("config: cannot write " + opts.output);
  }
  std::ostream& out = opts.output.empty() ? std::cout : file;
  if (opts.list_services) return print_keys(out, project.services);
  if (opts.list_volumes) return print_keys(out, project.volumes);
  if (opts.list_networks) return print_keys(out, project.networks);
  if (opts.list_profiles) return print_profiles(out, project);
  if (opts.list_images) return print_images(out, project);
  auto json = compose::to_json(project);
  if (!opts.no_interpolate) escape_dollars(json);
  out << (opts.format == "json" ? json.dump(2) + "\n" : compose::to_yaml(json));
}

}  // namespace

void add_config_verb(CLI::App& app, const GlobalOptions& global) {
  auto opts = std::make_shared<ConfigOptions>();
  auto* verb =
      app.add_subcommand("config", "Check the compose files and print the project as loaded");
  verb->add_option("services", opts->services, "Only these services and their dependencies");
  verb->add_option("--format", opts->format, "Output format")
      ->check(CLI::IsMember({"yaml", "json"}));
  verb->add_option("-o,--output", opts->output, "Write to a file instead of stdout");
  verb->add_flag("--services", opts->list_services, "Print the service names, one per line");
  verb->add_flag("--volumes", opts->list_volumes, "Print the volume names, one per line");
  verb->add_flag("--networks", opts->list_networks, "Print the network names, one per line");
  verb->add_flag("--profiles", opts->list_profiles, "Print the profile names, one per line");
  verb->add_flag("--images", opts->list_images, "Print the image names, one per line");
  verb->add_flag("--no-interpolate", opts->no_interpolate, "Leave ${VARIABLES} as written");
  verb->add_flag("-q,--quiet", opts->quiet, "Only check; print nothing");
  verb->callback([&global, opts] { run_config(global, *opts); });
}

}  // namespace cli
