#include "boximg/lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

#include "boximg/error.h"

namespace image {

StoreLock::StoreLock(const std::filesystem::path& file, Mode mode) : mode_(mode) {
  fd_.reset(open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd_) throw Error::sys("open", file.string(), errno);
  int op = mode == Mode::kShared ? LOCK_SH : LOCK_EX;
  while (flock(fd_.get(), op) != 0) {
    if (errno != EINTR) throw Error::sys("lock", file.string(), errno);
  }
}

}  // namespace image
