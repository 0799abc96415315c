#include "boxrt/cgroup.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "boxrt/error.h"
#include "boxrt/os_error.h"

namespace boxrt {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(item);
  return out;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw os_error("read", path, errno);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string join_path(const std::string& a, const std::string& b) {
  if (b.empty() || b == "/") return a;
  if (a.empty() || a == "/") return b[0] == '/' ? b : "/" + b;
  return a + (b[0] == '/' ? "" : "/") + b;
}

}  // namespace

std::vector<CgroupMount> parse_cgroup_mounts(const std::string& mountinfo) {
  std::vector<CgroupMount> out;
  for (const auto& line : split(mountinfo, '\n')) {
    auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    auto left = split(line.substr(0, dash), ' ');
    auto right = split(line.substr(dash + 3), ' ');
    if (left.size() < 5 || right.size() < 3) continue;
    CgroupMount m;
    m.root = left[3];
    m.mount_point = left[4];
    if (right[0] == "cgroup2") {
      m.v2 = true;
    } else if (right[0] == "cgroup") {
      for (const auto& opt : split(right[2], ','))
        if (opt != "rw" && opt != "ro" && opt.find('=') == std::string::npos &&
            opt != "clone_children" && opt != "noprefix" && opt != "xattr" && opt != "relatime")
          m.controllers.push_back(opt);
      if (m.controllers.empty()) continue;  // named hierarchies such as name=systemd
    } else {
      continue;
    }
    out.push_back(m);
  }
  return out;
}

std::map<std::string, std::string> parse_proc_cgroup(const std::string& text) {
  std::map<std::string, std::string> out;
  for (const auto& line : split(text, '\n')) {
    auto a = line.find(':');
    auto b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string ctrls = line.substr(a + 1, b - a - 1);
    std::string path = line.substr(b + 1);
    if (ctrls.empty()) out[""] = path;
    for (const auto& c : split(ctrls, ',')) out[c] = path;
  }
  return out;
}

CgroupMode detect_cgroup_mode(const std::vector<CgroupMount>& mounts) {
  bool v1 = false, v2 = false;
  for (const auto& m : mounts) (m.v2 ? v2 : v1) = true;
  if (v1 && v2) return CgroupMode::kHybrid;
  if (v1) return CgroupMode::kV1;
  if (v2) return CgroupMode::kV2;
  throw Error("no cgroup filesystem is mounted on this host");
}

std::string container_cgroup_path(const std::string& own, const std::string& cgroups_path,
                                  const std::string& id) {
  if (cgroups_path.empty()) return join_path(own, id);
  if (cgroups_path[0] == '/') return cgroups_path;
  return join_path(own, cgroups_path);
}

nlohmann::json cgroup_paths_to_json(const CgroupPaths& p) {
  return {{"v2", p.v2}, {"unified_root", p.unified_root}, {"dirs", p.dirs}};
}

CgroupPaths cgroup_paths_from_json(const nlohmann::json& j) {
  CgroupPaths p;
  p.v2 = j.value("v2", false);
  p.unified_root = j.value("unified_root", "");
  if (j.contains("dirs")) p.dirs = j["dirs"].get<std::map<std::string, std::string>>();
  return p;
}

std::unique_ptr<Cgroup> make_host_cgroup(const std::string& cgroups_path, const std::string& id) {
  auto mounts = parse_cgroup_mounts(read_text("/proc/self/mountinfo"));
  auto own = parse_proc_cgroup(read_text("/proc/self/cgroup"));
  CgroupMode mode = detect_cgroup_mode(mounts);
  CgroupPaths paths;
  paths.v2 = mode == CgroupMode::kV2;
  for (const auto& m : mounts) {
    if (m.v2 != paths.v2) continue;
    std::string key = m.v2 ? "" : m.controllers.front();
    std::string own_path = own.count(key) ? own[key] : "/";
    // The caller's path is relative to the hierarchy root; the mount may show a subtree.
    if (m.root != "/" && own_path.rfind(m.root, 0) == 0) own_path = own_path.substr(m.root.size());
    std::string rel = container_cgroup_path(own_path, cgroups_path, id);
    std::string dir = join_path(m.mount_point, rel);
    if (m.v2) {
      paths.dirs[""] = dir;
      return make_cgroup_v2(m.mount_point, dir);
    }
    for (const auto& c : m.controllers) paths.dirs[c] = dir;
  }
  return make_cgroup_v1(paths);
}

std::unique_ptr<Cgroup> open_cgroup(const CgroupPaths& paths) {
  if (paths.v2) {
    return make_cgroup_v2(paths.unified_root, paths.dirs.at(""));
  }
  return make_cgroup_v1(paths);
}

std::string read_cgroup_file(const std::string& path) {
  std::string s = read_text(path);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

void write_cgroup_file(const std::string& path, const std::string& value) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC | O_TRUNC);
  if (fd < 0) throw os_error("open", path, errno);
  ssize_t n = write(fd, value.data(), value.size());
  int err = errno;
  close(fd);
  if (n != static_cast<ssize_t>(value.size()))
    throw os_error("write \"" + value + "\" to", path, err);
}

std::vector<pid_t> read_pid_list(const std::string& path) {
  std::vector<pid_t> out;
  std::ifstream in(path);
  pid_t p;
  while (in >> p) out.push_back(p);
  return out;
}

}  // namespace boxrt
