// What the lifecycle verbs share: which project they act on, how they report progress,
// and how a verb that starts containers hands itself to the project's supervisor.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/global_options.h"
#include "compose/model.h"
#include "engine/paths.h"
#include "engine/reporter.h"

namespace cli {

// The project a verb acts on: loaded from the compose file, or, for verbs that can work
// from the state alone (down, ps, logs, stop, ...), just its name from -p when there is no
// file to load.
struct ProjectRef {
  std::string name;
  std::optional<compose::Project> project;
};
ProjectRef load_project(const GlobalOptions& global);
ProjectRef load_project_or_name(const GlobalOptions& global);

struct ProgressFlags {
  std::string progress = "auto";  // auto, tty, plain, quiet
};
void add_progress_flag(CLI::App& verb, ProgressFlags& flags);

// A Reporter drawing Docker Compose's progress view on stdout's terminal, or plain lines
// on stderr, as docker compose does; warnings go to stderr.
std::unique_ptr<engine::Reporter> make_reporter(const ProgressFlags& flags,
                                                const std::string& title);

// The command line this process was started with (main saves it).
void save_command_line(int argc, char** argv);
// True in the process the supervisor started for this command: do the work here.
bool running_as_worker();
// Runs this same command line again as a child of the project's supervisor (starting it
// if none runs), so the containers it makes outlive this process; returns its exit code.
int run_under_supervisor(const engine::Paths& paths, const std::string& project);

// Thrown to end the process with a code and no message (the worker already said why).
struct ExitCode {
  int code;
};

}  // namespace cli
