// `top`: the processes of each running container (every pid of its cgroup), read from
// /proc as `ps -ef` shows them, which is what `docker compose top` prints.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "boxrt/procfs.h"
#include "engine/paths.h"

namespace engine {

// The fields of /proc/<pid>/stat that ps -ef uses.
struct ProcStat {
  pid_t pid = 0, ppid = 0;
  std::string comm;
  int tty_nr = 0;
  uint64_t utime = 0, stime = 0;  // clock ticks
  uint64_t start_ticks = 0;       // clock ticks after boot
};
// Throws Error when the text is not a stat line. comm may hold spaces and parentheses.
ProcStat parse_proc_stat(std::string_view text);

// ps's TIME: cumulative CPU as [DD-]HH:MM:SS.
std::string format_cpu_time(uint64_t seconds);
// ps's TTY: "?" without one, "pts/N" or "ttyN" from the device number.
std::string format_tty(int tty_nr);
// ps's STIME: "HH:MM" within the last day, "MonDD" within the year, else the year.
std::string format_start_time(std::time_t start, std::time_t now);
// ps's C: CPU time over lifetime, in whole percent.
int cpu_percent(double cpu_seconds, double lifetime_seconds);
// The command line from /proc/<pid>/cmdline (NUL separated); "[comm]" when empty (kernel
// threads, zombies).
std::string format_cmdline(std::string_view raw, const std::string& comm);

// A file of /proc or of a cgroup, whole (boxrt/procfs.h).
using boxrt::read_kernel_file;

inline const std::vector<std::string> kTopHeader = {"UID",   "PID", "PPID", "C",
                                                    "STIME", "TTY", "TIME", "CMD"};

struct ContainerTop {
  std::string name;
  std::vector<std::vector<std::string>> rows;  // kTopHeader's columns, by pid
};
// Every running container of the services (all when empty), by name.
std::vector<ContainerTop> top(const Paths& paths, const std::string& project_name,
                              const std::vector<std::string>& services);

}  // namespace engine
