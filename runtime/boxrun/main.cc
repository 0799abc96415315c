// boxrun: a runc-compatible OCI runtime over boxrt.
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "boxrt/error.h"
#include "boxrt/sealed_exe.h"
#include "verbs.h"

namespace boxrun {
namespace {

Globals* g_globals = nullptr;

void log_error(const Globals& g, const std::string& msg) {
  std::cerr << "boxrun: " << msg << '\n';
  if (g.log_file.empty()) return;
  std::ofstream log(g.log_file, std::ios::app);
  char ts[64];
  time_t t = time(nullptr);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (g.log_format == "json")
    log << nlohmann::json{{"level", "error"}, {"msg", msg}, {"time", ts}}.dump() << '\n';
  else
    log << "time=\"" << ts << "\" level=error msg=\"" << msg << "\"\n";
}

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
    body(rt);
  });
}

}  // namespace boxrun

int main(int argc, char** argv) {
  boxrun::Globals g;
  boxrun::g_globals = &g;
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
  } catch (const boxrt::Error& e) {
    boxrun::log_error(g, e.what());
    return 1;
  } catch (const std::exception& e) {
    boxrun::log_error(g, e.what());
    return 1;
  }
  return g.exit_code;
}
