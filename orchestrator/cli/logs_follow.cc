#include "cli/logs_follow.h"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "boxrt/fd.h"
#include "engine/exit_record.h"

namespace cli {
namespace {

using boxrt::UniqueFd;

// "proj-web-1" -> "web-1", as compose labels a container's lines.
std::string label_of(const std::string& project, const std::string& container) {
  std::string prefix = project + "-";
  return container.rfind(prefix, 0) == 0 ? container.substr(prefix.size()) : container;
}

}  // namespace

LogPrinter::LogPrinter(const engine::Paths& paths, const std::string& project,
                       const std::vector<engine::ContainerStatus>& containers,
                       engine::LogFormatOptions format)
    : formatter_(format) {
  for (const auto& c : containers) {
    Source s;
    s.container = c.record.name;
    s.label = label_of(project, c.record.name);
    s.reader = std::make_unique<engine::LogReader>(paths.container_log(c.record.name));
    s.pid = c.state == "running" || c.state == "paused" ? c.pid : 0;
    s.exit_file = paths.container_run_dir(project, c.record.name) / "exit.json";
    formatter_.add(s.label);
    sources_.push_back(std::move(s));
  }
}

const std::string& LogPrinter::label(const std::string& container) const {
  for (const auto& s : sources_)
    if (s.container == container) return s.label;
  return container;
}

void LogPrinter::print(const std::string& label, const engine::LogEntry& e) {
  formatter_.print(label, e, stdout, stdout);
}

void LogPrinter::print_existing(std::optional<size_t> tail) {
  std::vector<std::pair<const std::string*, engine::LogEntry>> all;
  for (auto& s : sources_)
    for (auto& e : tail ? s.reader->tail(*tail) : s.reader->read_all())
      all.emplace_back(&s.label, std::move(e));
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.second.time < b.second.time; });
  for (const auto& [label, e] : all)
    print(*label, e);
  std::fflush(stdout);
}

void LogPrinter::print_new() {
  for (auto& s : sources_)
    for (const auto& e : s.reader->read_new())
      print(s.label, e);
  std::fflush(stdout);
}

int LogPrinter::exit_code_of(const Source& s) const {
  auto record = engine::wait_exit_record(s.exit_file, s.pid, engine::kExitRecordWait);
  return record ? record->code : 255;
}

std::optional<FollowEnd> LogPrinter::on_process_exits(const std::vector<pollfd>& fds, size_t first,
                                                      std::vector<UniqueFd>& exits,
                                                      const FollowHooks& hooks) {
  for (size_t i = first; i < fds.size(); ++i) {
    if (!fds[i].revents) continue;
    for (size_t k = 0; k < exits.size(); ++k) {
      if (exits[k].get() != fds[i].fd) continue;
      exits[k].reset();
      if (!hooks.on_exit) continue;
      int code = exit_code_of(sources_[k]);
      print_new();  // its last words come before the news of its exit
      if (hooks.on_exit(sources_[k].container, code)) return FollowEnd::kStopped;
    }
  }
  return std::nullopt;
}

FollowEnd LogPrinter::follow(const FollowHooks& hooks) {
  std::optional<engine::InterruptSignals> own_signals;
  engine::InterruptSignals* signals = hooks.signals;
  if (!signals) signals = &own_signals.emplace();
  bool by_events = hooks.event_fd >= 0;
  std::vector<UniqueFd> exits(sources_.size());  // pidfds of running containers, by source
  for (size_t i = 0; i < sources_.size() && !by_events; ++i)
    if (sources_[i].pid > 0)
      exits[i].reset(static_cast<int>(::syscall(SYS_pidfd_open, sources_[i].pid, 0)));
  for (;;) {
    std::vector<pollfd> fds{{signals->fd(), POLLIN, 0}};
    size_t stop_at = fds.size(), events_at = fds.size();
    if (hooks.stop_fd >= 0) fds.push_back({hooks.stop_fd, POLLIN, 0});
    events_at = fds.size();
    if (by_events) fds.push_back({hooks.event_fd, POLLIN, 0});
    for (auto& s : sources_)
      if (int w = s.reader->watch_fd(); w >= 0) fds.push_back({w, POLLIN, 0});
    size_t first_exit = fds.size();
    for (const auto& e : exits)
      if (e) fds.push_back({e.get(), POLLIN, 0});
    bool running = by_events || fds.size() > first_exit;
    // Once the last container has exited, a short wait for the supervisor to write out
    // what it drained from the pipes, then one last read.
    int n = ::poll(fds.data(), fds.size(), running ? 1000 : 100);
    if (n < 0 && errno != EINTR) return FollowEnd::kAllExited;
    print_new();
    if ((fds[0].revents & POLLIN) && signals->take())  // taken, so it is not delivered later
      return FollowEnd::kInterrupted;
    if (hooks.stop_fd >= 0 && (fds[stop_at].revents & POLLIN)) return FollowEnd::kStopped;
    if (!running) return FollowEnd::kAllExited;
    if (by_events && fds[events_at].revents) {
      print_new();  // what the containers said comes before the news of their exit
      if (auto end = hooks.on_event()) return *end;
    }
    if (auto end = on_process_exits(fds, first_exit, exits, hooks)) return *end;
  }
}

}  // namespace cli
