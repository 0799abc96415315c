#include "engine/stats.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "boxrt/container.h"
#include "engine/exec.h"
#include "engine/project_state.h"
#include "engine/top.h"

namespace engine {
namespace {

// Unreadable (no such controller, a process gone meanwhile) counts as nothing.
std::string read_text(const std::string& path) {
  return read_kernel_file(path).value_or("");
}

std::string percent(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", value);
  return buf;
}

// docker's units.CustomSize: divide by `base` while it fits, then the unit's name.
std::string custom_size(double size, double base, const std::vector<const char*>& units,
                        int precision) {
  std::size_t i = 0;
  while (size >= base && i + 1 < units.size()) {
    size /= base;
    ++i;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*g%s", precision, size, units[i]);
  return buf;
}

uint64_t host_memory_bytes() {
  return parse_keyed(read_text("/proc/meminfo"), "MemTotal:") * 1024;
}

// The cgroup directory of a controller ("" when the container has none).
std::string cgroup_dir(const boxrt::CgroupPaths& cg, const std::string& controller) {
  if (cg.v2) return cg.dirs.empty() ? "" : cg.dirs.begin()->second;
  auto it = cg.dirs.find(controller);
  return it == cg.dirs.end() ? "" : it->second;
}

ByteCounts block_io(const boxrt::CgroupPaths& cg) {
  std::string dir = cgroup_dir(cg, "blkio");
  if (dir.empty()) return {};
  if (cg.v2) return parse_io_stat(read_text(dir + "/io.stat"));
  ByteCounts c = parse_blkio_service_bytes(read_text(dir + "/blkio.throttle.io_service_bytes"));
  if (c.first == 0 && c.second == 0)  // CFQ/BFQ hosts account here instead
    c = parse_blkio_service_bytes(read_text(dir + "/blkio.io_service_bytes"));
  return c;
}

// Docker's usage: the page cache the kernel can drop at once does not count.
uint64_t memory_in_use(const boxrt::CgroupPaths& cg, uint64_t usage) {
  std::string dir = cgroup_dir(cg, "memory");
  if (dir.empty()) return usage;
  std::string stat = read_text(dir + "/memory.stat");
  uint64_t inactive = parse_keyed(stat, cg.v2 ? "inactive_file" : "total_inactive_file");
  return inactive < usage ? usage - inactive : usage;
}

}  // namespace

std::string format_binary_size(double bytes) {
  return custom_size(bytes, 1024.0, {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"},
                     4);
}

std::string format_decimal_size(double bytes) {
  return custom_size(bytes, 1000.0, {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"}, 3);
}

StatsRow stats_row(const StatsSample* before, const StatsSample& now) {
  StatsRow r;
  r.id = now.id.substr(0, 12);
  r.name = now.name;
  double cpu = 0;
  if (before) {
    double wall = std::chrono::duration<double, std::nano>(now.at - before->at).count();
    if (wall > 0 && now.cpu_ns >= before->cpu_ns)
      cpu = static_cast<double>(now.cpu_ns - before->cpu_ns) / wall * 100.0;
  }
  r.cpu = percent(cpu);
  r.mem_usage = format_binary_size(static_cast<double>(now.mem_usage)) + " / " +
                format_binary_size(static_cast<double>(now.mem_limit));
  r.mem_perc = percent(now.mem_limit ? static_cast<double>(now.mem_usage) * 100.0 /
                                           static_cast<double>(now.mem_limit)
                                     : 0.0);
  r.net_io = format_decimal_size(static_cast<double>(now.net_rx)) + " / " +
             format_decimal_size(static_cast<double>(now.net_tx));
  r.block_io = format_decimal_size(static_cast<double>(now.blk_read)) + " / " +
               format_decimal_size(static_cast<double>(now.blk_write));
  r.pids = std::to_string(now.pids);
  return r;
}

std::vector<std::vector<std::string>> stats_table_cells(const std::vector<StatsRow>& rows) {
  std::vector<std::vector<std::string>> cells{{"CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT",
                                               "MEM %", "NET I/O", "BLOCK I/O", "PIDS"}};
  for (const auto& r : rows)
    cells.push_back({r.id, r.name, r.cpu, r.mem_usage, r.mem_perc, r.net_io, r.block_io, r.pids});
  return cells;
}

std::string format_stats_json(const std::vector<StatsRow>& rows) {
  std::string out;
  for (const auto& r : rows)
    out += nlohmann::json{{"BlockIO", r.block_io}, {"CPUPerc", r.cpu},
                          {"Container", r.name},   {"ID", r.id},
                          {"MemPerc", r.mem_perc}, {"MemUsage", r.mem_usage},
                          {"Name", r.name},        {"NetIO", r.net_io},
                          {"PIDs", r.pids}}
               .dump() +
           "\n";
  return out;
}

ByteCounts parse_net_dev(std::string_view text) {
  // Two header lines, then "  eth0: rx_bytes rx_packets ... (8 rx fields) tx_bytes ...".
  ByteCounts c;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string ifname = line.substr(0, colon);
    ifname.erase(0, ifname.find_first_not_of(' '));
    if (ifname == "lo") continue;
    std::istringstream fields(line.substr(colon + 1));
    std::vector<uint64_t> v{std::istream_iterator<uint64_t>(fields), {}};
    if (v.size() < 9) continue;
    c.first += v[0];
    c.second += v[8];
  }
  return c;
}

ByteCounts parse_blkio_service_bytes(std::string_view text) {
  ByteCounts c;
  std::istringstream in{std::string(text)};
  std::string device, op;
  uint64_t value = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    if (!(fields >> device >> op >> value)) continue;  // "Total N" has two fields
    if (op == "Read") c.first += value;
    if (op == "Write") c.second += value;
  }
  return c;
}

ByteCounts parse_io_stat(std::string_view text) {
  ByteCounts c;
  std::istringstream in{std::string(text)};
  std::string word;
  while (in >> word) {
    if (word.rfind("rbytes=", 0) == 0) c.first += std::stoull(word.substr(7));
    if (word.rfind("wbytes=", 0) == 0) c.second += std::stoull(word.substr(7));
  }
  return c;
}

uint64_t parse_keyed(std::string_view text, std::string_view key) {
  std::istringstream in{std::string(text)};
  std::string k;
  uint64_t v = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    if (fields >> k >> v && k == key) return v;
  }
  return 0;
}

uint64_t effective_memory_limit(uint64_t cgroup_limit, uint64_t host_memory) {
  if (host_memory == 0) return cgroup_limit;
  return std::min(cgroup_limit, host_memory);
}

std::vector<StatsSample> sample_stats(const Paths& paths, const std::string& project_name,
                                      const std::vector<std::string>& services) {
  std::vector<StatsSample> out;
  std::optional<ProjectState> state = load_project_state(paths.project_file(project_name));
  if (!state) return out;
  boxrt::Runtime rt(paths.runtime_root());
  uint64_t host_memory = host_memory_bytes();
  for (const auto& [name, c] : state->containers) {
    if (!service_selected(services, c.service) || !rt.store().exists(name)) continue;
    boxrt::ContainerState st = rt.state(name);
    if (st.status != boxrt::Status::kRunning && st.status != boxrt::Status::kPaused) continue;
    boxrt::CgroupStats cg = rt.stats(name);
    StatsSample s;
    s.id = c.id;
    s.name = name;
    s.at = std::chrono::steady_clock::now();
    s.cpu_ns = cg.cpu_usage_ns;
    s.mem_usage = memory_in_use(st.cgroup, cg.memory_usage);
    s.mem_limit = effective_memory_limit(cg.memory_limit, host_memory);
    ByteCounts net = parse_net_dev(read_text("/proc/" + std::to_string(st.pid) + "/net/dev"));
    s.net_rx = net.first;
    s.net_tx = net.second;
    ByteCounts blk = block_io(st.cgroup);
    s.blk_read = blk.first;
    s.blk_write = blk.second;
    s.pids = cg.pids_current ? cg.pids_current : rt.ps(name).size();
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace engine
