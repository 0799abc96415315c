#include "cli/attach_up.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <iostream>
#include <optional>
#include <set>
#include <thread>

#include "boxrt/fd.h"
#include "cli/logs_follow.h"
#include "engine/engine.h"
#include "engine/exit_record.h"
#include "engine/interrupts.h"
#include "engine/supervisor_client.h"
#include "engine/supervisor_protocol.h"

namespace cli {
namespace {

using nlohmann::json;

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
        engine::SilentReporter quiet;
        try {
          engine::force_kill(paths, ref.name, quiet);
        } catch (const std::exception& e) {  // the graceful stop goes on regardless
          std::fprintf(stderr, "boxcompose: killing the containers: %s\n", e.what());
        }
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
        paths.container_run_dir(project, c.record.name) / "exit.json", 0, engine::kExitRecordWait);
    return record ? record->code : c.exit_code;
  }
  return std::nullopt;
}

// The replicas of the services `up` was asked for (all when none was named): not one-off
// `run` containers (number 0), nor other services' containers.
std::vector<engine::ContainerStatus> attached_containers(const engine::Paths& paths,
                                                         const std::string& project,
                                                         const std::vector<std::string>& services) {
  std::vector<engine::ContainerStatus> out;
  for (auto& c : engine::status(paths, project)) {
    bool named = services.empty() ||
                 std::find(services.begin(), services.end(), c.record.service) != services.end();
    if (c.record.number >= 1 && named) out.push_back(std::move(c));
  }
  return out;
}

using ExitHandler = std::function<bool(const std::string& container, int code)>;

// The session from the supervisor's events: a container ends when it exits and its restart
// policy does not bring it back; one that restarts is followed on (its log file goes on).
class SessionEvents {
 public:
  SessionEvents(engine::SupervisorClient& supervisor,
                const std::vector<engine::ContainerStatus>& containers, ExitHandler exited)
      : supervisor_(supervisor), exited_(std::move(exited)) {
    for (const auto& c : containers)
      attached_.insert(c.record.name);
    subscribed_ = supervisor_.request({{"op", "subscribe"}}).value("containers", json::object());
  }

  // Containers that ended before the session began (while `up` started the rest) count
  // as exits of the session. Returns what ends the follow already, if anything does.
  std::optional<FollowEnd> replay(const engine::Paths& paths, const std::string& project) {
    for (const auto& name : attached_) {
      json state = subscribed_.value(name, json::object());
      bool restarting = state.value("restarting", false);
      if (state.value("state", "") != "exited" || restarting) running_.insert(name);
      if (state.value("state", "") != "exited") continue;
      auto record = engine::wait_exit_record(paths.container_run_dir(project, name) / "exit.json",
                                             0, engine::kExitRecordWait);
      if (exited_(name, record ? record->code : state.value("exit_code", 255)))
        return FollowEnd::kStopped;
    }
    if (running_.empty()) return FollowEnd::kAllExited;
    return std::nullopt;
  }

  std::optional<FollowEnd> on_event() {
    std::optional<engine::Message> msg = engine::receive_message(supervisor_.fd());
    if (!msg) return FollowEnd::kAllExited;  // the supervisor is gone: nothing more will come
    const json& e = msg->body;
    std::string name = e.value("container", "");
    if (!attached_.count(name)) return std::nullopt;
    std::string op = e.value("op", "");
    if (op == "start") running_.insert(name);
    if (op != "exit") return std::nullopt;
    if (!e.value("restarting", false)) running_.erase(name);
    if (exited_(name, e.value("code", 255))) return FollowEnd::kStopped;
    if (running_.empty()) return FollowEnd::kAllExited;
    return std::nullopt;
  }

 private:
  engine::SupervisorClient& supervisor_;
  ExitHandler exited_;
  std::set<std::string> attached_, running_;
  json subscribed_;
};

FollowEnd follow_session(const engine::Paths& paths, const std::string& project,
                         const std::vector<engine::ContainerStatus>& containers,
                         LogPrinter& printer, engine::InterruptSignals& signals,
                         const ExitHandler& exited) {
  FollowHooks hooks;
  hooks.signals = &signals;
  std::optional<engine::SupervisorClient> supervisor =
      engine::SupervisorClient::connect(paths, project);
  if (!supervisor) {  // no supervisor (killed): watch the processes themselves
    hooks.on_exit = exited;
    return printer.follow(hooks);
  }
  SessionEvents session(*supervisor, containers, exited);
  if (auto end = session.replay(paths, project)) return *end;
  hooks.event_fd = supervisor->fd();
  hooks.on_event = [&session] { return session.on_event(); };
  return printer.follow(hooks);
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
  std::vector<engine::ContainerStatus> containers =
      attached_containers(paths, ref.name, opts.services);
  LogPrinter printer(paths, ref.name, containers, opts.format);
  announce(containers, printer);
  printer.print_existing(std::nullopt);
  AbortRule rule(opts);
  auto exited = [&](const std::string& container, int code) {
    std::printf("%s exited with code %d\n", printer.label(container).c_str(), code);
    std::fflush(stdout);
    return rule.exited(service_of(containers, container), code);
  };
  FollowEnd end = follow_session(paths, ref.name, containers, printer, signals, exited);
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
