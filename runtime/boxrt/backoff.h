// Waiting for the kernel to finish something it does asynchronously (a killed task
// leaving its cgroup, a cgroup becoming removable): first checks come quickly, since
// the usual wait is tens of microseconds, then they slow down to a few milliseconds.
#pragma once

#include <algorithm>
#include <chrono>
#include <thread>

namespace boxrt {

class Backoff {
 public:
  explicit Backoff(std::chrono::milliseconds limit) : deadline_(Clock::now() + limit) {}

  // Sleeps for the next step; false once the limit has passed.
  bool wait() {
    if (Clock::now() >= deadline_) return false;
    std::this_thread::sleep_for(step_);
    step_ = std::min(step_ * 2, std::chrono::microseconds(5000));
    return true;
  }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point deadline_;
  std::chrono::microseconds step_{20};
};

}  // namespace boxrt
