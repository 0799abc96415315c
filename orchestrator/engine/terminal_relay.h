// A process with a pseudo-terminal (`exec`/`run` without -T when stdin is a terminal): the
// runtime sends the pty master to a console socket of ours (process.terminal); we put the
// local terminal in raw mode, copy stdin -> master -> stdout until the process exits, keep
// the pty's window size equal to ours, and restore the local terminal when the process
// exits, on the signals that would end us (passed on to it), and on our errors (the
// destructor). SIGKILL cannot be caught: `stty sane` then.
#pragma once

#include <sys/ioctl.h>
#include <sys/types.h>
#include <termios.h>

#include <string>

#include "boxrt/fd.h"

namespace engine {

class TerminalRelay {
 public:
  // Listens on a fresh socket in a private directory under /tmp.
  TerminalRelay();
  ~TerminalRelay();  // restores the local terminal, removes the socket
  TerminalRelay(const TerminalRelay&) = delete;
  TerminalRelay& operator=(const TerminalRelay&) = delete;

  // What to give the runtime as ExecOptions/CreateOptions::console_socket.
  const std::string& socket_path() const { return path_; }
  // After the runtime's create or exec returned (the master is already queued on the
  // socket): takes the master, puts stdin's terminal in raw mode, copies its size.
  void receive();
  // Copies until `pid` (a child of ours) exits; reaps it and returns its exit code (128 +
  // signal when killed). SIGINT, SIGTERM, SIGHUP and SIGQUIT meanwhile go to the process
  // and SIGPIPE is ignored, so the local terminal is restored whichever ends it.
  int relay(pid_t pid);

 private:
  void sync_size();
  void restore_terminal();

  std::string dir_, path_;
  boxrt::UniqueFd listener_, master_;
  struct termios saved_ = {};
  bool raw_ = false;
  struct winsize size_ = {};
};

// True when `exec`/`run` should give the process a terminal: stdin is one and -T was not
// given (as docker compose decides).
bool wants_terminal(bool no_tty);

}  // namespace engine
