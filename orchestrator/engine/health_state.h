// A container's healthcheck as Docker runs it: the resolved check (HealthSpec) and the
// pure state machine that turns check results into a status (starting, healthy,
// unhealthy), a failing streak and the last five results, in State.Health's shape. The
// supervisor drives it with real times; tests drive it with made-up ones.
#pragma once

#include <chrono>
#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace engine {

using HealthClock = std::chrono::steady_clock;

// Docker's defaults for what the check leaves unset.
inline constexpr std::chrono::nanoseconds kDefaultHealthInterval = std::chrono::seconds(30);
inline constexpr std::chrono::nanoseconds kDefaultHealthTimeout = std::chrono::seconds(30);
inline constexpr std::chrono::nanoseconds kDefaultHealthStartInterval = std::chrono::seconds(5);
inline constexpr int kDefaultHealthRetries = 3;
// Docker keeps this many results in State.Health.Log, and this much of each one's output.
inline constexpr std::size_t kHealthLogEntries = 5;
inline constexpr std::size_t kHealthMaxOutput = 4096;

struct HealthSpec {
  std::vector<std::string> argv;  // what runs in the container (CMD-SHELL: /bin/sh -c CMD)
  std::chrono::nanoseconds interval = kDefaultHealthInterval;
  std::chrono::nanoseconds timeout = kDefaultHealthTimeout;
  std::chrono::nanoseconds start_period{0};
  std::chrono::nanoseconds start_interval = kDefaultHealthStartInterval;
  int retries = kDefaultHealthRetries;
  bool operator==(const HealthSpec&) const = default;
};

nlohmann::json to_json(const HealthSpec& spec);
// Throws nlohmann::json::exception on a malformed object.
HealthSpec health_spec_from_json(const nlohmann::json& j);

enum class HealthStatus { kStarting, kHealthy, kUnhealthy };
// Docker's words: "starting", "healthy", "unhealthy".
const char* health_status_name(HealthStatus status);

// One run of the check. A check that ran past its timeout was killed: timed_out, and its
// exit code is Docker's -1.
struct HealthResult {
  std::string start, end;  // RFC 3339, for the log
  HealthClock::time_point started_at;
  int exit_code = 0;
  bool timed_out = false;
  std::string output;
};

class HealthState {
 public:
  // `container_started`: when the container's process started (the start period counts
  // from there).
  HealthState(HealthSpec spec, HealthClock::time_point container_started);

  // How long to wait, from `now`, before the next check: start_interval while the
  // container is still starting within its start period, interval otherwise.
  std::chrono::nanoseconds next_delay(HealthClock::time_point now) const;
  // Counts one result. Returns true when the status changed.
  bool record(HealthResult result);

  HealthStatus status() const { return status_; }
  int failing_streak() const { return failing_streak_; }
  const HealthSpec& spec() const { return spec_; }
  // {"Status":..,"FailingStreak":..,"Log":[{"Start","End","ExitCode","Output"}...]}
  nlohmann::json to_json() const;

 private:
  bool in_start_period(HealthClock::time_point t) const;

  HealthSpec spec_;
  HealthClock::time_point container_started_;
  HealthStatus status_ = HealthStatus::kStarting;
  int failing_streak_ = 0;
  std::deque<HealthResult> log_;
};

}  // namespace engine
