// Protection of the runtime binary against a container overwriting it through
// /proc/<pid>/exe (CVE-2019-5736): before entering any container, the process re-execs
// itself from a sealed memfd copy, so /proc/self/exe no longer names a file of the host.
#pragma once

namespace boxrt {

// True when /proc/self/exe is a memfd sealed against writes.
bool running_from_sealed_copy();

// Re-execs from a sealed memfd copy unless already running from one. Returns only
// when nothing had to be done; throws Error when the copy cannot be made.
void reexec_from_sealed_copy(char** argv);

}  // namespace boxrt
