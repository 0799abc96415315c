// CVE-2019-5736: a process of a container must never be able to open the host's
// boxcompose binary for writing through /proc/<pid>/exe. The verbs that put processes
// into containers (the container's init is a clone of this process, `exec` joins a
// running one) re-exec first through a read-only, detached clone of the binary, as boxrun
// does (boxrt/sealed_exe.h).
#pragma once

#include <string>

namespace cli {

// True for the verbs that clone or exec into containers.
bool enters_containers(const std::string& verb);

// A process exec'd from a file descriptor is named after the descriptor ("3"): named
// after argv[0] again, so that ps, top and pgrep see boxcompose. Harmless otherwise.
void keep_process_name(const char* argv0);

// Re-execs `argv` from the read-only clone unless already running from one; the binary's
// real path goes along in the environment (engine::self_executable), since /proc/self/exe
// of the clone names no path. Returns only when nothing had to be done.
void reexec_sealed(char** argv);

}  // namespace cli
