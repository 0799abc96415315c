#include "cli/attach_up.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <iostream>
#include <optional>
#include <thread>

#include "boxrt/fd.h"
#include "cli/logs_follow.h"
#include "engine/engine.h"
#include "engine/exit_record.h"
#include "engine/interrupts.h"

namespace cli {
namespace {

constexpr std::chrono::milliseconds kExitRecordWait{2000};

struct Quiet : engine::Reporter {
  void event(const engine::ProgressEvent&) override {}
  void warning(const std::string&) override {}
};

// Stops the project gracefully; a further SIGINT/SIGTERM meanwhile kills every container at
// once. The kill comes from a second thread because the stop holds the project's lock and
// waits out grace periods in this one.
void stop_project(const engine::Paths& paths, const ProjectRef& ref, const AttachOptions& opts,
                  engine::InterruptSignals& signals) {
  boxrt::UniqueFd done(::eventfd(0, EFD_CLOEXEC));
  std::thread force([&] {
    pollfd fds[2] = {{signals.fd(), POLLIN, 0}, {done.get(), POLLIN, 0}};
    for (;;) {
      if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
      if (fds[1].revents) return;
      if ((fds[0].revents & POLLIN) && signals.take()) {
        Quiet quiet;
        engine::force_kill(paths, ref.name, quiet);
      }
    }
  });
  auto finish = [&] {
    uint64_t one = 1;
    (void)!::write(done.get(), &one, sizeof one);
    force.join();
  };
  try {
    std::unique_ptr<engine::Reporter> report = make_reporter(opts.progress, "Stopping");
    engine::stop(paths, ref.name, ref.project ? &*ref.project : nullptr, {}, *report);
  } catch (...) {
    finish();
    throw;
  }
  finish();
}

// Which exits end the session, and what the exit code becomes.
class AbortRule {
 public:
  explicit AbortRule(const AttachOptions& opts)
      : on_any_(opts.abort_on_exit || !opts.exit_code_from.empty()),
        on_failure_(opts.abort_on_failure),
        code_from_(opts.exit_code_from) {}

  // A container of `service` exited with `code`: true when that aborts the session.
  bool exited(const std::string& service, int code) {
    if (!on_any_ && !(on_failure_ && code != 0)) return false;
    if (code_from_.empty()) code_from_ = service;  // the first to exit decides
    if (service == code_from_) code_ = code;
    return true;
  }
  bool aborts() const { return on_any_ || on_failure_; }
  const std::string& code_from() const { return code_from_; }
  std::optional<int> code() const { return code_; }
  void set_code(int code) { code_ = code; }

 private:
  bool on_any_, on_failure_;
  std::string code_from_;
  std::optional<int> code_;
};

std::string service_of(const std::vector<engine::ContainerStatus>& containers,
                       const std::string& name) {
  for (const auto& c : containers)
    if (c.record.name == name) return c.record.service;
  return "";
}

// After an abort caused by another service, --exit-code-from's service was stopped with
// the rest: its code is the one it exited with then.
std::optional<int> final_code_of(const engine::Paths& paths, const std::string& project,
                                 const std::string& service) {
  for (const auto& c : engine::status(paths, project)) {
    if (c.record.service != service || c.state != "exited") continue;
    // The stop saw the process go; the supervisor's record of it may be a moment behind.
    auto record = engine::wait_exit_record(
        paths.container_run_dir(project, c.record.name) / "exit.json", 0, kExitRecordWait);
    return record ? record->code : c.exit_code;
  }
  return std::nullopt;
}

bool report_early_exits(const engine::Paths& paths, const std::string& project,
                        std::vector<engine::ContainerStatus>& containers,
                        const std::function<bool(const std::string&, int)>& on_exit) {
  std::sort(containers.begin(), containers.end(),
            [](const auto& a, const auto& b) { return a.finished_at < b.finished_at; });
  for (const auto& c : containers) {
    if (c.state != "exited") continue;
    auto record = engine::wait_exit_record(
        paths.container_run_dir(project, c.record.name) / "exit.json", 0, kExitRecordWait);
    if (on_exit(c.record.name, record ? record->code : c.exit_code)) return true;
  }
  return false;
}

void announce(const std::vector<engine::ContainerStatus>& containers, LogPrinter& printer) {
  std::string names;
  for (const auto& c : containers)
    names += (names.empty() ? "" : ", ") + printer.label(c.record.name);
  std::printf("Attaching to %s\n", names.c_str());
  std::fflush(stdout);
}

}  // namespace

int attach_up(const engine::Paths& paths, const ProjectRef& ref, const AttachOptions& opts) {
  engine::InterruptSignals signals;  // for the whole session: no Ctrl-C is lost between steps
  std::vector<engine::ContainerStatus> containers = engine::status(paths, ref.name);
  LogPrinter printer(paths, ref.name, containers, opts.format);
  announce(containers, printer);
  printer.print_existing(std::nullopt);
  AbortRule rule(opts);
  FollowHooks hooks;
  hooks.signals = &signals;
  hooks.on_exit = [&](const std::string& container, int code) {
    std::printf("%s exited with code %d\n", printer.label(container).c_str(), code);
    std::fflush(stdout);
    return rule.exited(service_of(containers, container), code);
  };
  // Containers that ended while up was still starting the rest: their exits count too.
  FollowEnd end = FollowEnd::kStopped;
  if (!report_early_exits(paths, ref.name, containers, hooks.on_exit)) end = printer.follow(hooks);
  if (end == FollowEnd::kAllExited) return rule.code().value_or(0);
  if (end == FollowEnd::kInterrupted)
    std::cerr << "Gracefully stopping... (press Ctrl+C again to force)\n";
  else
    std::cerr << "Aborting on container exit...\n";
  stop_project(paths, ref, opts, signals);
  printer.print_new();
  if (end == FollowEnd::kInterrupted) return 0;
  if (!rule.code() && !rule.code_from().empty())
    if (auto code = final_code_of(paths, ref.name, rule.code_from())) rule.set_code(*code);
  return rule.code().value_or(0);
}

}  // namespace cli
