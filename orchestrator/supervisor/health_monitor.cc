#include "supervisor/health_monitor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "engine/error.h"
#include "engine/human_time.h"
#include "supervisor/child_process.h"
#include "supervisor/supervisor.h"

namespace supervisor {
namespace {

using boxrt::UniqueFd;
using engine::Error;
using engine::HealthClock;

std::string now_text() {
  return engine::rfc3339_nano(engine::wall_now());
}

// Go's time.Duration text for the common cases ("30s", "1m30s", "500ms"), as Docker
// words a timed-out check.
std::string go_duration(std::chrono::nanoseconds d) {
  using namespace std::chrono;
  if (d < seconds(1)) return std::to_string(duration_cast<milliseconds>(d).count()) + "ms";
  auto secs = duration_cast<seconds>(d).count();
  std::string text = secs >= 60 ? std::to_string(secs / 60) + "m" : "";
  long frac_ms = static_cast<long>(duration_cast<milliseconds>(d).count() % 1000);
  text += std::to_string(secs % 60);
  if (frac_ms) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%03ld", frac_ms);
    std::string f = buf;
    while (f.back() == '0')
      f.pop_back();
    text += f;
  }
  return text + "s";
}

}  // namespace

struct HealthMonitor::Check {
  std::string container;
  HealthTarget target;
  engine::HealthState state;
  UniqueFd timer;
  // The run in progress, if any.
  pid_t pid = 0;
  UniqueFd output;
  std::string text;
  engine::HealthResult result;

  Check(std::string name, HealthTarget t)
      : container(std::move(name)), target(std::move(t)), state(target.spec, HealthClock::now()) {}
};

HealthMonitor::HealthMonitor(Supervisor& loop, OnChange on_change)
    : loop_(loop), on_change_(std::move(on_change)) {}

HealthMonitor::~HealthMonitor() {
  for (auto& [name, check] : checks_)
    if (check->pid > 0) ::kill(check->pid, SIGTERM);
}

void HealthMonitor::start(const std::string& container, HealthTarget target) {
  stop(container);
  auto check = std::make_unique<Check>(container, std::move(target));
  check->timer.reset(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (!check->timer) throw Error::sys("timerfd_create", container, errno);
  Check& c = *check;
  checks_[container] = std::move(check);
  loop_.watch_fd(c.timer.get(), EPOLLIN, [this, container](uint32_t) { on_timer(container); });
  write_status(c);
  arm(c, c.state.next_delay(HealthClock::now()));
}

void HealthMonitor::stop(const std::string& container) {
  auto it = checks_.find(container);
  if (it == checks_.end()) return;
  Check& c = *it->second;
  loop_.unwatch_fd(c.timer.get());
  if (c.output) loop_.unwatch_fd(c.output.get());
  // Its reap then finds no check and is ignored; the run's own timeout ends it anyway.
  if (c.pid > 0) ::kill(c.pid, SIGTERM);
  checks_.erase(it);
}

std::optional<std::string> HealthMonitor::status(const std::string& container) const {
  auto it = checks_.find(container);
  if (it == checks_.end()) return std::nullopt;
  return engine::health_status_name(it->second->state.status());
}

void HealthMonitor::arm(Check& c, std::chrono::nanoseconds delay) {
  if (delay.count() <= 0) delay = std::chrono::nanoseconds(1);
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(delay.count() / 1'000'000'000);
  spec.it_value.tv_nsec = static_cast<long>(delay.count() % 1'000'000'000);
  if (::timerfd_settime(c.timer.get(), 0, &spec, nullptr) != 0)
    throw Error::sys("timerfd_settime", c.container, errno);
}

void HealthMonitor::on_timer(const std::string& container) {
  auto it = checks_.find(container);
  if (it == checks_.end()) return;
  Check& c = *it->second;
  uint64_t expirations;
  while (::read(c.timer.get(), &expirations, sizeof expirations) < 0 && errno == EINTR) {
  }
  if (c.pid == 0) {
    launch(c);
    return;
  }
  // The run is past its timeout: it ends it on SIGTERM (killing the test) and is reaped.
  c.result.timed_out = true;
  ::kill(c.pid, SIGTERM);
}

void HealthMonitor::launch(Check& c) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error::sys("pipe", c.container + " healthcheck", errno);
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  std::vector<std::string> argv = {c.target.boxcompose,
                                   "__health-exec",
                                   c.target.project,
                                   c.container,
                                   std::to_string(c.target.spec.timeout.count()),
                                   "--"};
  argv.insert(argv.end(), c.target.spec.argv.begin(), c.target.spec.argv.end());
  c.result = engine::HealthResult{};
  c.result.start = now_text();
  c.result.started_at = HealthClock::now();
  c.text.clear();
  try {
    c.pid = spawn_helper(argv, write_end.get());
  } catch (const std::exception& e) {
    dprintf(2, "boxcompose-supervisor: %s: healthcheck: %s\n", c.container.c_str(), e.what());
    arm(c, c.state.next_delay(HealthClock::now()));
    return;
  }
  ::fcntl(read_end.get(), F_SETFL, O_NONBLOCK);
  c.output = std::move(read_end);
  std::string name = c.container;
  loop_.watch_fd(c.output.get(), EPOLLIN, [this, name](uint32_t) {
    if (auto it = checks_.find(name); it != checks_.end()) on_output(*it->second);
  });
  arm(c, c.target.spec.timeout);
}

void HealthMonitor::on_output(Check& c) {
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(c.output.get(), buf, sizeof buf);
    if (n > 0) {
      // Keep the head, as Docker does; the rest is read and dropped.
      std::size_t room =
          engine::kHealthMaxOutput - std::min(c.text.size(), engine::kHealthMaxOutput);
      c.text.append(buf, std::min<std::size_t>(room, static_cast<std::size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    loop_.unwatch_fd(c.output.get());  // EOF: the test and its children are done writing
    c.output.reset();
    return;
  }
}

bool HealthMonitor::on_child_exit(pid_t pid, int code) {
  for (auto& [name, check] : checks_)
    if (check->pid == pid) {
      finish(*check, code);
      return true;
    }
  return false;
}

void HealthMonitor::finish(Check& c, int code) {
  if (c.output) {
    on_output(c);  // what is left in the pipe
    if (c.output) {
      loop_.unwatch_fd(c.output.get());
      c.output.reset();
    }
  }
  c.pid = 0;
  c.result.end = now_text();
  c.result.exit_code = code;
  c.result.output = c.text;
  if (c.result.timed_out)
    c.result.output = "Health check exceeded timeout (" + go_duration(c.target.spec.timeout) + ")";
  bool changed = c.state.record(std::move(c.result));
  write_status(c);
  arm(c, c.state.next_delay(HealthClock::now()));
  if (changed) on_change_(c.container, engine::health_status_name(c.state.status()));
}

// Temp file and rename: `ps` reads the old status or the new one, never half of one.
void HealthMonitor::write_status(const Check& c) {
  std::filesystem::path tmp = c.target.health_file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    // A check's output is any bytes (cut at a size limit, maybe inside a character):
    // replaced where it is not UTF-8 rather than failing the write.
    out << c.state.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    if (!out.flush()) {
      dprintf(2, "boxcompose-supervisor: write %s failed\n", tmp.c_str());
      return;
    }
  }
  if (::rename(tmp.c_str(), c.target.health_file.c_str()) != 0)
    dprintf(2, "boxcompose-supervisor: rename %s: %s\n", tmp.c_str(), strerror(errno));
}

}  // namespace supervisor
