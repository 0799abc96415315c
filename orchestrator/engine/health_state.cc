#include "engine/health_state.h"

#include <utility>

namespace engine {

using nlohmann::json;

nlohmann::json to_json(const HealthSpec& spec) {
  return {{"argv", spec.argv},
          {"interval_ns", spec.interval.count()},
          {"timeout_ns", spec.timeout.count()},
          {"start_period_ns", spec.start_period.count()},
          {"start_interval_ns", spec.start_interval.count()},
          {"retries", spec.retries}};
}

HealthSpec health_spec_from_json(const nlohmann::json& j) {
  HealthSpec spec;
  spec.argv = j.at("argv").get<std::vector<std::string>>();
  spec.interval = std::chrono::nanoseconds(j.at("interval_ns").get<int64_t>());
  spec.timeout = std::chrono::nanoseconds(j.at("timeout_ns").get<int64_t>());
  spec.start_period = std::chrono::nanoseconds(j.at("start_period_ns").get<int64_t>());
  spec.start_interval = std::chrono::nanoseconds(j.at("start_interval_ns").get<int64_t>());
  spec.retries = j.at("retries").get<int>();
  return spec;
}

const char* health_status_name(HealthStatus status) {
  switch (status) {
    case HealthStatus::kStarting:
      return "starting";
    case HealthStatus::kHealthy:
      return "healthy";
    case HealthStatus::kUnhealthy:
      return "unhealthy";
  }
  return "starting";
}

HealthState::HealthState(HealthSpec spec, HealthClock::time_point container_started)
    : spec_(std::move(spec)), container_started_(container_started) {}

bool HealthState::in_start_period(HealthClock::time_point t) const {
  return t - container_started_ < spec_.start_period;
}

std::chrono::nanoseconds HealthState::next_delay(HealthClock::time_point now) const {
  if (status_ == HealthStatus::kStarting && in_start_period(now)) return spec_.start_interval;
  return spec_.interval;
}

bool HealthState::record(HealthResult result) {
  HealthStatus before = status_;
  if (result.exit_code == 0 && !result.timed_out) {
    failing_streak_ = 0;
    status_ = HealthStatus::kHealthy;
  } else if (status_ != HealthStatus::kStarting || !in_start_period(result.started_at)) {
    // Failures while still starting within the start period do not count (Docker's
    // grace for slow starters); a success there ends the start period early.
    if (++failing_streak_ >= spec_.retries) status_ = HealthStatus::kUnhealthy;
  }
  if (result.output.size() > kHealthMaxOutput) result.output.resize(kHealthMaxOutput);
  log_.push_back(std::move(result));
  while (log_.size() > kHealthLogEntries)
    log_.pop_front();
  return status_ != before;
}

nlohmann::json HealthState::to_json() const {
  json log = json::array();
  for (const auto& r : log_)
    log.push_back({{"Start", r.start},
                   {"End", r.end},
                   {"ExitCode", r.timed_out ? -1 : r.exit_code},
                   {"Output", r.output}});
  return {
      {"Status", health_status_name(status_)}, {"FailingStreak", failing_streak_}, {"Log", log}};
}

}  // namespace engine
