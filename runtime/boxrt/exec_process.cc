#include "boxrt/exec_process.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "boxrt/error.h"

namespace boxrt {
namespace {

uint32_t parse_id(const std::string& text, const char* what, const std::string& whole) {
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw Error("--user " + whole + ": " + what + " \"" + text +
                "\" is not a number (boxrun, as runc, takes numeric UID[:GID])");
  return v;
}

std::string cap_name(const std::string& cap) {
  std::string upper;
  for (char c : cap)
    upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper.rfind("CAP_", 0) == 0 ? upper : "CAP_" + upper;
}

void add_unique(std::vector<std::string>& set, const std::string& cap) {
  if (std::find(set.begin(), set.end(), cap) == set.end()) set.push_back(cap);
}

}  // namespace

User parse_exec_user(const std::string& text, const User& base) {
  User u = base;
  auto colon = text.find(':');
  u.uid = parse_id(text.substr(0, colon), "uid", text);
  if (colon != std::string::npos) u.gid = parse_id(text.substr(colon + 1), "gid", text);
  return u;
}

void set_env(std::vector<std::string>& env, const std::string& entry) {
  auto eq = entry.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error("environment entry \"" + entry + "\" is not KEY=VALUE");
  std::string prefix = entry.substr(0, eq + 1);
  env.erase(std::remove_if(env.begin(), env.end(),
                           [&](const std::string& e) { return e.rfind(prefix, 0) == 0; }),
            env.end());
  env.push_back(entry);
}

Process exec_process(const Process& base, const ExecOverrides& o) {
  Process p = base;
  p.args = o.args;
  p.terminal = o.tty;
  if (!o.cwd.empty()) p.cwd = o.cwd;
  for (const auto& e : o.env)
    set_env(p.env, e);
  if (!o.user.empty()) p.user = parse_exec_user(o.user, p.user);
  for (gid_t g : o.additional_gids)
    p.user.additional_gids.push_back(g);
  if (o.no_new_privs) p.no_new_privileges = true;
  if (!o.caps.empty()) {
    Capabilities& c = p.capabilities ? *p.capabilities : p.capabilities.emplace();
    for (const auto& raw : o.caps) {
      std::string cap = cap_name(raw);
      add_unique(c.bounding, cap);
      add_unique(c.effective, cap);
      add_unique(c.permitted, cap);
      // The kernel only keeps an ambient capability that is also inheritable.
      if (!c.inheritable.empty()) add_unique(c.ambient, cap);
    }
  }
  return p;
}

}  // namespace boxrt
