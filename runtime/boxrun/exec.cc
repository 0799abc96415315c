// boxrun exec: run another process in a running container, with its process settings.
#include "boxrt/error.h"
#include "verbs.h"

namespace boxrun {

void add_exec(CLI::App& app, Globals& g) {
  struct ExecArgs {
    std::string id, cwd;
    std::vector<std::string> env, args;
    bool detach = false;
  };
  auto a = std::make_shared<ExecArgs>();
  auto* exec = app.add_subcommand("exec", "execute a new process inside a container");
  exec->add_option("--cwd", a->cwd, "working directory");
  exec->add_option("-e,--env", a->env, "extra environment variable KEY=VALUE");
  exec->add_flag("-d,--detach", a->detach, "do not wait for the process");
  exec->add_option("id", a->id, "container id")->required();
  exec->add_option("command", a->args, "command and arguments")->required();
  exec->prefix_command();
  on_run(exec, g, [a, &g](boxrt::Runtime& rt) {
    boxrt::Process p = rt.config(a->id).process;
    p.args = a->args;
    if (!a->cwd.empty()) p.cwd = a->cwd;
    for (const auto& e : a->env) p.env.push_back(e);
    pid_t pid = rt.exec(a->id, p);
    if (!a->detach) g.exit_code = boxrt::wait_exit_code(pid);
  });
}

}  // namespace boxrun
