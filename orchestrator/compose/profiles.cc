// Which services a command acts on: those enabled by the active profiles (or named on the
// command line), plus everything they need to run.
#include <algorithm>
#include <set>

#include "compose/decoder.h"
#include "compose/loader_steps.h"

namespace compose {
namespace {

bool enabled_by(const Service& s, const std::vector<std::string>& profiles) {
  if (s.profiles.empty()) return true;
  for (const std::string& p : s.profiles)
    if (std::find(profiles.begin(), profiles.end(), p) != profiles.end()) return true;
  return std::find(profiles.begin(), profiles.end(), "*") != profiles.end();
}

// Every service `s` needs to run, by any kind of reference.
std::vector<std::string> needed_by(const Service& s) {
  std::vector<std::string> out;
  for (const auto& [name, dep] : s.depends_on)
    out.push_back(name);
  for (const std::string& link : s.links)
    out.push_back(link.substr(0, link.find(':')));
  for (const std::string& from : s.volumes_from)
    if (!from.starts_with("container:")) out.push_back(from.substr(0, from.find(':')));
  for (const std::string* mode : {&s.network_mode, &s.ipc, &s.pid})
    if (mode->starts_with("service:")) out.push_back(mode->substr(8));
  return out;
}

}  // namespace

void select_services(Project& project, const std::vector<std::string>& profiles,
                     const std::vector<std::string>& selected, Diagnostics& diag) {
  std::vector<std::string> pending;
  for (const std::string& name : selected) {
    if (project.services.count(name)) {
      pending.push_back(name);
    } else {
      diag.error(Mark{}, "", "no such service: " + name);
    }
  }
  if (selected.empty()) {
    for (const auto& [name, s] : project.services)
      if (enabled_by(s, profiles)) pending.push_back(name);
  }
  std::set<std::string> keep;
  while (!pending.empty()) {
    std::string name = std::move(pending.back());
    pending.pop_back();
    auto it = project.services.find(name);
    if (it == project.services.end() || !keep.insert(name).second) continue;
    for (std::string& dep : needed_by(it->second))
      pending.push_back(std::move(dep));
  }
  for (auto it = project.services.begin(); it != project.services.end();) {
    if (keep.count(it->first)) {
      ++it;
    } else {
      project.disabled_services.push_back(it->first);
      it = project.services.erase(it);
    }
  }
}

}  // namespace compose
