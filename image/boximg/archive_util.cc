#include "boximg/archive_util.h"

#include "boximg/error.h"

namespace image {

int check_archive(int rc, archive* a, std::string_view what, std::string_view on) {
  if (rc >= ARCHIVE_WARN) return rc;
  std::string msg(what);
  if (!on.empty()) msg += " " + std::string(on);
  const char* why = archive_error_string(a);
  msg += ": ";
  msg += why ? why : "libarchive failed";
  throw Error(msg, archive_errno(a) > 0 ? archive_errno(a) : 0);
}

std::string entry_path(archive_entry* e) {
  const char* p = archive_entry_pathname(e);
  return p ? p : "";
}

}  // namespace image
