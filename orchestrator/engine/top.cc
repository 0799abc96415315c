#include "engine/top.h"

#include <pwd.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

#include "boxrt/container.h"
#include "engine/error.h"
#include "engine/exec.h"
#include "engine/project_state.h"

namespace engine {
namespace {

// The real uid from /proc/<pid>/status, by the host's name for it as ps shows it.
std::string user_of(pid_t pid) {
  std::optional<std::string> status = read_kernel_file("/proc/" + std::to_string(pid) + "/status");
  if (!status) return "?";
  std::istringstream in(*status);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Uid:", 0) != 0) continue;
    uid_t uid = static_cast<uid_t>(std::stoul(line.substr(4)));
    passwd pw{}, *found = nullptr;
    char buf[1024];
    if (::getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found) return found->pw_name;
    return std::to_string(uid);
  }
  return "?";
}

double uptime_seconds() {
  std::ifstream in("/proc/uptime");
  double up = 0;
  in >> up;
  return up;
}

// One `ps -ef` row; nullopt when the process is gone meanwhile.
std::optional<std::vector<std::string>> process_row(pid_t pid) {
  std::string dir = "/proc/" + std::to_string(pid);
  std::optional<std::string> stat = read_kernel_file(dir + "/stat");
  std::optional<std::string> cmdline = read_kernel_file(dir + "/cmdline");
  if (!stat || !cmdline) return std::nullopt;
  ProcStat s = parse_proc_stat(*stat);
  double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  double cpu = static_cast<double>(s.utime + s.stime) / hz;
  double started_ago = uptime_seconds() - static_cast<double>(s.start_ticks) / hz;
  std::time_t now = std::time(nullptr);
  return std::vector<std::string>{
      user_of(pid),
      std::to_string(s.pid),
      std::to_string(s.ppid),
      std::to_string(cpu_percent(cpu, started_ago)),
      format_start_time(now - static_cast<std::time_t>(started_ago), now),
      format_tty(s.tty_nr),
      format_cpu_time(static_cast<uint64_t>(cpu)),
      format_cmdline(*cmdline, s.comm)};
}

}  // namespace

ProcStat parse_proc_stat(std::string_view text) {
  // "pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
  // utime stime cutime cstime priority nice num_threads itrealvalue starttime ..."
  std::size_t open = text.find('('), close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    throw Error("not a /proc/<pid>/stat line: " + std::string(text.substr(0, 80)));
  ProcStat s;
  s.pid = static_cast<pid_t>(std::stol(std::string(text.substr(0, open))));
  s.comm = std::string(text.substr(open + 1, close - open - 1));
  std::istringstream rest{std::string(text.substr(close + 1))};
  std::vector<std::string> f{std::istream_iterator<std::string>(rest), {}};
  // f[0] is field 3 (state): field N is f[N - 3].
  if (f.size() < 20) throw Error("short /proc/<pid>/stat line for pid " + std::to_string(s.pid));
  s.ppid = static_cast<pid_t>(std::stol(f[1]));
  s.tty_nr = std::stoi(f[4]);
  s.utime = std::stoull(f[11]);
  s.stime = std::stoull(f[12]);
  s.start_ticks = std::stoull(f[19]);
  return s;
}

std::string format_cpu_time(uint64_t seconds) {
  uint64_t days = seconds / 86400, h = seconds / 3600 % 24, m = seconds / 60 % 60, s = seconds % 60;
  char buf[48];
  if (days > 0)
    std::snprintf(buf, sizeof buf, "%llu-%02llu:%02llu:%02llu", (unsigned long long)days,
                  (unsigned long long)h, (unsigned long long)m, (unsigned long long)s);
  else
    std::snprintf(buf, sizeof buf, "%02llu:%02llu:%02llu", (unsigned long long)h,
                  (unsigned long long)m, (unsigned long long)s);
  return buf;
}

std::string format_tty(int tty_nr) {
  if (tty_nr == 0) return "?";
  unsigned major = ::major(static_cast<dev_t>(tty_nr)), minor = ::minor(static_cast<dev_t>(tty_nr));
  if (major >= 136 && major <= 143) return "pts/" + std::to_string((major - 136) * 256 + minor);
  if (major == 4 && minor < 64) return "tty" + std::to_string(minor);
  if (major == 4) return "ttyS" + std::to_string(minor - 64);
  return "?";
}

std::string format_start_time(std::time_t start, std::time_t now) {
  std::tm tm{};
  ::localtime_r(&start, &tm);
  char buf[16];
  const char* format = now - start < 86400 ? "%H:%M" : now - start < 365 * 86400 ? "%b%d" : "%Y";
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

int cpu_percent(double cpu_seconds, double lifetime_seconds) {
  if (lifetime_seconds <= 0) return 0;
  return static_cast<int>(cpu_seconds * 100.0 / lifetime_seconds);
}

std::string format_cmdline(std::string_view raw, const std::string& comm) {
  while (!raw.empty() && raw.back() == '\0')
    raw.remove_suffix(1);
  if (raw.empty()) return "[" + comm + "]";
  std::string out(raw);
  std::replace(out.begin(), out.end(), '\0', ' ');
  return out;
}

std::vector<ContainerTop> top(const Paths& paths, const std::string& project_name,
                              const std::vector<std::string>& services) {
  std::optional<ProjectState> state = load_project_state(paths.project_file(project_name));
  std::vector<ContainerTop> out;
  if (!state) return out;
  boxrt::Runtime rt(paths.runtime_root());
  for (const auto& [name, c] : state->containers) {
    if (!service_selected(services, c.service) || !rt.store().exists(name)) continue;
    if (rt.state(name).status != boxrt::Status::kRunning) continue;
    ContainerTop t{name, {}};
    std::vector<pid_t> pids = rt.ps(name);
    std::sort(pids.begin(), pids.end());
    for (pid_t pid : pids)
      if (auto row = process_row(pid)) t.rows.push_back(std::move(*row));
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace engine
