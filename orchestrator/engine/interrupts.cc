#include "engine/interrupts.h"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

#include "engine/error.h"

namespace engine {

InterruptSignals::InterruptSignals() : InterruptSignals({SIGINT, SIGTERM}) {}

InterruptSignals::InterruptSignals(std::initializer_list<int> signals) {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : signals)
    sigaddset(&set, sig);
  ::sigprocmask(SIG_BLOCK, &set, &old_);
  fd_.reset(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!fd_) {
    int err = errno;
    ::sigprocmask(SIG_SETMASK, &old_, nullptr);
    throw Error::sys("signalfd", "signals to handle", err);
  }
}

InterruptSignals::~InterruptSignals() {
  fd_.reset();
  ::sigprocmask(SIG_SETMASK, &old_, nullptr);
}

int InterruptSignals::take() {
  signalfd_siginfo info;
  if (::read(fd_.get(), &info, sizeof info) != sizeof info) return 0;
  return static_cast<int>(info.ssi_signo);
}

}  // namespace engine
