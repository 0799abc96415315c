// Merging compose documents as Docker Compose does for several `-f` files and `extends`:
// mappings merge key by key, scalars are replaced, and each list key has its own rule
// (command replaced, ports appended, volumes merged by target, ...).
#pragma once

#include "compose/tree.h"

namespace compose {

// Merges a whole override file into `base`.
void merge_project(Tree& base, const Tree& override_doc);

// Merges one service definition over another (the override's keys win).
void merge_service(Tree& base, const Tree& override_service);

// Rewrites the keys that may be written as a list or as a mapping (environment, labels,
// depends_on, networks, ...) into their mapping form, so that merges work key by key.
void normalize_service_lists(Tree& service);

}  // namespace compose
