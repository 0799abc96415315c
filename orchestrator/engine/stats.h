// `stats`: what `docker stats` shows of each running container, from its cgroups (CPU,
// memory, pids, block I/O) and its network namespace's /proc/<pid>/net/dev. CPU % needs two
// samples: the CPU time used between them over the wall time between them.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/paths.h"

namespace engine {

struct StatsSample {
  std::string id;  // 64 hex digits
  std::string name;
  std::chrono::steady_clock::time_point at;
  uint64_t cpu_ns = 0;
  uint64_t mem_usage = 0, mem_limit = 0;  // usage without the inactive page cache, as Docker
  uint64_t net_rx = 0, net_tx = 0;
  uint64_t blk_read = 0, blk_write = 0;
  uint64_t pids = 0;
};

// One line of the table, formatted as the docker CLI does.
struct StatsRow {
  std::string id, name, cpu, mem_usage, mem_perc, net_io, block_io, pids;
};

// `now` with CPU % over the time since `before` (the same container); "0.00%" without one.
StatsRow stats_row(const StatsSample* before, const StatsSample& now);
// Binary units with 4 significant digits ("1.5MiB", "64MiB"), as docker's BytesSize.
std::string format_binary_size(double bytes);
// Decimal units with 3 significant digits ("1.23kB", "648B"), as docker's HumanSize.
std::string format_decimal_size(double bytes);
// The table's header and rows, for the CLI's column layout.
std::vector<std::vector<std::string>> stats_table_cells(const std::vector<StatsRow>& rows);
// One JSON object per line, with docker's keys (BlockIO, CPUPerc, ID, Name, ...).
std::string format_stats_json(const std::vector<StatsRow>& rows);

struct ByteCounts {
  uint64_t first = 0, second = 0;
};
// /proc/<pid>/net/dev: received and sent bytes summed over every interface but lo.
ByteCounts parse_net_dev(std::string_view text);
// cgroup v1 blkio.throttle.io_service_bytes: read and written bytes over all devices.
ByteCounts parse_blkio_service_bytes(std::string_view text);
// cgroup v2 io.stat: rbytes and wbytes over all devices.
ByteCounts parse_io_stat(std::string_view text);
// A "key value" line of memory.stat (0 when missing).
uint64_t parse_keyed(std::string_view text, std::string_view key);
// A cgroup's memory limit as Docker shows it: "no limit" is the host's memory.
uint64_t effective_memory_limit(uint64_t cgroup_limit, uint64_t host_memory);

// One sample of every running container of the services (all when empty), by name.
std::vector<StatsSample> sample_stats(const Paths& paths, const std::string& project_name,
                                      const std::vector<std::string>& services);

}  // namespace engine
