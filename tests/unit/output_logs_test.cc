// `logs` prefixes as Docker Compose prints them: names padded to the longest plus one,
// compose's colour cycle, --no-color, --no-log-prefix, -t.
#include "engine/output_logs.h"

#include <gtest/gtest.h>

namespace {

using engine::LogEntry;
using engine::LogFormatter;
using engine::LogStream;

LogEntry entry(const std::string& text, LogStream s = LogStream::Stdout) {
  LogEntry e;
  e.stream = s;
  e.text = text;
  e.time = engine::WallTime(std::chrono::seconds(1795993589)) + std::chrono::nanoseconds(120);
  return e;
}

TEST(LogFormatter, PrefixPaddedToTheLongestName) {
  LogFormatter f({.color = false});
  f.add("web-1");
  f.add("worker-1");
  EXPECT_EQ(f.format("web-1", entry("hello\n")), "web-1     | hello\n");
  EXPECT_EQ(f.format("worker-1", entry("hi\n")), "worker-1  | hi\n");
}

TEST(LogFormatter, SingleName) {
  LogFormatter f({.color = false});
  EXPECT_EQ(f.format("web-1", entry("hello\n")), "web-1  | hello\n");
}

TEST(LogFormatter, ColoursCycleThroughComposePalette) {
  LogFormatter f;
  const char* names[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"};
  for (const char* n : names)
    f.add(n);
  EXPECT_EQ(f.prefix("a"), "\x1b[36ma  | \x1b[0m");
  EXPECT_EQ(f.prefix("b"), "\x1b[33mb  | \x1b[0m");
  EXPECT_EQ(f.prefix("c"), "\x1b[32mc  | \x1b[0m");
  EXPECT_EQ(f.prefix("d"), "\x1b[35md  | \x1b[0m");
  EXPECT_EQ(f.prefix("e"), "\x1b[34me  | \x1b[0m");
  EXPECT_EQ(f.prefix("f"), "\x1b[36;1mf  | \x1b[0m");
  EXPECT_EQ(f.prefix("j"), "\x1b[34;1mj  | \x1b[0m");
  EXPECT_EQ(f.prefix("k"), "\x1b[36mk  | \x1b[0m");  // around again
  EXPECT_EQ(f.format("a", entry("x\n")), "\x1b[36ma  | \x1b[0mx\n");
}

TEST(LogFormatter, NoPrefixAndTimestamps) {
  LogFormatter plain({.color = true, .prefix = false});
  EXPECT_EQ(plain.format("web-1", entry("hello\n")), "hello\n");
  LogFormatter stamped({.color = false, .prefix = true, .timestamps = true});
  EXPECT_EQ(stamped.format("web-1", entry("hello\n")),
            "web-1  | 2026-11-29T23:06:29.000000120Z hello\n");
}

TEST(LogFormatter, PiecesWithoutNewlineAndEmbeddedNewlines) {
  LogFormatter f({.color = false});
  EXPECT_EQ(f.format("w", entry("partial")), "w  | partial\n");
  EXPECT_EQ(f.format("w", entry("a\nb\n")), "w  | a\nw  | b\n");
  EXPECT_EQ(f.format("w", entry("\n")), "w  | \n");
}

TEST(LogFormatter, StderrGoesToErr) {
  LogFormatter f({.color = false});
  char *obuf = nullptr, *ebuf = nullptr;
  size_t olen = 0, elen = 0;
  FILE* out = open_memstream(&obuf, &olen);
  FILE* err = open_memstream(&ebuf, &elen);
  f.print("w", entry("to out\n"), out, err);
  f.print("w", entry("to err\n", LogStream::Stderr), out, err);
  fclose(out);
  fclose(err);
  EXPECT_EQ(std::string(obuf, olen), "w  | to out\n");
  EXPECT_EQ(std::string(ebuf, elen), "w  | to err\n");
  free(obuf);
  free(ebuf);
}

}  // namespace
