// `boxcompose logs [-f] [--tail N] [-t] [--no-color] [--no-log-prefix] [SERVICE...]`: the
// containers' output from the log files the supervisor writes, merged in time order, then
// followed until every container has stopped or the user interrupts.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "cli/logs_follow.h"
#include "cli/project_ref.h"
#include "cli/verbs.h"
#include "engine/engine.h"

namespace cli {
namespace {

struct LogsOptions {
  bool follow = false;
  std::string tail = "all";
  bool timestamps = false;
  bool no_color = false;
  bool no_prefix = false;
  std::vector<std::string> services;
};

void run_logs(const GlobalOptions& global, const LogsOptions& opts) {
  ProjectRef ref = load_project_or_name(global);
  engine::Paths paths = engine::Paths::from_environment();
  std::vector<engine::ContainerStatus> containers = engine::status(paths, ref.name);
  std::vector<engine::ContainerStatus> chosen;
  for (auto& c : containers)
    if (opts.services.empty() ||
        std::count(opts.services.begin(), opts.services.end(), c.record.service))
      chosen.push_back(std::move(c));
  std::optional<size_t> tail;
  if (opts.tail != "all") {
    try {
      tail = static_cast<size_t>(std::stoul(opts.tail));
    } catch (const std::exception&) {
      throw CLI::ValidationError("--tail", "expected a number or \"all\", got " + opts.tail);
    }
  }
  engine::LogFormatOptions format;
  format.color = !opts.no_color && ::isatty(1);
  format.prefix = !opts.no_prefix;
  format.timestamps = opts.timestamps;
  LogPrinter printer(paths, ref.name, chosen, format);
  printer.print_existing(tail);
  if (opts.follow) printer.follow();
}

}  // namespace

void add_logs_verb(CLI::App& app, const GlobalOptions& global) {
  auto opts = std::make_shared<LogsOptions>();
  CLI::App* verb = app.add_subcommand("logs", "View output from containers");
  verb->add_flag("-f,--follow", opts->follow, "Follow log output");
  verb->add_option("-n,--tail", opts->tail, "Number of lines from the end of each container's log")
      ->type_name("N");
  verb->add_flag("-t,--timestamps", opts->timestamps, "Show timestamps");
  verb->add_flag("--no-color", opts->no_color, "Produce monochrome output");
  verb->add_flag("--no-log-prefix", opts->no_prefix, "Don't print prefix in logs");
  verb->add_option("service", opts->services, "Services")->type_name("SERVICE");
  verb->callback([&global, opts] { run_logs(global, *opts); });
}

}  // namespace cli
