// The runtime's side of the start fifo (StateStore::start_fifo), shared by start and a
// create that starts at once.
#pragma once

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "boxrt/error.h"
#include "boxrt/os_error.h"
#include "boxrt/fd.h"

namespace boxrt {

// start's side of the start fifo: after the go byte the init either writes why it
// failed (a startContainer hook, exec) and exits, or exec's, closing its end.
class StartWatch {
 public:
  explicit StartWatch(const std::string& path) {
    fd_ = UniqueFd(open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fd_) {
      if (errno == ENOENT) return;  // made by an older boxrun: nothing to wait for
      throw os_error("open", path, errno);
    }
    // A FIFO reader gets POLLHUP only for writers that opened after it did: one that
    // comes and goes here makes the init's close (exec or exit) wake poll.
    UniqueFd writer(open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
  }

  // "" once the init has exec'd, else its message.
  std::string wait() {
    std::string msg;
    while (fd_) {
      char buf[PIPE_BUF];
      ssize_t n = read(fd_.get(), buf, sizeof buf);
      if (n > 0) {
        msg.append(buf, static_cast<size_t>(n));
      } else if (n == 0) {
        break;
      } else if (errno == EAGAIN) {
        struct pollfd p = {fd_.get(), POLLIN, 0};
        poll(&p, 1, 100);  // the timeout is only a safety net for a missing POLLHUP
      } else if (errno != EINTR) {
        throw os_error("read", "the start fifo", errno);
      }
    }
    return msg;
  }

 private:
  UniqueFd fd_;
};

}  // namespace boxrt
