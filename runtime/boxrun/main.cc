// boxrun: a runc-compatible OCI runtime over boxrt.
#include <unistd.h>

#include <cstring>
#include <iostream>

#include "boxrt/error.h"
#include "boxrt/sealed_exe.h"
#include "verbs.h"

namespace boxrun {
namespace {

// Verbs that put a process into a container run from a sealed copy of this binary.
bool enters_containers(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    for (const char* verb : {"create", "run", "exec"})
      if (strcmp(argv[i], verb) == 0) return true;
  return false;
}

}  // namespace

void on_run(CLI::App* cmd, Globals& g, Body body) {
  cmd->callback([&g, body] {
    boxrt::Runtime rt(g.root);
    rt.set_warning_handler([&g](const std::string& msg) { log_message(g, "warning", msg); });
    body(rt);
  });
}

}  // namespace boxrun

int main(int argc, char** argv) {
  boxrun::Globals g;
  if (boxrun::enters_containers(argc, argv)) {
    try {
      boxrt::reexec_from_sealed_copy(argv);
    } catch (const boxrt::Error& e) {
      std::cerr << "boxrun: " << e.what() << '\n';
      return 1;
    }
  }
  CLI::App app{"boxrun: run OCI containers (runc-compatible)"};
  app.require_subcommand(1);
  app.add_option("--root", g.root, "state directory")->capture_default_str();
  app.add_option("--log", g.log_file, "also write errors to this file");
  app.add_option("--log-format", g.log_format, "text or json")->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--debug", g.debug, "more output");
  boxrun::add_spec(app, g);
  boxrun::add_lifecycle(app, g);
  boxrun::add_query(app, g);
  boxrun::add_control(app, g);
  boxrun::add_exec(app, g);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const boxrt::ExecError& e) {
    // The command is missing or not executable: 127 or 126, as runc and a shell exit.
    boxrun::log_message(g, "error", e.what());
    return e.exit_status();
  } catch (const boxrt::Error& e) {
    boxrun::log_message(g, "error", e.what());
    return 1;
  } catch (const std::exception& e) {
    boxrun::log_message(g, "error", e.what());
    return 1;
  }
  return g.exit_code;
}
