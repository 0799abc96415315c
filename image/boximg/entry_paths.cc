#include "boximg/entry_paths.h"

#include <cerrno>

#include "boximg/error.h"

namespace image {

std::string normalize_entry_path(std::string_view path) {
  if (!path.empty() && path.front() == '/')
    throw Error("refusing absolute path \"" + std::string(path) + "\" in layer", EPERM);
  std::string out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..")
      throw Error("refusing path \"" + std::string(path) + "\" in layer: it contains \"..\"",
                  EPERM);
    if (!out.empty()) out += '/';
    out.append(part);
  }
  return out;
}

void EntryPathChecker::check_ancestors(const std::string& path, std::string_view raw) const {
  for (std::size_t slash = path.find('/'); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    if (symlinks_.count(path.substr(0, slash)))
      throw Error("refusing \"" + std::string(raw) + "\" in layer: it lies below the symlink \"" +
                      path.substr(0, slash) + "\" made by an earlier entry",
                  EPERM);
  }
}

std::string EntryPathChecker::check_link_target(std::string_view target) const {
  std::string normal = normalize_entry_path(target);
  if (normal.empty()) throw Error("refusing a hard link to the layer's root", EPERM);
  check_ancestors(normal, target);
  return normal;
}

std::string EntryPathChecker::check(std::string_view path, bool is_symlink,
                                    std::string_view hardlink) {
  std::string normal = normalize_entry_path(path);
  check_ancestors(normal, path);
  if (!hardlink.empty()) is_symlink = symlinks_.count(check_link_target(hardlink)) > 0;
  if (is_symlink)
    symlinks_.insert(normal);
  else
    symlinks_.erase(normal);
  return normal;
}

}  // namespace image
