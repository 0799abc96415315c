// `stats` as the docker CLI prints it: sizes (binary for memory, decimal for I/O), CPU %
// from two samples, the cgroup and /proc parsers, the table and JSON lines.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/stats.h"

namespace {

using namespace std::chrono;

engine::StatsSample sample(uint64_t cpu_ns, steady_clock::time_point at) {
  engine::StatsSample s;
  s.id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  s.name = "proj-web-1";
  s.at = at;
  s.cpu_ns = cpu_ns;
  s.mem_usage = 1572864;   // 1.5 MiB
  s.mem_limit = 67108864;  // 64 MiB
  s.net_rx = 1234;
  s.net_tx = 648;
  s.blk_read = 4096;
  s.blk_write = 0;
  s.pids = 2;
  return s;
}

TEST(StatsFormat, BinarySizesAsDockerBytesSize) {
  EXPECT_EQ(engine::format_binary_size(0), "0B");
  EXPECT_EQ(engine::format_binary_size(1023), "1023B");
  EXPECT_EQ(engine::format_binary_size(1536), "1.5KiB");
  EXPECT_EQ(engine::format_binary_size(67108864), "64MiB");
  EXPECT_EQ(engine::format_binary_size(1288490189), "1.2GiB");
  EXPECT_EQ(engine::format_binary_size(1234567), "1.177MiB");
}

TEST(StatsFormat, DecimalSizesAsDockerHumanSize) {
  EXPECT_EQ(engine::format_decimal_size(0), "0B");
  EXPECT_EQ(engine::format_decimal_size(648), "648B");
  EXPECT_EQ(engine::format_decimal_size(1234), "1.23kB");
  EXPECT_EQ(engine::format_decimal_size(1000000), "1MB");
  EXPECT_EQ(engine::format_decimal_size(2560000000.0), "2.56GB");
}

TEST(StatsRow, CpuPercentFromTwoSamples) {
  auto t0 = steady_clock::now();
  engine::StatsSample before = sample(1'000'000'000, t0);
  engine::StatsSample now = sample(1'500'000'000, t0 + seconds(1));  // half a core
  engine::StatsRow r = engine::stats_row(&before, now);
  EXPECT_EQ(r.cpu, "50.00%");
  EXPECT_EQ(r.id, "0123456789ab");
  EXPECT_EQ(r.mem_usage, "1.5MiB / 64MiB");
  EXPECT_EQ(r.mem_perc, "2.34%");
  EXPECT_EQ(r.net_io, "1.23kB / 648B");
  EXPECT_EQ(r.block_io, "4.1kB / 0B");
  EXPECT_EQ(r.pids, "2");
}

TEST(StatsRow, NoPreviousSampleIsZeroCpuAndNoLimitIsZeroPercent) {
  engine::StatsSample s = sample(5, steady_clock::now());
  s.mem_limit = 0;
  engine::StatsRow r = engine::stats_row(nullptr, s);
  EXPECT_EQ(r.cpu, "0.00%");
  EXPECT_EQ(r.mem_perc, "0.00%");
}

TEST(StatsRow, TwoCoresShowAsTwoHundredPercent) {
  auto t0 = steady_clock::now();
  engine::StatsSample before = sample(0, t0);
  engine::StatsSample now = sample(1'000'000'000, t0 + milliseconds(500));
  EXPECT_EQ(engine::stats_row(&before, now).cpu, "200.00%");
}

TEST(StatsParse, NetDevSkipsLoopback) {
  const char* text =
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
      "drop fifo colls carrier compressed\n"
      "    lo:     500       5    0    0    0     0          0         0      500       5    0 "
      "   0    0     0       0          0\n"
      "  eth0:    1000      10    0    0    0     0          0         0      300       3    0 "
      "   0    0     0       0          0\n"
      "  eth1:     234       2    0    0    0     0          0         0      348       4    0 "
      "   0    0     0       0          0\n";
  engine::ByteCounts c = engine::parse_net_dev(text);
  EXPECT_EQ(c.first, 1234u);
  EXPECT_EQ(c.second, 648u);
}

TEST(StatsParse, BlkioServiceBytesSumsReadAndWrite) {
  const char* text =
      "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Total 12288\n"
      "8:16 Read 100\n8:16 Write 0\nTotal 12388\n";
  engine::ByteCounts c = engine::parse_blkio_service_bytes(text);
  EXPECT_EQ(c.first, 4196u);
  EXPECT_EQ(c.second, 8192u);
}

TEST(StatsParse, IoStat) {
  const char* text =
      "8:0 rbytes=4096 wbytes=512 rios=1 wios=1 dbytes=0 dios=0\n"
      "8:16 rbytes=4 wbytes=8 rios=1 wios=1 dbytes=0 dios=0\n";
  engine::ByteCounts c = engine::parse_io_stat(text);
  EXPECT_EQ(c.first, 4100u);
  EXPECT_EQ(c.second, 520u);
}

TEST(StatsParse, KeyedValues) {
  const char* text = "cache 100\ntotal_inactive_file 4096\ninactive_file 7\n";
  EXPECT_EQ(engine::parse_keyed(text, "total_inactive_file"), 4096u);
  EXPECT_EQ(engine::parse_keyed(text, "inactive_file"), 7u);
  EXPECT_EQ(engine::parse_keyed(text, "missing"), 0u);
  EXPECT_EQ(engine::parse_keyed("MemTotal:       16314080 kB\n", "MemTotal:"), 16314080u);
}

TEST(StatsParse, UnlimitedMemoryIsTheHosts) {
  EXPECT_EQ(engine::effective_memory_limit(9223372036854771712ull, 1ull << 34), 1ull << 34);
  EXPECT_EQ(engine::effective_memory_limit(64ull << 20, 1ull << 34), 64ull << 20);
  EXPECT_EQ(engine::effective_memory_limit(64ull << 20, 0), 64ull << 20);
}

TEST(StatsOutput, TableHeaderAndRow) {
  auto t0 = steady_clock::now();
  auto cells = engine::stats_table_cells({engine::stats_row(nullptr, sample(0, t0))});
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0],
            (std::vector<std::string>{"CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %",
                                      "NET I/O", "BLOCK I/O", "PIDS"}));
  EXPECT_EQ(cells[1][1], "proj-web-1");
  EXPECT_EQ(cells[1][3], "1.5MiB / 64MiB");
}

TEST(StatsOutput, JsonLinesWithDockerKeys) {
  auto t0 = steady_clock::now();
  engine::StatsRow r = engine::stats_row(nullptr, sample(0, t0));
  std::string text = engine::format_stats_json({r, r});
  ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  nlohmann::json j = nlohmann::json::parse(text.substr(0, text.find('\n')));
  EXPECT_EQ(j["Name"], "proj-web-1");
  EXPECT_EQ(j["ID"], "0123456789ab");
  EXPECT_EQ(j["MemUsage"], "1.5MiB / 64MiB");
  EXPECT_EQ(j["CPUPerc"], "0.00%");
  EXPECT_EQ(j["PIDs"], "2");
  EXPECT_EQ(j["NetIO"], "1.23kB / 648B");
  EXPECT_EQ(j["BlockIO"], "4.1kB / 0B");
}

}  // namespace
