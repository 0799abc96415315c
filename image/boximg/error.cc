#include "boximg/error.h"

#include <cerrno>
#include <cstring>

namespace image {

Error Error::sys(std::string_view what, std::string_view on, int err) {
  std::string msg(what);
  if (!on.empty()) {
    msg += ' ';
    msg += on;
  }
  msg += ": ";
  msg += std::strerror(err);
  return Error(msg, err);
}

Error Error::with_context(std::string_view context) const {
  return Error(std::string(context) + ": " + what(), code_);
}

ImageNotFound::ImageNotFound(const std::string& reference)
    : Error("image \"" + reference + "\" not found locally (try: boxcompose image import ...)",
            ENOENT),
      reference_(reference) {}

long check_sys(long rc, std::string_view what, std::string_view on) {
  if (rc < 0) throw Error::sys(what, on, errno);
  return rc;
}

}  // namespace image
