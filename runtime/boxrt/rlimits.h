// process.rlimits. A container may lower a limit, never raise a hard one (not every host
// allows it, and boxcompose must behave the same everywhere): that is an error up front.
#pragma once

#include <vector>

#include "boxrt/spec.h"

namespace boxrt {

int rlimit_resource(const std::string& name);  // throws on an unknown name

// Parent side, before clone: a clear error for unknown names, soft > hard, and any hard
// limit above the caller's current hard limit.
void validate_rlimits(const std::vector<Rlimit>& rlimits);

// Child side.
void apply_rlimits(const std::vector<Rlimit>& rlimits);

}  // namespace boxrt
