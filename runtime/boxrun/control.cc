// boxrun kill / delete / pause / resume.
#include <csignal>

#include "verbs.h"

namespace boxrun {

void add_control(CLI::App& app, Globals& g) {
  struct KillArgs {
    std::string id, signal = "SIGTERM";
    bool all = false;
  };
  auto k = std::make_shared<KillArgs>();
  auto* kill = app.add_subcommand("kill", "send a signal to the container's init");
  kill->add_flag("-a,--all", k->all, "signal every process of the container");
  kill->add_option("id", k->id, "container id")->required();
  kill->add_option("signal", k->signal, "signal name or number")->capture_default_str();
  on_run(kill, g, [k](boxrt::Runtime& rt) { rt.kill(k->id, parse_signal(k->signal), k->all); });

  auto del_id = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  auto* del = app.add_subcommand("delete", "delete a container and what it holds");
  del->add_flag("-f,--force", *force, "kill it first if it is running");
  del->add_option("id", *del_id, "container id")->required();
  on_run(del, g, [del_id, force](boxrt::Runtime& rt) { rt.remove(*del_id, *force); });

  auto p_id = std::make_shared<std::string>();
  auto* pause = app.add_subcommand("pause", "freeze every process of a container");
  pause->add_option("id", *p_id, "container id")->required();
  on_run(pause, g, [p_id](boxrt::Runtime& rt) { rt.pause(*p_id); });

  auto r_id = std::make_shared<std::string>();
  auto* resume = app.add_subcommand("resume", "thaw a paused container");
  resume->add_option("id", *r_id, "container id")->required();
  on_run(resume, g, [r_id](boxrt::Runtime& rt) { rt.resume(*r_id); });
}

}  // namespace boxrun
