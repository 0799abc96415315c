// Protection of the runtime binary against a container overwriting it through
// /proc/<pid>/exe (CVE-2019-5736): before entering any container, the process re-execs
// itself through a read-only, detached bind mount of its binary (open_tree +
// mount_setattr: no copy), or, where that is not allowed, from a sealed memfd copy. Either
// way /proc/self/exe no longer names a file a container could open for writing.
#pragma once

namespace boxrt {

// True when /proc/self/exe is on a read-only mount or is a memfd sealed against writes.
bool running_from_sealed_copy();

// Re-execs through a read-only clone (or sealed copy) unless already running from one.
// Returns only when nothing had to be done; throws Error when no clone can be made.
void reexec_from_sealed_copy(char** argv);

}  // namespace boxrt
