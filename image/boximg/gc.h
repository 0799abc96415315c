// Garbage collection of the store: what no tag reaches goes (blobs, unpacked layers,
// whiteout records), as do leftovers of writes a crash interrupted.
#pragma once

#include "boximg/layout.h"
#include "boximg/store.h"

namespace image {

// Caller holds the store's exclusive lock (so nothing in tmp/ is still being written).
// Throws Error, having removed nothing, when a tagged image's manifest or config cannot
// be read: what it references cannot be known then.
GcReport collect_garbage_locked(const Layout& layout);

}  // namespace image
