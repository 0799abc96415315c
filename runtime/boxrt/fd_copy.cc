#include "boxrt/fd_copy.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace boxrt {
namespace {

// Writes all of `n` bytes, waiting while `fd` is full, unless the other side is gone.
void write_all(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN) {
      pollfd p = {fd, POLLOUT, 0};
      ::poll(&p, 1, 100);
      continue;
    }
    if (w <= 0) return;
    data += w;
    n -= static_cast<std::size_t>(w);
  }
}

}  // namespace

bool copy_available(int from, int to) {
  char buf[8192];
  ssize_t n = ::read(from, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  write_all(to, buf, static_cast<std::size_t>(n));
  return true;
}

}  // namespace boxrt
