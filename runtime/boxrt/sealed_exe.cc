#include "boxrt/sealed_exe.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "boxrt/error.h"
#include "boxrt/fd.h"

extern char** environ;

namespace boxrt {

bool running_from_sealed_copy() {
  UniqueFd self(open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
  if (!self) return false;
  int seals = fcntl(self.get(), F_GET_SEALS);
  return seals >= 0 && (seals & F_SEAL_WRITE) && (seals & F_SEAL_SEAL);
}

void reexec_from_sealed_copy(char** argv) {
  if (running_from_sealed_copy()) return;
  UniqueFd self(open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
  if (!self) throw Error::sys("open", "/proc/self/exe", errno);
  struct stat st;
  check_sys(fstat(self.get(), &st), "stat", "/proc/self/exe");
  UniqueFd copy(memfd_create("boxrun", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!copy) throw Error::sys("memfd_create", "boxrun", errno);
  off_t off = 0;
  while (off < st.st_size) {
    ssize_t n = sendfile(copy.get(), self.get(), &off, st.st_size - off);
    if (n <= 0) throw Error::sys("copy", "/proc/self/exe into a memfd", n < 0 ? errno : EIO);
  }
  check_sys(fcntl(copy.get(), F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE),
            "seal", "the memfd copy of boxrun");
  fexecve(copy.get(), argv, environ);
  throw Error::sys("re-exec from", "the sealed memfd copy", errno);
}

}  // namespace boxrt
