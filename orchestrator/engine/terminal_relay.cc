#include "engine/terminal_relay.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "boxrt/console.h"
#include "boxrt/container.h"
#include "boxrt/fd_copy.h"
#include "engine/error.h"
#include "engine/exec.h"
#include "engine/interrupts.h"

namespace engine {
namespace {

using boxrt::copy_available;

// Exited, without reaping it (the exit status stays for wait_exit_code).
bool exited(pid_t pid) {
  siginfo_t info = {};
  return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid;
}

// What the process wrote before it exited; bounded, as a daemon it left behind in the
// container may keep writing.
void drain(int master) {
  for (int i = 0; i < 256; ++i) {
    pollfd p = {master, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0 || !copy_available(master, 1)) return;
  }
}

// SIGPIPE ignored while it lives: a closed stdout ends the relay (EPIPE) instead of
// killing us with the local terminal still raw.
class SigpipeIgnored {
 public:
  SigpipeIgnored() {
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &old_);
  }
  ~SigpipeIgnored() { ::sigaction(SIGPIPE, &old_, nullptr); }
  SigpipeIgnored(const SigpipeIgnored&) = delete;
  SigpipeIgnored& operator=(const SigpipeIgnored&) = delete;

 private:
  struct sigaction old_ = {};
};

}  // namespace

bool wants_terminal(bool no_tty) {
  return !no_tty && ::isatty(0) == 1;
}

TerminalRelay::TerminalRelay() {
  char tmpl[] = "/tmp/boxcompose-console-XXXXXX";
  if (!::mkdtemp(tmpl)) throw Error::sys("mkdtemp", tmpl, errno);
  dir_ = tmpl;
  path_ = dir_ + "/console.sock";
  listener_ = boxrt::UniqueFd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listener_) throw Error::sys("socket", "console", errno);
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
  if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 ||
      ::listen(listener_.get(), 1) < 0)
    throw Error::sys("listen on", path_, errno);
}

TerminalRelay::~TerminalRelay() {
  restore_terminal();
  ::unlink(path_.c_str());
  ::rmdir(dir_.c_str());
}

void TerminalRelay::restore_terminal() {
  if (raw_) ::tcsetattr(0, TCSANOW, &saved_);
  raw_ = false;
}

void TerminalRelay::receive() {
  // The runtime connected and sent the master before create/exec returned: no blocking.
  boxrt::UniqueFd conn(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!conn) throw Error::sys("accept on", path_, errno);
  master_ = boxrt::recv_fd(conn.get());
  listener_.reset();
  if (::isatty(0) && ::tcgetattr(0, &saved_) == 0) {
    struct termios raw = saved_;
    ::cfmakeraw(&raw);
    raw_ = ::tcsetattr(0, TCSANOW, &raw) == 0;
  }
  sync_size();
}

// Polled rather than on SIGWINCH: under the supervisor (`run`) we are not in the
// terminal's foreground process group, so the signal never reaches us.
void TerminalRelay::sync_size() {
  struct winsize ws = {};
  if (!::isatty(0) || ::ioctl(0, TIOCGWINSZ, &ws) < 0) return;
  if (ws.ws_row == size_.ws_row && ws.ws_col == size_.ws_col) return;
  size_ = ws;
  ::ioctl(master_.get(), TIOCSWINSZ, &ws);
}

int TerminalRelay::relay(pid_t pid) {
  // Taken, not left to end us: passed on to the process, whose exit ends the relay.
  InterruptSignals signals = forwarded_signals();
  SigpipeIgnored no_sigpipe;
  boxrt::UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  int master = master_.get();
  ::fcntl(master, F_SETFL, ::fcntl(master, F_GETFL) | O_NONBLOCK);
  bool stdin_open = true, master_open = true;
  // A daemon of the container may keep the slave open and writing: the process's exit
  // decides, checked on every round.
  while (master_open && !exited(pid)) {
    pollfd fds[4] = {{master, POLLIN, 0},
                     {stdin_open ? 0 : -1, POLLIN, 0},
                     {signals.fd(), POLLIN, 0},
                     {pidfd.get(), POLLIN, 0}};
    int n = ::poll(fds, 4, 100);
    if (n < 0 && errno != EINTR) throw Error::sys("poll", "the terminal", errno);
    sync_size();
    if (n <= 0) continue;
    if (fds[0].revents) master_open = copy_available(master, 1);
    if (stdin_open && fds[1].revents) stdin_open = copy_available(0, master);
    if (fds[2].revents)
      if (int sig = signals.take()) ::kill(pid, sig);
  }
  drain(master);
  restore_terminal();
  return wait_forwarding_signals(pid, signals);
}

}  // namespace engine
