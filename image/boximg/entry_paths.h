// What keeps a layer inside its directory: every archive path is checked before anything
// is written. Refused: absolute paths, any ".." component, and any path (or hard-link
// target) below a symlink that an earlier entry of the same archive made (the
// "symlink, then a file through it" trick). libarchive's ARCHIVE_EXTRACT_SECURE_* flags
// check the same on disk when unpacking; this check also runs on import, so a hostile
// tarball is refused before it is stored.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

namespace image {

// "./a//b/" -> "a/b"; "." and "./" -> "" (the root). Throws Error for an absolute path or
// a ".." component.
std::string normalize_entry_path(std::string_view path);

class EntryPathChecker {
 public:
  // Checks the entry at `path` (raw, from the archive) and returns it normalized.
  // `hardlink` is the entry's hard-link target ("" if none).
  std::string check(std::string_view path, bool is_symlink, std::string_view hardlink = {});
  // Normalizes and checks a hard-link target the same way.
  std::string check_link_target(std::string_view target) const;

 private:
  void check_ancestors(const std::string& path, std::string_view raw) const;

  std::unordered_set<std::string> symlinks_;  // normalized paths that are symlinks now
};

}  // namespace image
