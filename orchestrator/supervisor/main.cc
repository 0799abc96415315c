// boxcompose-supervisor DIR [READY_FD]: the per-project supervisor (supervisor.h). Started by
// the CLI in a new session, with its stdio on /dev/null and a log file.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "supervisor/supervisor.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: boxcompose-supervisor PROJECT_STATE_DIR [READY_FD]\n");
    return 2;
  }
  int ready_fd = argc == 3 ? std::atoi(argv[2]) : -1;
  try {
    return supervisor::Supervisor(argv[1]).run(ready_fd);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "boxcompose-supervisor: %s\n", e.what());
    return 1;
  }
}
