// `top`'s columns as `ps -ef` prints them: the /proc/<pid>/stat parser (comm with spaces and
// parentheses), TIME, TTY, STIME, C and CMD.
#include <gtest/gtest.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fstream>

#include "engine/top.h"

namespace {

TEST(TopParse, StatLineWithAwkwardComm) {
  std::string line =
      "4242 (my (odd) prog) S 4200 4242 4242 34816 4242 4194560 100 0 0 0 250 75 0 0 20 0 1 0 "
      "123456 1000000 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  engine::ProcStat s = engine::parse_proc_stat(line);
  EXPECT_EQ(s.pid, 4242);
  EXPECT_EQ(s.comm, "my (odd) prog");
  EXPECT_EQ(s.ppid, 4200);
  EXPECT_EQ(s.tty_nr, 34816);
  EXPECT_EQ(s.utime, 250u);
  EXPECT_EQ(s.stime, 75u);
  EXPECT_EQ(s.start_ticks, 123456u);
}

TEST(TopParse, OwnStatParses) {
  std::ifstream in("/proc/self/stat");
  std::string line((std::istreambuf_iterator<char>(in)), {});
  engine::ProcStat s = engine::parse_proc_stat(line);
  EXPECT_EQ(s.pid, ::getpid());
  EXPECT_EQ(s.ppid, ::getppid());
}

TEST(TopParse, GarbageIsAnError) {
  EXPECT_THROW(engine::parse_proc_stat("not a stat line"), std::exception);
  EXPECT_THROW(engine::parse_proc_stat("1 (x) S 0"), std::exception);
}

TEST(TopFormat, CpuTime) {
  EXPECT_EQ(engine::format_cpu_time(0), "00:00:00");
  EXPECT_EQ(engine::format_cpu_time(3725), "01:02:05");
  EXPECT_EQ(engine::format_cpu_time(86400 + 3600 * 2 + 63), "1-02:01:03");
}

TEST(TopFormat, Tty) {
  EXPECT_EQ(engine::format_tty(0), "?");
  EXPECT_EQ(engine::format_tty(static_cast<int>(makedev(136, 3))), "pts/3");
  EXPECT_EQ(engine::format_tty(static_cast<int>(makedev(137, 1))), "pts/257");
  EXPECT_EQ(engine::format_tty(static_cast<int>(makedev(4, 1))), "tty1");
}

TEST(TopFormat, StartTime) {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  std::time_t now = 1795993589;  // 2026-11-29 23:06:29 UTC
  EXPECT_EQ(engine::format_start_time(now - 3600, now), "22:06");
  EXPECT_EQ(engine::format_start_time(now - 3 * 86400, now), "Nov26");
  EXPECT_EQ(engine::format_start_time(now - 400 * 86400, now), "2025");
}

TEST(TopFormat, CpuPercentAndCmdline) {
  EXPECT_EQ(engine::cpu_percent(5, 10), 50);
  EXPECT_EQ(engine::cpu_percent(1, 0), 0);
  EXPECT_EQ(engine::format_cmdline(std::string_view("sleep\0"
                                                    "1000\0",
                                                    11),
                                   "sleep"),
            "sleep 1000");
  EXPECT_EQ(engine::format_cmdline("", "kworker"), "[kworker]");
}

}  // namespace
