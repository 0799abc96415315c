// Undo steps run in reverse unless the caller commits: whatever a failure halfway through
// made is removed again, and the first error is the one reported.
#pragma once

#include <functional>
#include <utility>
#include <vector>

namespace net {

class Rollback {
 public:
  Rollback() = default;
  Rollback(const Rollback&) = delete;
  Rollback& operator=(const Rollback&) = delete;
  ~Rollback() {
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
      try {
        (*it)();
      } catch (...) {
        // Best effort: the error being unwound is the one worth reporting.
      }
    }
  }

  void add(std::function<void()> step) { undo_.push_back(std::move(step)); }
  void commit() { undo_.clear(); }

 private:
  std::vector<std::function<void()>> undo_;
};

}  // namespace net
