// A service's restart policy, from `restart:` or `deploy.restart_policy` (which wins, as in
// Docker Compose), and Docker's rules for applying it when a container exits: whether to
// restart, and after how long (back-off from 100 ms, doubling up to one minute, back to
// the start once the container had run for 10 seconds). Pure: the supervisor applies it.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace compose {
struct RestartPolicy;
}

namespace engine {

struct RestartPolicy {
  enum class Mode { kNo, kAlways, kOnFailure, kUnlessStopped };
  Mode mode = Mode::kNo;
  int max_retries = 0;  // on-failure:N; 0: no limit
  // deploy.restart_policy.delay: the wait before each restart instead of the back-off.
  std::optional<std::chrono::nanoseconds> delay;
  bool operator==(const RestartPolicy&) const = default;
};

inline constexpr std::chrono::milliseconds kRestartBackoffStart{100};
inline constexpr std::chrono::minutes kRestartBackoffMax{1};
inline constexpr std::chrono::seconds kRestartBackoffReset{10};

// `restart` ("no", "always", "on-failure[:N]", "unless-stopped", "" for no) and
// deploy.restart_policy (may be null). Throws Error on a value it does not know.
RestartPolicy parse_restart_policy(const std::string& restart,
                                   const compose::RestartPolicy* deploy);

// "no", "always", "on-failure", "unless-stopped".
const char* restart_mode_name(RestartPolicy::Mode mode);
nlohmann::json to_json(const RestartPolicy& policy);
RestartPolicy restart_policy_from_json(const nlohmann::json& j);

// Whether a container that exited with `exit_code`, after `restarts` restarts so far, is
// started again. (A container the user stopped never is; the caller knows that.)
bool should_restart(const RestartPolicy& policy, int exit_code, int restarts);

// The wait before each restart of one container.
class RestartBackoff {
 public:
  explicit RestartBackoff(const RestartPolicy& policy) : delay_(policy.delay) {}
  // The wait before restarting a container that had run for `ran_for`.
  std::chrono::nanoseconds next(std::chrono::nanoseconds ran_for);

 private:
  std::optional<std::chrono::nanoseconds> delay_;
  std::chrono::nanoseconds current_{0};
};

}  // namespace engine
