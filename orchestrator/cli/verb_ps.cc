// `boxcompose ps [-a] [-q] [--format table|json] [--services] [SERVICE...]` and
// `boxcompose ls`: what runs, as Docker Compose shows it.
#include <iostream>

#include "cli/project_ref.h"
#include "cli/table.h"
#include "cli/verbs.h"
#include "engine/engine.h"
#include "engine/output_ps.h"
#include "engine/port_query.h"

namespace cli {
namespace {

struct PsFlags {
  bool all = false;
  bool quiet = false;
  bool services = false;
  bool no_trunc = false;
  std::string format = "table";
  std::vector<std::string> only;
};

engine::ContainerState state_of(const std::string& s) {
  if (s == "running") return engine::ContainerState::Running;
  if (s == "paused") return engine::ContainerState::Paused;
  if (s == "created") return engine::ContainerState::Created;
  if (s == "restarting") return engine::ContainerState::Restarting;
  return engine::ContainerState::Exited;
}

engine::WallTime time_of(const std::string& text) {
  return engine::parse_rfc3339(text).value_or(engine::WallTime{});
}

engine::PsRow row_of(const std::string& project, const engine::ContainerStatus& c) {
  engine::PsRow row;
  row.id = c.record.id;
  row.name = c.record.name;
  row.image = c.record.image;
  row.command = c.record.command;
  row.project = project;
  row.service = c.record.service;
  row.created = time_of(c.record.created);
  row.state = state_of(c.state);
  row.exit_code = c.exit_code;
  row.started = time_of(c.started_at);
  row.finished = time_of(c.finished_at);
  row.health = c.health;
  row.restart_count = c.record.restart_count;
  for (const auto& e : c.record.endpoints)
    row.networks.push_back(project + "_" + e.network);
  row.publishers = engine::publishers_of(c);
  row.labels = {{"com.docker.compose.project", project},
                {"com.docker.compose.service", c.record.service},
                {"com.docker.compose.container-number", std::to_string(c.record.number)}};
  return row;
}

void run_ps(const GlobalOptions& global, const PsFlags& flags) {
  ProjectRef ref = load_project_or_name(global);
  std::vector<engine::PsRow> rows;
  for (const auto& c : engine::status(engine::Paths::from_environment(), ref.name)) {
    if (!flags.all && c.state != "running" && c.state != "paused" && c.state != "restarting")
      continue;
    if (!flags.only.empty() &&
        std::find(flags.only.begin(), flags.only.end(), c.record.service) == flags.only.end())
      continue;
    rows.push_back(row_of(ref.name, c));
  }
  engine::PsOptions opts;
  opts.trunc = !flags.no_trunc;
  if (flags.quiet)
    std::cout << engine::ps_quiet(rows);
  else if (flags.services)
    std::cout << engine::ps_services(rows);
  else if (flags.format == "json")
    std::cout << engine::ps_json(rows, engine::wall_now(), opts);
  else
    std::cout << engine::ps_table(rows, engine::wall_now(), opts);
}

struct LsFlags {
  bool all = false;
  bool quiet = false;
  std::string format = "table";
};

void run_ls(const LsFlags& flags) {
  engine::Paths paths = engine::Paths::from_environment();
  std::vector<std::vector<std::string>> rows{{"NAME", "STATUS", "CONFIG FILES"}};
  nlohmann::json list = nlohmann::json::array();
  for (const auto& name : engine::list_projects(paths)) {
    std::map<std::string, int> counts;
    for (const auto& c : engine::status(paths, name))
      ++counts[c.state];
    if (!flags.all && counts["running"] == 0) continue;
    std::string status, files;
    for (const auto& [state, n] : counts)
      status += (status.empty() ? "" : ", ") + state + "(" + std::to_string(n) + ")";
    if (auto st = engine::load_project_state(paths.project_file(name)))
      for (const auto& f : st->files)
        files += (files.empty() ? "" : ",") + f;
    rows.push_back({name, status, files});
    list.push_back({{"Name", name}, {"Status", status}, {"ConfigFiles", files}});
  }
  if (flags.quiet) {
    for (size_t i = 1; i < rows.size(); ++i)
      std::cout << rows[i][0] << '\n';
  } else if (flags.format == "json") {
    std::cout << list.dump() << '\n';
  } else {
    std::cout << format_table(rows);
  }
}

}  // namespace

void add_ps_verb(CLI::App& app, const GlobalOptions& global) {
  auto flags = std::make_shared<PsFlags>();
  CLI::App* verb = app.add_subcommand("ps", "List containers");
  verb->add_flag("-a,--all", flags->all, "Show all stopped containers");
  verb->add_flag("-q,--quiet", flags->quiet, "Only display IDs");
  verb->add_flag("--services", flags->services, "Display services");
  verb->add_flag("--no-trunc", flags->no_trunc, "Don't truncate output");
  verb->add_option("--format", flags->format, "Format the output: table or json")
      ->check(CLI::IsMember({"table", "json"}));
  verb->add_option("service", flags->only, "Services")->type_name("SERVICE");
  verb->callback([&global, flags] { run_ps(global, *flags); });
}

void add_ls_verb(CLI::App& app) {
  auto flags = std::make_shared<LsFlags>();
  CLI::App* verb = app.add_subcommand("ls", "List running compose projects");
  verb->add_flag("-a,--all", flags->all, "Show all stopped Compose projects");
  verb->add_flag("-q,--quiet", flags->quiet, "Only display project names");
  verb->add_option("--format", flags->format, "Format the output: table or json")
      ->check(CLI::IsMember({"table", "json"}));
  verb->callback([flags] { run_ls(*flags); });
}

}  // namespace cli
