// `boxcompose cp [-a] SRC DEST`: files and directory trees between a service's running
// container and the host; one of SRC and DEST is SERVICE:PATH (docker compose cp).
#include "cli/project_ref.h"
#include "cli/verbs.h"
#include "engine/container_copy.h"

namespace cli {
namespace {

struct CpFlags {
  std::string src, dest;
  engine::CopyOptions engine;
};

void run_cp(const GlobalOptions& global, const CpFlags& flags) {
  ProjectRef ref = load_project_or_name(global);
  engine::copy(engine::Paths::from_environment(), ref.name, engine::parse_copy_endpoint(flags.src),
               engine::parse_copy_endpoint(flags.dest), flags.engine);
}

}  // namespace

void add_cp_verb(CLI::App& app, const GlobalOptions& global) {
  auto flags = std::make_shared<CpFlags>();
  CLI::App* verb = app.add_subcommand(
      "cp", "Copy files/folders between a service container and the local filesystem");
  verb->add_flag("-a,--archive", flags->engine.archive,
                 "Archive mode (copy all uid/gid information)");
  verb->add_option("src", flags->src, "SERVICE:SRC_PATH or SRC_PATH")->required();
  verb->add_option("dest", flags->dest, "DEST_PATH or SERVICE:DEST_PATH")->required();
  verb->callback([&global, flags] { run_cp(global, *flags); });
}

}  // namespace cli
