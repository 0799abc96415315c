// `boxcompose stats [--no-stream] [--format table|json] [SERVICE...]`: docker stats for the
// project's running containers. CPU % needs two samples a second apart; without
// --no-stream the view is redrawn every second until Ctrl-C (which exits 0).
#include <poll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <iostream>
#include <map>

#include "cli/project_ref.h"
#include "cli/table.h"
#include "cli/verbs.h"
#include "engine/error.h"
#include "engine/interrupts.h"
#include "engine/stats.h"

namespace cli {
namespace {

struct StatsFlags {
  bool no_stream = false;
  std::string format = "table";
  std::vector<std::string> services;
};

class StatsView {
 public:
  StatsView(const engine::Paths& paths, std::string project, const StatsFlags& flags)
      : paths_(paths), project_(std::move(project)), flags_(flags) {}

  // Takes a sample and returns what to print: CPU % against the previous sample.
  std::string next() {
    std::vector<engine::StatsRow> rows;
    std::map<std::string, engine::StatsSample> now;
    for (auto& s : engine::sample_stats(paths_, project_, flags_.services)) {
      auto it = previous_.find(s.name);
      rows.push_back(engine::stats_row(it == previous_.end() ? nullptr : &it->second, s));
      now.emplace(s.name, std::move(s));
    }
    previous_ = std::move(now);
    if (flags_.format == "json") return engine::format_stats_json(rows);
    return format_table(engine::stats_table_cells(rows));
  }

 private:
  engine::Paths paths_;
  std::string project_;
  const StatsFlags& flags_;
  std::map<std::string, engine::StatsSample> previous_;
};

boxrt::UniqueFd every_second() {
  boxrt::UniqueFd fd(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC));
  if (!fd) throw engine::Error::sys("timerfd_create", "stats", errno);
  itimerspec spec{{1, 0}, {1, 0}};
  if (::timerfd_settime(fd.get(), 0, &spec, nullptr) != 0)
    throw engine::Error::sys("timerfd_settime", "stats", errno);
  return fd;
}

// Waits for the next tick; false when interrupted (Ctrl-C or SIGTERM).
bool wait_tick(int timer, engine::InterruptSignals& signals) {
  pollfd fds[2] = {{timer, POLLIN, 0}, {signals.fd(), POLLIN, 0}};
  while (::poll(fds, 2, -1) < 0)
    if (errno != EINTR) throw engine::Error::sys("poll", "stats", errno);
  if (fds[1].revents) {
    // Taken now: still pending when the mask is restored, it would end us after all.
    signals.take();
    return false;
  }
  uint64_t ticks;
  (void)!::read(timer, &ticks, sizeof ticks);
  return true;
}

void run_stats(const GlobalOptions& global, const StatsFlags& flags) {
  ProjectRef ref = load_project_or_name(global);
  StatsView view(engine::Paths::from_environment(), ref.name, flags);
  engine::InterruptSignals signals;
  boxrt::UniqueFd timer = every_second();
  view.next();  // the first sample only starts the CPU measurement
  bool clear = flags.format == "table" && ::isatty(1);
  while (wait_tick(timer.get(), signals)) {
    std::string text = view.next();
    std::cout << (clear ? "\033[2J\033[H" : "") << text << std::flush;
    if (flags.no_stream) return;
  }
}

}  // namespace

void add_stats_verb(CLI::App& app, const GlobalOptions& global) {
  auto flags = std::make_shared<StatsFlags>();
  CLI::App* verb = app.add_subcommand(
      "stats", "Display a live stream of container(s) resource usage statistics");
  verb->add_flag("--no-stream", flags->no_stream,
                 "Disable streaming stats and only pull the first result");
  verb->add_option("--format", flags->format, "Format output: table or json")
      ->check(CLI::IsMember({"table", "json"}));
  verb->add_option("service", flags->services, "Services")->type_name("SERVICE");
  verb->callback([&global, flags] { run_stats(global, *flags); });
}

}  // namespace cli
