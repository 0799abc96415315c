#include "engine/interrupts.h"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

#include "engine/error.h"

namespace engine {

InterruptSignals::InterruptSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  ::sigprocmask(SIG_BLOCK, &set, &old_);
  fd_.reset(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!fd_) throw Error::sys("signalfd", "SIGINT/SIGTERM", errno);
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
