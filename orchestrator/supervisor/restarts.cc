#include "supervisor/restarts.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "engine/error.h"
#include "supervisor/child_process.h"
#include "supervisor/supervisor.h"

namespace supervisor {

using engine::Error;
using engine::HealthClock;

struct Restarts::Entry {
  RestartTarget target;
  engine::RestartBackoff backoff;
  HealthClock::time_point started = HealthClock::now();
  bool stopped_by_user = false;
  boxrt::UniqueFd timer;  // armed while a restart waits for its back-off
  pid_t pid = 0;          // the __restart run, while it runs

  explicit Entry(RestartTarget t) : target(std::move(t)), backoff(target.policy) {}
};

Restarts::Restarts(Supervisor& loop) : loop_(loop) {}

Restarts::~Restarts() {
  for (auto& [name, entry] : entries_)
    cancel(*entry);
}

void Restarts::cancel(Entry& e) {
  if (!e.timer) return;
  loop_.unwatch_fd(e.timer.get());
  e.timer.reset();
}

void Restarts::watched(const std::string& container, RestartTarget target) {
  auto& slot = entries_[container];
  if (!slot) {
    slot = std::make_unique<Entry>(std::move(target));
  } else {
    // The back-off carries over from one run of the container to the next.
    slot->target = std::move(target);
    cancel(*slot);
  }
  slot->started = HealthClock::now();
  slot->stopped_by_user = false;
}

void Restarts::stopping(const std::vector<std::string>& containers) {
  for (const auto& name : containers) {
    auto& slot = entries_[name];
    if (!slot) slot = std::make_unique<Entry>(RestartTarget{});
    slot->stopped_by_user = true;
    cancel(*slot);
  }
}

bool Restarts::may_restart(const std::string& container) const {
  auto it = entries_.find(container);
  return it != entries_.end() && !it->second->stopped_by_user;
}

bool Restarts::on_exit(const std::string& container, int code) {
  auto it = entries_.find(container);
  if (it == entries_.end()) return false;
  Entry& e = *it->second;
  if (e.stopped_by_user || !should_restart(e.target.policy, code, e.target.restart_count))
    return false;
  std::chrono::nanoseconds delay = e.backoff.next(HealthClock::now() - e.started);
  cancel(e);  // a timer still pending is unwatched before its fd closes
  e.timer.reset(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (!e.timer) {
    dprintf(2, "boxcompose-supervisor: %s: timerfd: %s\n", container.c_str(), strerror(errno));
    return false;
  }
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(delay.count() / 1'000'000'000);
  spec.it_value.tv_nsec = static_cast<long>(std::max<int64_t>(1, delay.count() % 1'000'000'000));
  ::timerfd_settime(e.timer.get(), 0, &spec, nullptr);
  loop_.watch_fd(e.timer.get(), EPOLLIN, [this, container](uint32_t) { on_timer(container); });
  return true;
}

void Restarts::on_timer(const std::string& container) {
  auto it = entries_.find(container);
  if (it == entries_.end()) return;
  Entry& e = *it->second;
  cancel(e);
  if (e.stopped_by_user) return;
  try {
    e.pid = spawn_helper({e.target.boxcompose, "__restart", e.target.project, container}, -1);
  } catch (const std::exception& ex) {
    dprintf(2, "boxcompose-supervisor: %s: restart: %s\n", container.c_str(), ex.what());
  }
}

bool Restarts::on_child_exit(pid_t pid, int code) {
  for (auto& [name, entry] : entries_)
    if (entry->pid == pid) {
      entry->pid = 0;
      if (code != 0)
        dprintf(2, "boxcompose-supervisor: %s: restart failed (exit %d)\n", name.c_str(), code);
      return true;
    }
  return false;
}

}  // namespace supervisor
