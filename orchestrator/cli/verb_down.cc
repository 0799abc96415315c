// `boxcompose down [-v] [--remove-orphans] [-t N]`: stop and remove the project's
// containers and networks (and volumes with -v). Works from the state alone, so it also
// finishes an `up` that was killed, and needs no supervisor.
#include "cli/project_ref.h"
#include "cli/verbs.h"
#include "engine/engine.h"

namespace cli {
namespace {

struct DownFlags {
  bool volumes = false;
  bool remove_orphans = false;
  std::optional<int> timeout;
  ProgressFlags progress;
};

void run_down(const GlobalOptions& global, const DownFlags& flags) {
  ProjectRef ref = load_project_or_name(global);
  engine::DownOptions opts;
  opts.volumes = flags.volumes;
  opts.remove_orphans = flags.remove_orphans;
  if (flags.timeout) opts.timeout = std::chrono::seconds(*flags.timeout);
  std::unique_ptr<engine::Reporter> report = make_reporter(flags.progress, "Running");
  engine::down(engine::Paths::from_environment(), ref.name, ref.project ? &*ref.project : nullptr,
               opts, *report);
}

}  // namespace

void add_down_verb(CLI::App& app, const GlobalOptions& global) {
  auto flags = std::make_shared<DownFlags>();
  CLI::App* verb = app.add_subcommand("down", "Stop and remove containers, networks");
  verb->add_flag("-v,--volumes", flags->volumes,
                 "Remove named volumes declared in the volumes section and anonymous volumes");
  verb->add_flag("--remove-orphans", flags->remove_orphans,
                 "Remove containers for services not defined in the Compose file");
  verb->add_option("-t,--timeout", flags->timeout, "Shutdown timeout in seconds")->type_name("N");
  add_progress_flag(*verb, flags->progress);
  verb->callback([&global, flags] { run_down(global, *flags); });
}

}  // namespace cli
