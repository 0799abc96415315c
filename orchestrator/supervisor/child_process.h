// Helper processes the supervisor starts for its parts (a healthcheck run, a restart):
// `boxcompose` hidden verbs, run as its children so it reaps them in its one loop.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace supervisor {

// Forks and execs argv (argv[0] an absolute path) with stdin on /dev/null, stdout and
// stderr on `output` (-1: the supervisor's own stderr, its log), the supervisor's
// environment and no other descriptor. Returns the child's pid; throws Error.
pid_t spawn_helper(const std::vector<std::string>& argv, int output);

// The supervisor raises its own soft limit on open files to the hard one (every proxied
// connection and healthcheck takes descriptors); what it starts gets the limit it was
// started with back, so containers see the limits they would have without it.
void raise_fd_limit();
void restore_fd_limit();  // in a forked child, before exec

}  // namespace supervisor
