// Relative host paths in a compose file (build contexts, env files, bind mounts, secret and
// config files, extends files) are made absolute early, against the directory they are
// relative to, so that merging files from different directories keeps their meaning.
#pragma once

#include <string>

#include "compose/tree.h"

namespace compose {

// Joins and normalizes ("a/./b/../c" -> "a/c"); `~` and `~/x` expand to `home`.
std::string absolute_path(const std::string& base_dir, const std::string& path,
                          const std::string& home);

void resolve_service_paths(Tree& service, const std::string& base_dir, const std::string& home);

// Every service plus top-level secrets and configs.
void resolve_document_paths(Tree& doc, const std::string& base_dir, const std::string& home);

}  // namespace compose
