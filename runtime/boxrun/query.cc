// boxrun state / list / ps / events.
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "boxrt/error.h"
#include "verbs.h"

namespace boxrun {
namespace {

using nlohmann::json;

std::string cmdline_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  std::string s((std::istreambuf_iterator<char>(in)), {});
  for (char& c : s)
    if (c == '\0') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

json stats_json(const std::string& id, const boxrt::CgroupStats& s) {
  return {{"type", "stats"},
          {"id", id},
          {"data",
           {{"cpu",
             {{"usage", {{"total", s.cpu_usage_ns}}},
              {"throttling",
               {{"periods", s.cpu_periods},
                {"throttled_periods", s.cpu_throttled_periods},
                {"throttled_time", s.cpu_throttled_ns}}}}},
            {"memory",
             {{"usage", {{"usage", s.memory_usage}, {"limit", s.memory_limit}}},
              {"oom_kill", s.oom_kills}}},
            {"pids", {{"current", s.pids_current}}}}}};
}

void print_list(const std::vector<boxrt::ContainerState>& all, const std::string& format, bool quiet) {
  if (quiet) {
    for (const auto& s : all) std::cout << s.id << '\n';
    return;
  }
  if (format == "json") {
    json arr = json::array();
    for (const auto& s : all) arr.push_back(boxrt::state_to_oci_json(s));
    std::cout << arr.dump() << '\n';
    return;
  }
  std::cout << std::left << std::setw(20) << "ID" << std::setw(10) << "PID" << std::setw(10)
            << "STATUS" << std::setw(40) << "BUNDLE" << std::setw(32) << "CREATED" << "OWNER\n";
  for (const auto& s : all)
    std::cout << std::left << std::setw(20) << s.id << std::setw(10)
              << (s.status == boxrt::Status::kStopped ? 0 : s.pid) << std::setw(10)
              << boxrt::status_name(s.status) << std::setw(40) << s.bundle << std::setw(32)
              << s.created << s.owner << '\n';
}

}  // namespace

void add_query(CLI::App& app, Globals& g) {
  auto id = std::make_shared<std::string>();
  auto* state = app.add_subcommand("state", "output the state of a container");
  state->add_option("id", *id, "container id")->required();
  on_run(state, g, [id](boxrt::Runtime& rt) {
    std::cout << boxrt::state_to_oci_json(rt.state(*id)).dump(2) << '\n';
  });

  auto format = std::make_shared<std::string>("table");
  auto quiet = std::make_shared<bool>(false);
  auto* list = app.add_subcommand("list", "list containers");
  list->add_option("-f,--format", *format, "table or json");
  list->add_flag("-q,--quiet", *quiet, "ids only");
  on_run(list, g, [format, quiet](boxrt::Runtime& rt) { print_list(rt.list(), *format, *quiet); });

  auto ps_id = std::make_shared<std::string>();
  auto ps_format = std::make_shared<std::string>("table");
  auto* ps = app.add_subcommand("ps", "processes running inside a container");
  ps->add_option("-f,--format", *ps_format, "table or json");
  ps->add_option("id", *ps_id, "container id")->required();
  on_run(ps, g, [ps_id, ps_format](boxrt::Runtime& rt) {
    auto pids = rt.ps(*ps_id);
    if (*ps_format == "json") {
      std::cout << json(pids).dump() << '\n';
      return;
    }
    std::cout << "PID\tCMD\n";
    for (pid_t p : pids) std::cout << p << '\t' << cmdline_of(p) << '\n';
  });

  auto ev_id = std::make_shared<std::string>();
  auto ev_stats = std::make_shared<bool>(false);
  auto interval = std::make_shared<int>(5);
  auto* events = app.add_subcommand("events", "container stats (once with --stats, else every --interval)");
  events->add_flag("--stats", *ev_stats, "print stats once and exit");
  events->add_option("--interval", *interval, "seconds between stats");
  events->add_option("id", *ev_id, "container id")->required();
  on_run(events, g, [ev_id, ev_stats, interval](boxrt::Runtime& rt) {
    do {
      std::cout << stats_json(*ev_id, rt.stats(*ev_id)).dump() << std::endl;
      if (*ev_stats) return;
      std::this_thread::sleep_for(std::chrono::seconds(std::max(1, *interval)));
    } while (rt.state(*ev_id).status != boxrt::Status::kStopped);
  });
}

}  // namespace boxrun
