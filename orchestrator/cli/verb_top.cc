// `boxcompose top [SERVICE...]`: each running container's name, then its processes as
// `ps -ef` shows them (docker compose top).
#include <iostream>

#include "cli/project_ref.h"
#include "cli/table.h"
#include "cli/verbs.h"
#include "engine/top.h"

namespace cli {
namespace {

void run_top(const GlobalOptions& global, const std::vector<std::string>& services) {
  ProjectRef ref = load_project_or_name(global);
  std::vector<engine::ContainerTop> tops =
      engine::top(engine::Paths::from_environment(), ref.name, services);
  bool first = true;
  for (const auto& t : tops) {
    if (!first) std::cout << '\n';
    first = false;
    std::vector<std::vector<std::string>> rows{engine::kTopHeader};
    rows.insert(rows.end(), t.rows.begin(), t.rows.end());
    std::cout << t.name << '\n' << format_table(rows);
  }
}

}  // namespace

void add_top_verb(CLI::App& app, const GlobalOptions& global) {
  auto services = std::make_shared<std::vector<std::string>>();
  CLI::App* verb = app.add_subcommand("top", "Display the running processes");
  verb->add_option("service", *services, "Services")->type_name("SERVICE");
  verb->callback([&global, services] { run_top(global, *services); });
}

}  // namespace cli
