// SIGINT and SIGTERM as a readable fd, for a poll loop that must notice Ctrl-C (or a
// `kill`) without a signal handler: blocked while the object lives, restored after.
#pragma once

#include <signal.h>

#include <initializer_list>

#include "boxrt/fd.h"

namespace engine {

class InterruptSignals {
 public:
  InterruptSignals();
  // These signals instead (exec's relay passes on SIGHUP and SIGQUIT too).
  explicit InterruptSignals(std::initializer_list<int> signals);
  ~InterruptSignals();
  InterruptSignals(const InterruptSignals&) = delete;
  InterruptSignals& operator=(const InterruptSignals&) = delete;

  int fd() const { return fd_.get(); }
  // The signal that arrived (0 if none is pending).
  int take();

 private:
  sigset_t old_;
  boxrt::UniqueFd fd_;
};

}  // namespace engine
