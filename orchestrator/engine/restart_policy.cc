#include "engine/restart_policy.h"

#include <algorithm>
#include <cctype>

#include "compose/model.h"
#include "engine/error.h"

namespace engine {
namespace {

using Mode = RestartPolicy::Mode;

// "on-failure:N": N >= 0.
int parse_max_retries(const std::string& restart, const std::string& count) {
  bool digits =
      !count.empty() && count.size() < 10 &&
      std::all_of(count.begin(), count.end(), [](unsigned char c) { return std::isdigit(c); });
  if (!digits)
    throw Error("invalid restart policy \"" + restart + "\": " + count + " is not a count");
  return std::stoi(count);
}

RestartPolicy parse_restart(const std::string& restart) {
  RestartPolicy p;
  std::string name = restart.substr(0, restart.find(':'));
  bool has_count = restart.find(':') != std::string::npos;
  if (name == "on-failure") {
    p.mode = Mode::kOnFailure;
    if (has_count)
      p.max_retries = parse_max_retries(restart, restart.substr(restart.find(':') + 1));
    return p;
  }
  if (has_count)
    throw Error("invalid restart policy \"" + restart + "\": only on-failure takes a count");
  if (name.empty() || name == "no") return p;
  if (name == "always")
    p.mode = Mode::kAlways;
  else if (name == "unless-stopped")
    p.mode = Mode::kUnlessStopped;
  else
    throw Error("invalid restart policy \"" + restart +
                "\" (expected no, always, on-failure[:N] or unless-stopped)");
  return p;
}

Mode deploy_mode(const std::string& condition) {
  if (condition == "none") return Mode::kNo;
  if (condition == "on-failure") return Mode::kOnFailure;
  if (condition == "any" || condition.empty()) return Mode::kAlways;
  throw Error("invalid deploy.restart_policy.condition \"" + condition +
              "\" (expected none, on-failure or any)");
}

Mode mode_from_name(const std::string& name) {
  for (Mode m : {Mode::kNo, Mode::kAlways, Mode::kOnFailure, Mode::kUnlessStopped})
    if (name == restart_mode_name(m)) return m;
  throw Error("unknown restart mode \"" + name + "\"");
}

}  // namespace

RestartPolicy parse_restart_policy(const std::string& restart,
                                   const compose::RestartPolicy* deploy) {
  RestartPolicy p = parse_restart(restart);
  if (!deploy) return p;
  RestartPolicy d;
  d.mode = deploy_mode(deploy->condition);
  if (deploy->max_attempts)
    d.max_retries = static_cast<int>(std::max<int64_t>(0, *deploy->max_attempts));
  if (deploy->delay) d.delay = *deploy->delay;
  return d;
}

const char* restart_mode_name(Mode mode) {
  switch (mode) {
    case Mode::kNo:
      return "no";
    case Mode::kAlways:
      return "always";
    case Mode::kOnFailure:
      return "on-failure";
    case Mode::kUnlessStopped:
      return "unless-stopped";
  }
  return "no";
}

nlohmann::json to_json(const RestartPolicy& policy) {
  nlohmann::json j{{"mode", restart_mode_name(policy.mode)}, {"max_retries", policy.max_retries}};
  if (policy.delay) j["delay_ns"] = policy.delay->count();
  return j;
}

RestartPolicy restart_policy_from_json(const nlohmann::json& j) {
  RestartPolicy p;
  p.mode = mode_from_name(j.at("mode").get<std::string>());
  p.max_retries = j.value("max_retries", 0);
  if (j.contains("delay_ns")) p.delay = std::chrono::nanoseconds(j.at("delay_ns").get<int64_t>());
  return p;
}

bool should_restart(const RestartPolicy& policy, int exit_code, int restarts) {
  switch (policy.mode) {
    case Mode::kNo:
      return false;
    case Mode::kAlways:
    case Mode::kUnlessStopped:
      return true;
    case Mode::kOnFailure:
      return exit_code != 0 && (policy.max_retries == 0 || restarts < policy.max_retries);
  }
  return false;
}

std::chrono::nanoseconds RestartBackoff::next(std::chrono::nanoseconds ran_for) {
  if (delay_) return *delay_;
  // As Docker's restart manager: a container that ran long enough starts the back-off over.
  if (ran_for >= kRestartBackoffReset) current_ = std::chrono::nanoseconds(0);
  if (current_.count() == 0)
    current_ = kRestartBackoffStart;
  else
    current_ = std::min<std::chrono::nanoseconds>(current_ * 2, kRestartBackoffMax);
  return current_;
}

}  // namespace engine
