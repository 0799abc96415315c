#include <signal.h>

#include <atomic>
#include <cctype>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "boxrt/error.h"
#include "boxrt/oci_config.h"
#include "verbs.h"

namespace boxrun {
namespace {

std::atomic<pid_t> g_forward_to{0};

void forward_signal(int sig) {
  pid_t pid = g_forward_to.load();
  if (pid > 0) kill(pid, sig);
}

}  // namespace

void forward_signals_to(pid_t pid) {
  g_forward_to = pid;
  if (pid == 0) return;
  struct sigaction sa = {};
  sa.sa_handler = forward_signal;
  sa.sa_flags = SA_RESTART;
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH})
    sigaction(sig, &sa, nullptr);
}

void log_message(const Globals& g, const char* level, const std::string& msg) {
  bool error = strcmp(level, "error") == 0;
  std::cerr << "boxrun: " << (error ? "" : std::string(level) + ": ") << msg << '\n';
  if (g.log_file.empty()) return;
  std::ofstream log(g.log_file, std::ios::app);
  char ts[64];
  time_t t = time(nullptr);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (g.log_format == "json")
    log << nlohmann::json{{"level", level}, {"msg", msg}, {"time", ts}}.dump() << '\n';
  else
    log << "time=\"" << ts << "\" level=" << level << " msg=\"" << msg << "\"\n";
}

void check_terminal(bool detach, bool terminal, const std::string& console_socket) {
  if (detach && terminal && console_socket.empty())
    throw boxrt::Error("cannot allocate tty if boxrun will detach without setting console socket");
  if ((!detach || !terminal) && !console_socket.empty())
    throw boxrt::Error("cannot use console socket if boxrun will not detach or allocate tty");
}

int parse_signal(const std::string& s) {
  if (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0]))) return std::stoi(s);
  // Any case, with or without SIG, as runc takes them ("usr1", "SIGUSR1", "sigterm").
  std::string name = s;
  for (char& c : name)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (name.rfind("SIG", 0) == 0) name = name.substr(3);
  for (int sig = 1; sig < NSIG; ++sig) {
    const char* abbrev = sigabbrev_np(sig);
    if (abbrev && name == abbrev) return sig;
  }
  throw boxrt::Error("unknown signal \"" + s + "\"");
}

// config.json of a bundle, with bind sources made absolute against the bundle (runc
// resolves them from the bundle directory it runs in).
boxrt::ContainerSpec load_bundle(const std::string& bundle) {
  boxrt::ContainerSpec spec = boxrt::load_config(bundle + "/config.json");
  for (auto& m : spec.mounts) {
    bool bind = m.type == "bind";
    for (const auto& o : m.options)
      bind |= o == "bind" || o == "rbind";
    if (bind && !m.source.empty() && m.source[0] != '/') m.source = bundle + "/" + m.source;
  }
  return spec;
}

}  // namespace boxrun
