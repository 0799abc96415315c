#include "boxrt/state.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "boxrt/error.h"
#include "boxrt/os_error.h"
#include "boxrt/procfs.h"
#include "boxrt/spec.h"

namespace boxrt {

const char* status_name(Status s) {
  switch (s) {
    case Status::kCreating:
      return "creating";
    case Status::kCreated:
      return "created";
    case Status::kRunning:
      return "running";
    case Status::kPaused:
      return "paused";
    case Status::kStopped:
      return "stopped";
  }
  return "unknown";
}

nlohmann::json state_to_oci_json(const ContainerState& s) {
  nlohmann::json j = {{"ociVersion", kOciVersion},
                      {"id", s.id},
                      {"pid", s.status == Status::kStopped ? 0 : s.pid},
                      {"status", status_name(s.status)},
                      {"bundle", s.bundle},
                      {"rootfs", s.rootfs},
                      {"created", s.created},
                      {"owner", s.owner}};
  j["annotations"] =
      s.annotations.empty() ? nlohmann::json::object() : nlohmann::json(s.annotations);
  return j;
}

void validate_container_id(const std::string& id) {
  if (id.empty() || id.size() > 1024 || id == "." || id == "..")
    throw Error("invalid container id \"" + id + "\"");
  for (char c : id)
    if (!isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' && c != '+')
      throw Error("invalid container id \"" + id + "\": only [A-Za-z0-9_+.-] are allowed");
}

void StateStore::make_dir(const std::string& id) const {
  validate_container_id(id);
  std::error_code ec;
  std::filesystem::create_directories(root_, ec);
  if (ec) throw Error("create state root " + root_ + ": " + ec.message());
  if (mkdir(dir(id).c_str(), 0711) < 0) {
    if (errno == EEXIST) throw Error("container " + id + " already exists", EEXIST);
    throw os_error("mkdir", dir(id), errno);
  }
}

void StateStore::save(const ContainerState& s) const {
  nlohmann::json j = state_to_oci_json(s);
  j["pid"] = s.pid;
  j["pid_start_time"] = s.pid_start_time;
  j["cgroup"] = cgroup_paths_to_json(s.cgroup);
  if (s.creating) j["creating"] = true;
  std::string tmp = dir(s.id) + "/state.json.tmp";
  {
    std::ofstream out(tmp);
    out << j.dump(2) << '\n';
    if (!out) throw os_error("write", tmp, errno);
  }
  check_os(rename(tmp.c_str(), (dir(s.id) + "/state.json").c_str()), "rename", tmp);
}

bool StateStore::exists(const std::string& id) const {
  return access((dir(id) + "/state.json").c_str(), F_OK) == 0;
}

ContainerState StateStore::load(const std::string& id) const {
  validate_container_id(id);
  std::ifstream in(dir(id) + "/state.json");
  if (!in) throw Error("container " + id + " does not exist", ENOENT);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw Error(dir(id) + "/state.json: " + e.what());
  }
  ContainerState s;
  s.id = id;
  s.pid = j.value("pid", 0);
  s.pid_start_time = j.value("pid_start_time", uint64_t{0});
  s.bundle = j.value("bundle", "");
  s.rootfs = j.value("rootfs", "");
  s.created = j.value("created", "");
  s.owner = j.value("owner", "");
  if (j.contains("annotations"))
    s.annotations = j["annotations"].get<std::map<std::string, std::string>>();
  if (j.contains("cgroup")) s.cgroup = cgroup_paths_from_json(j["cgroup"]);
  s.creating = j.value("creating", false);
  return s;
}

std::vector<std::string> StateStore::ids() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(root_, ec))
    if (exists(e.path().filename().string())) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

void StateStore::remove(const std::string& id) const {
  std::error_code ec;
  std::filesystem::remove_all(dir(id), ec);
  if (ec) throw Error("remove " + dir(id) + ": " + ec.message());
}

void write_pid_file(const std::string& path, pid_t pid) {
  std::filesystem::path p(path);
  std::string tmp = (p.parent_path() / ("." + p.filename().string())).string();
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw os_error("write pid file", path, errno);
  std::string text = std::to_string(pid);
  int err = 0;
  if (write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    err = errno ? errno : EIO;
  if (close(fd) < 0 && !err) err = errno;
  if (!err && rename(tmp.c_str(), path.c_str()) < 0) err = errno;
  if (!err) return;
  unlink(tmp.c_str());
  throw os_error("write pid file", path, err);
}

namespace {

// /proc/<pid>/stat, or "" when there is no such process.
std::string proc_stat(pid_t pid) {
  return read_kernel_file("/proc/" + std::to_string(pid) + "/stat").value_or("");
}

}  // namespace

uint64_t process_start_time(pid_t pid) {
  std::string text = proc_stat(pid);
  auto paren = text.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream rest(text.substr(paren + 2));
  std::string field;
  // Fields after the comm: state is field 3, starttime is field 22.
  for (int i = 3; i <= 22 && rest >> field; ++i)
    if (i == 22) return std::stoull(field);
  return 0;
}

bool process_alive(pid_t pid, uint64_t start_time) {
  if (pid <= 0) return false;
  std::string text = proc_stat(pid);
  auto paren = text.rfind(')');
  if (paren == std::string::npos || paren + 2 >= text.size()) return false;
  char st = text[paren + 2];
  if (st == 'Z' || st == 'X') return false;
  return start_time == 0 || process_start_time(pid) == start_time;
}

}  // namespace boxrt
