// boxrun's verbs: one file per group, each a thin layer over boxrt::Runtime.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "boxrt/container.h"

namespace boxrun {

struct Globals {
  std::string root = "/run/boxrun";
  std::string log_file;
  std::string log_format = "text";
  bool debug = false;
  int exit_code = 0;  // set by run / exec
};

// Registers a subcommand whose body may throw boxrt::Error.
using Body = std::function<void(boxrt::Runtime&)>;
void on_run(CLI::App* cmd, Globals& g, Body body);

void add_spec(CLI::App& app, Globals& g);
void add_lifecycle(CLI::App& app, Globals& g);  // create, start, run
void add_query(CLI::App& app, Globals& g);      // state, list, ps, events
void add_control(CLI::App& app, Globals& g);    // kill, delete, pause, resume
void add_exec(CLI::App& app, Globals& g);

int parse_signal(const std::string& s);
boxrt::ContainerSpec load_bundle(const std::string& bundle);

}  // namespace boxrun
