#include "cli/logs_follow.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "boxrt/fd.h"
#include "engine/interrupts.h"

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
    s.label = label_of(project, c.record.name);
    s.reader = std::make_unique<engine::LogReader>(paths.container_log(c.record.name));
    s.pid = c.state == "running" || c.state == "paused" ? c.pid : 0;
    formatter_.add(s.label);
    sources_.push_back(std::move(s));
  }
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

bool LogPrinter::follow(int stop_fd) {
  engine::InterruptSignals signals;
  std::vector<UniqueFd> exits;  // pidfds of running containers
  for (const auto& s : sources_)
    if (s.pid > 0) exits.emplace_back(static_cast<int>(::syscall(SYS_pidfd_open, s.pid, 0)));
  bool interrupted = false;
  for (;;) {
    std::vector<pollfd> fds{{signals.fd(), POLLIN, 0}};
    if (stop_fd >= 0) fds.push_back({stop_fd, POLLIN, 0});
    for (auto& s : sources_)
      if (int w = s.reader->watch_fd(); w >= 0) fds.push_back({w, POLLIN, 0});
    size_t first_exit = fds.size();
    for (const auto& e : exits)
      if (e) fds.push_back({e.get(), POLLIN, 0});
    bool running = fds.size() > first_exit;
    // Once the last container has exited, a short wait for the supervisor to write out
    // what it drained from the pipes, then one last read.
    int n = ::poll(fds.data(), fds.size(), running ? 1000 : 100);
    if (n < 0 && errno != EINTR) break;
    for (auto& s : sources_)
      for (const auto& e : s.reader->read_new())
        print(s.label, e);
    std::fflush(stdout);
    if ((fds[0].revents & POLLIN) && signals.take()) {  // taken, so it is not delivered later
      interrupted = true;
      break;
    }
    if (stop_fd >= 0 && (fds[1].revents & POLLIN)) break;
    for (size_t i = first_exit; i < fds.size(); ++i)
      if (fds[i].revents)
        for (auto& e : exits)
          if (e.get() == fds[i].fd) e.reset();
    if (!running) break;
  }
  return interrupted;
}

}  // namespace cli
