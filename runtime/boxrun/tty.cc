// Foreground process.terminal (`run` or `exec` without --detach): boxrun is its own
// console socket receiver, as runc's tty.go is. It listens on a private socket, takes the
// pty master the container sends, puts its own terminal (when stdin is one) in raw mode,
// and copies stdin -> master -> stdout until the process exits.
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "boxrt/console.h"
#include "boxrt/error.h"
#include "boxrt/fd_copy.h"
#include "boxrt/os_error.h"
#include "verbs.h"

namespace boxrun {
namespace {

using boxrt::copy_available;

bool exited(pid_t pid) {
  siginfo_t info = {};
  // WNOWAIT: leave the exit status for wait_exit_code.
  return waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid;
}

}  // namespace

ForegroundConsole::ForegroundConsole() {
  char tmpl[] = "/tmp/boxrun-console-XXXXXX";
  if (!mkdtemp(tmpl)) throw boxrt::os_error("mkdtemp", tmpl, errno);
  dir_ = tmpl;
  path_ = dir_ + "/console.sock";
  listener_ = boxrt::UniqueFd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listener_) throw boxrt::os_error("socket", "for the console", errno);
  struct sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
  if (bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 ||
      listen(listener_.get(), 1) < 0)
    throw boxrt::os_error("listen on", path_, errno);
}

ForegroundConsole::~ForegroundConsole() {
  if (raw_) tcsetattr(0, TCSANOW, &saved_);
  unlink(path_.c_str());
  rmdir(dir_.c_str());
}

void ForegroundConsole::receive() {
  // The container connected during create; accept never blocks here.
  boxrt::UniqueFd conn(accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!conn) throw boxrt::os_error("accept on", path_, errno);
  master_ = boxrt::recv_fd(conn.get());
  listener_.reset();
  if (isatty(0) && tcgetattr(0, &saved_) == 0) {
    struct termios raw = saved_;
    cfmakeraw(&raw);
    raw_ = tcsetattr(0, TCSANOW, &raw) == 0;
  }
  sync_size();
}

void ForegroundConsole::sync_size() {
  struct winsize ws = {};
  if (!isatty(0) || ioctl(0, TIOCGWINSZ, &ws) < 0) return;
  if (ws.ws_row == size_.ws_row && ws.ws_col == size_.ws_col) return;
  size_ = ws;
  ioctl(master_.get(), TIOCSWINSZ, &ws);
}

int ForegroundConsole::proxy(pid_t pid) {
  int master = master_.get();
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  bool stdin_open = true, master_open = true;
  while (master_open) {
    struct pollfd fds[2] = {{master, POLLIN, 0}, {stdin_open ? 0 : -1, POLLIN, 0}};
    int n = poll(fds, 2, 100);
    if (n < 0 && errno != EINTR) throw boxrt::os_error("poll", "the console", errno);
    sync_size();  // the terminal was resized (SIGWINCH only interrupts the poll)
    if (fds[0].revents) master_open = copy_available(master, 1);
    if (stdin_open && fds[1].revents) stdin_open = copy_available(0, master);
    // A daemon of the container may keep the slave open: the process's exit decides.
    if (n == 0 && exited(pid)) {
      while (copy_available(master, 1)) {
        struct pollfd p = {master, POLLIN, 0};
        if (poll(&p, 1, 0) <= 0) break;
      }
      break;
    }
  }
  return boxrt::wait_exit_code(pid);
}

}  // namespace boxrun
