// Attached `up` (no -d): every container's output with compose's prefixes, in arrival
// order, until they have all exited; then Docker Compose's endings:
//   Ctrl-C or SIGTERM       "Gracefully stopping... (press Ctrl+C again to force)", stop in
//                           reverse dependency order, exit 0; a second one kills at once.
//   --abort-on-container-exit     the first exit stops every container
//   --abort-on-container-failure  the first non-zero exit does
//   --exit-code-from SERVICE      implies --abort-on-container-exit; exits with SERVICE's code
// Without either, the exit code is 0; with them, the code of the container that caused the
// abort (or of SERVICE's).
#pragma once

#include <string>
#include <vector>

#include "cli/project_ref.h"
#include "engine/output_logs.h"

namespace cli {

struct AttachOptions {
  engine::LogFormatOptions format;
  bool abort_on_exit = false;
  bool abort_on_failure = false;
  std::string exit_code_from;         // a service name, or ""
  std::vector<std::string> services;  // the services `up` was asked for; empty: all
  ProgressFlags progress;
};

// Returns the exit code for `up`.
int attach_up(const engine::Paths& paths, const ProjectRef& ref, const AttachOptions& opts);

}  // namespace cli
