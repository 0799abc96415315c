#include <csignal>
#include <cstring>
#include <nlohmann/json.hpp>

#include "boxrt/error.h"
#include "boxrt/oci_config.h"
#include "verbs.h"

namespace boxrun {

int parse_signal(const std::string& s) {
  if (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0]))) return std::stoi(s);
  std::string name = s.rfind("SIG", 0) == 0 ? s.substr(3) : s;
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
    for (const auto& o : m.options) bind |= o == "bind" || o == "rbind";
    if (bind && !m.source.empty() && m.source[0] != '/') m.source = bundle + "/" + m.source;
  }
  return spec;
}

}  // namespace boxrun
