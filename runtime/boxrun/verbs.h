// boxrun's verbs: one file per group, each a thin layer over boxrt::Runtime.
#pragma once

#include <sys/ioctl.h>
#include <termios.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "boxrt/container.h"
#include "boxrt/fd.h"

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

// "boxrun: <msg>" on stderr (with "warning: " for warnings), and to --log when given.
void log_message(const Globals& g, const char* level, const std::string& msg);

// runc's checkTerminal: a terminal needs a console socket when boxrun detaches, and a
// console socket needs both (in the foreground boxrun is its own receiver).
void check_terminal(bool detach, bool terminal, const std::string& console_socket);

// A foreground process with process.terminal (tty.cc): pass socket_path() as the console
// socket, receive() after create/exec, then proxy() until the process exits.
class ForegroundConsole {
 public:
  ForegroundConsole();
  ~ForegroundConsole();  // restores the caller's terminal
  ForegroundConsole(const ForegroundConsole&) = delete;
  ForegroundConsole& operator=(const ForegroundConsole&) = delete;

  const std::string& socket_path() const { return path_; }
  void receive();
  int proxy(pid_t pid);  // the process's exit code (128 + signal)

 private:
  void sync_size();

  std::string dir_, path_;
  boxrt::UniqueFd listener_, master_;
  struct termios saved_ = {};
  bool raw_ = false;
  struct winsize size_ = {};
};

// Signals boxrun receives (INT, TERM, HUP, QUIT, USR1, USR2, WINCH) go to `pid`; 0 stops.
void forward_signals_to(pid_t pid);

}  // namespace boxrun
