// Container logs in Docker's json-file format: line splitting and buffering, 16 KiB cuts,
// escaping, reading all, tail from the end of a big file, and following appends.
#include "engine/logfile.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace {

namespace fs = std::filesystem;
using engine::LogEntry;
using engine::LogReader;
using engine::LogStream;
using engine::LogWriter;
using engine::WallTime;
using namespace std::chrono;

const WallTime kT0 = WallTime(seconds(1795993589)) + nanoseconds(123456789);

class LogfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/boxcompose-logfile-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ / "web-1-json.log";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string contents() const {
    std::ifstream in(path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  // A writer whose clock ticks one microsecond per entry from kT0.
  LogWriter::Clock ticking() {
    return [this] { return kT0 + microseconds(ticks_++); };
  }

  fs::path dir_, path_;
  long ticks_ = 0;
};

TEST_F(LogfileTest, EncodesAsDockerJsonFile) {
  LogEntry e{LogStream::Stdout, kT0, "hello\n"};
  EXPECT_EQ(engine::encode_log_entry(e),
            "{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-29T23:06:29."
            "123456789Z\"}\n");
  LogEntry odd{LogStream::Stderr, WallTime(seconds(1795993589)), "a\"b\\c\t<&>\x01\xff\n"};
  EXPECT_EQ(engine::encode_log_entry(odd),
            "{\"log\":\"a\\\"b\\\\c\\t\\u003c\\u0026\\u003e\\u0001\\ufffd\\n\",\"stream\":"
            "\"stderr\",\"time\":\"2026-11-29T23:06:29Z\"}\n");
  auto back = engine::decode_log_entry(engine::encode_log_entry(e));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->text, "hello\n");
  EXPECT_EQ(back->time, kT0);
  EXPECT_EQ(back->stream, LogStream::Stdout);
  EXPECT_FALSE(engine::decode_log_entry("not json"));
  EXPECT_FALSE(engine::decode_log_entry("{\"log\":\"x\"}"));
}

TEST_F(LogfileTest, SplitsLinesAndBuffersTheUnfinishedOne) {
  {
    LogWriter w(path_, ticking());
    w.write(LogStream::Stdout, "one\ntw");
    w.write(LogStream::Stderr, "err\n");
    w.write(LogStream::Stdout, "o\nthree");
    w.flush();
    w.write(LogStream::Stdout, "\n");
  }
  auto all = LogReader(path_).read_all();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].text, "one\n");
  EXPECT_EQ(all[1].text, "err\n");
  EXPECT_EQ(all[1].stream, LogStream::Stderr);
  EXPECT_EQ(all[2].text, "two\n");
  EXPECT_EQ(all[3].text, "three");  // flushed without its newline: a partial entry
  EXPECT_TRUE(all[3].partial());
  EXPECT_EQ(all[4].text, "\n");
  EXPECT_EQ(all[0].time, kT0);
}

TEST_F(LogfileTest, CloseWritesTheUnfinishedLine) {
  {
    LogWriter w(path_, ticking());
    w.write(LogStream::Stdout, "no newline");
  }
  auto all = LogReader(path_).read_all();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].text, "no newline");
}

TEST_F(LogfileTest, LongLinesAreCutAt16KiBAsDocker) {
  std::string line(40000, 'x');
  {
    LogWriter w(path_, ticking());
    // In small pieces, as a pipe delivers them.
    std::string data = line + "\nshort\n";
    for (size_t i = 0; i < data.size(); i += 1000)
      w.write(LogStream::Stdout, data.substr(i, 1000));
  }
  auto all = LogReader(path_).read_all();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].text, std::string(16384, 'x'));
  EXPECT_EQ(all[1].text, std::string(16384, 'x'));
  EXPECT_EQ(all[2].text, std::string(40000 - 2 * 16384, 'x') + "\n");
  EXPECT_EQ(all[3].text, "short\n");
  EXPECT_TRUE(all[0].partial());
  EXPECT_FALSE(all[2].partial());
}

TEST_F(LogfileTest, AppendsToAnExistingFile) {
  {
    LogWriter w(path_, ticking());
    w.write(LogStream::Stdout, "first run\n");
  }
  {
    LogWriter w(path_, ticking());
    w.write(LogStream::Stdout, "second run\n");
  }
  auto all = LogReader(path_).read_all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].text, "second run\n");
}

TEST_F(LogfileTest, MissingFileReadsEmpty) {
  LogReader r(dir_ / "none.log");
  EXPECT_TRUE(r.read_all().empty());
  EXPECT_TRUE(r.tail(10).empty());
  EXPECT_TRUE(r.read_new().empty());
}

TEST_F(LogfileTest, TailReadsOnlyTheEnd) {
  {
    LogWriter w(path_, ticking());
    std::string chunk;
    for (int i = 0; i < 20000; ++i)
      chunk += "line " + std::to_string(i) + "\n";
    w.write(LogStream::Stdout, chunk);
    w.write(LogStream::Stdout, "unfinished");
    w.write(LogStream::Stdout, "\n");
  }
  LogReader r(path_);
  auto last = r.tail(3);
  ASSERT_EQ(last.size(), 3u);
  EXPECT_EQ(last[0].text, "line 19998\n");
  EXPECT_EQ(last[1].text, "line 19999\n");
  EXPECT_EQ(last[2].text, "unfinished\n");
  EXPECT_EQ(r.tail(0).size(), 0u);
  EXPECT_EQ(r.tail(20001).size(), 20001u);
  EXPECT_EQ(r.tail(1000000).size(), 20001u);
  EXPECT_TRUE(r.read_new().empty());  // left at the end
}

TEST_F(LogfileTest, TailIgnoresALineStillBeingWritten) {
  {
    LogWriter w(path_, ticking());
    w.write(LogStream::Stdout, "a\nb\n");
  }
  std::string half = "{\"log\":\"c\\n\",\"stream\":\"stdout\",\"ti";
  std::ofstream(path_, std::ios::app) << half;
  LogReader r(path_);
  auto last = r.tail(5);
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last[1].text, "b\n");
  std::ofstream(path_, std::ios::app) << "me\":\"2026-11-29T23:06:29Z\"}\n";
  auto more = r.read_new();
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].text, "c\n");
}

TEST_F(LogfileTest, ReadNewSeesAppendsAndStartsOverOnTruncation) {
  LogWriter w(path_, ticking());
  LogReader r(path_);
  EXPECT_TRUE(r.read_all().empty());
  w.write(LogStream::Stdout, "1\n2\n");
  EXPECT_EQ(r.read_new().size(), 2u);
  EXPECT_TRUE(r.read_new().empty());
  w.write(LogStream::Stdout, "3\n");
  auto n = r.read_new();
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].text, "3\n");
  fs::resize_file(path_, 0);
  w.write(LogStream::Stdout, "after\n");
  n = r.read_new();
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].text, "after\n");
}

TEST_F(LogfileTest, FollowYieldsAppendsUntilTold) {
  {
    LogWriter w(path_, ticking());
    w.write(LogStream::Stdout, "old\n");
  }
  LogReader r(path_);
  ASSERT_EQ(r.tail(10).size(), 1u);
  int stop[2];
  ASSERT_EQ(pipe(stop), 0);
  std::vector<std::string> seen;
  std::thread writer([&] {
    LogWriter w(path_, ticking());
    for (int i = 0; i < 3; ++i) {
      w.write(LogStream::Stdout, "new " + std::to_string(i) + "\n");
      std::this_thread::sleep_for(milliseconds(20));
    }
    std::this_thread::sleep_for(milliseconds(100));
    ASSERT_EQ(write(stop[1], "x", 1), 1);
  });
  bool idle = r.follow(
      [&](const LogEntry& e) {
        seen.push_back(e.text);
        return true;
      },
      stop[0], seconds(10));
  writer.join();
  close(stop[0]);
  close(stop[1]);
  EXPECT_FALSE(idle);
  EXPECT_EQ(seen, (std::vector<std::string>{"new 0\n", "new 1\n", "new 2\n"}));
}

TEST_F(LogfileTest, FollowStopsWhenTheSinkSaysSoOrWhenIdle) {
  LogReader r(path_);  // the file appears only later
  std::thread writer([&] {
    std::this_thread::sleep_for(milliseconds(50));
    LogWriter w(path_, ticking());
    w.write(LogStream::Stdout, "a\nb\nc\n");
  });
  std::vector<std::string> seen;
  bool idle = r.follow([&](const LogEntry& e) {
    seen.push_back(e.text);
    return seen.size() < 2;
  });
  writer.join();
  EXPECT_FALSE(idle);
  EXPECT_EQ(seen, (std::vector<std::string>{"a\n", "b\n"}));
  auto rest = r.read_new();  // what was read but not yet given is not lost
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].text, "c\n");
  auto start = steady_clock::now();
  EXPECT_TRUE(r.follow([](const LogEntry&) { return true; }, -1, milliseconds(100)));
  EXPECT_LT(steady_clock::now() - start, seconds(2));
}

}  // namespace
