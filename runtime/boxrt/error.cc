#include "boxrt/error.h"

#include <cerrno>
#include <cstring>

#include "boxrt/os_error.h"

namespace boxrt {

Error Error::sys(std::string_view what, std::string_view on, int err) {
  std::string msg(what);
  if (!on.empty()) {
    msg += ' ';
    msg += on;
  }
  msg += ": ";
  msg += errno_name(err);
  return Error(msg, err);
}

Error os_error(std::string_view what, std::string_view on, int err) {
  return Error::sys(what, on, err);
}

long check_os(long rc, std::string_view what, std::string_view on) {
  if (rc < 0) throw os_error(what, on, errno);
  return rc;
}

std::string errno_name(int err) {
  if (const char* name = strerrorname_np(err)) return name;
  return "errno " + std::to_string(err);
}

Error Error::with_context(std::string_view context) const {
  return Error(std::string(context) + ": " + what(), errno_);
}

long check_sys(long rc, std::string_view what, std::string_view on) {
  if (rc < 0) throw Error::sys(what, on, errno);
  return rc;
}

}  // namespace boxrt
