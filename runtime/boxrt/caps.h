// process.capabilities with libcap: bounding set before the uid switch, the other four
// sets after it (with PR_SET_KEEPCAPS in between so that a non-root user keeps them).
#pragma once

#include "boxrt/spec.h"

namespace boxrt {

// Throws on a name libcap does not know. Capabilities the running kernel lacks are
// skipped, as runc does.
void validate_capabilities(const Capabilities& caps);

// Child side, while still privileged: drop what is not in the bounding set, and keep
// the permitted set across the coming setuid.
void drop_bounding_set(const Capabilities& caps);

// Child side, after switch_user.
void apply_capabilities(const Capabilities& caps);

}  // namespace boxrt
