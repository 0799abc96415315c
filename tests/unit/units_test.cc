#include "compose/units.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace compose {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();
constexpr int64_t kMinInt64 = std::numeric_limits<int64_t>::min();
constexpr int64_t kKi = 1024;
constexpr int64_t kMi = kKi * 1024;
constexpr int64_t kGi = kMi * 1024;
constexpr int64_t kTi = kGi * 1024;
constexpr int64_t kPi = kTi * 1024;

struct DurationCase {
  std::string text;
  nanoseconds expected;
};

// ---- parse_duration ----

TEST(ParseDuration, AcceptsEveryUnit) {
  const std::vector<DurationCase> cases = {
      {"10ns", nanoseconds(10)},
      {"11us", microseconds(11)},
      {"12\xC2\xB5s", microseconds(12)},  // U+00B5 MICRO SIGN
      {"12\xCE\xBCs", microseconds(12)},  // U+03BC GREEK SMALL LETTER MU
      {"13ms", milliseconds(13)},
      {"14s", seconds(14)},
      {"15m", minutes(15)},
      {"16h", hours(16)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(parse_duration(c.text), c.expected);
  }
}

TEST(ParseDuration, AcceptsTheFormsComposeFilesUse) {
  const std::vector<DurationCase> cases = {
      {"0", nanoseconds(0)},
      {"0s", nanoseconds(0)},
      {"0ms", nanoseconds(0)},
      {"1m30s", seconds(90)},
      {"500ms", milliseconds(500)},
      {"1.5h", minutes(90)},
      {"10s", seconds(10)},
      {"2h45m", minutes(165)},
      {"3h30m", minutes(210)},
      {"1h2m3s4ms5us6ns",
       hours(1) + minutes(2) + seconds(3) + milliseconds(4) + microseconds(5) + nanoseconds(6)},
      {"39h9m14.425s", hours(39) + minutes(9) + milliseconds(14425)},
      {"52763797000ns", nanoseconds(52763797000)},
      {"10.5s4m", minutes(4) + milliseconds(10500)},  // any order, as Go
      {"1s1s", seconds(2)},                           // repeated units add up, as Go
      {"90m", minutes(90)},
      {"1000ms", seconds(1)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(parse_duration(c.text), c.expected);
  }
}

TEST(ParseDuration, AcceptsDecimalFractionsLikeGo) {
  const std::vector<DurationCase> cases = {
      {"5.0s", seconds(5)},
      {"5.6s", milliseconds(5600)},
      {"5.s", seconds(5)},
      {".5s", milliseconds(500)},
      {"1.0s", seconds(1)},
      {"1.00s", seconds(1)},
      {"1.004s", milliseconds(1004)},
      {"1.0040s", milliseconds(1004)},
      {"100.00100s", seconds(100) + milliseconds(1)},
      {"0.1s", milliseconds(100)},
      {"1.5ns", nanoseconds(1)},  // truncated to whole nanoseconds
      {"0.3333333333333333333h", minutes(20)},
      {"0.100000000000000000000h", minutes(6)},
      {"0.830103483285477580700h", minutes(49) + seconds(48) + nanoseconds(372539827)},
      {"9007199254740993ns", nanoseconds((int64_t{1} << 53) + 1)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(parse_duration(c.text), c.expected);
  }
}

TEST(ParseDuration, AcceptsUpToTheLargestDuration) {
  EXPECT_EQ(parse_duration("9223372036854775807ns"), nanoseconds(kMaxInt64));
  EXPECT_EQ(parse_duration("9223372036854775.807us"), nanoseconds(kMaxInt64));
  EXPECT_EQ(parse_duration("9223372036854ms775us807ns"), nanoseconds(kMaxInt64));
  EXPECT_EQ(parse_duration("2562047h47m16.854775807s"), nanoseconds(kMaxInt64));
}

TEST(ParseDuration, RejectsOverflow) {
  for (const char* text :
       {"9223372036854775808ns", "9223372036854775.808us", "9223372036854ms775us808ns",
        "2562047h47m16.854775808s", "3000000h", "18446744073709551616ns",
        "99999999999999999999999h", "9223372036854775808ns9223372036854775808ns",
        "4611686018427387904ns4611686018427387904ns"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_duration(text), std::nullopt);
  }
}

TEST(ParseDuration, RejectsSigns) {
  for (const char* text : {"-5s", "+5s", "-0", "+0", "-1m30s", "-", "+", "1s-1s"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_duration(text), std::nullopt);
  }
}

TEST(ParseDuration, RejectsNumbersWithoutUnit) {
  for (const char* text : {"3", "00", "1.5", "10", "1m30", "0.0", ".0"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_duration(text), std::nullopt);
  }
}

TEST(ParseDuration, RejectsGarbage) {
  for (const char* text : {"",
                           " ",
                           "s",
                           ".",
                           ".s",
                           "-.",
                           "+.s",
                           "1d",
                           "1w",
                           "1y",
                           "1H",
                           "1S",
                           "1Ms",
                           "1sec",
                           "1 s",
                           " 1s",
                           "1s ",
                           "1s\n",
                           "1.5.5s",
                           "1..5s",
                           "\x85\x85",
                           "\xff"
                           "ff",
                           "hello \xff"
                           "ff world",
                           "1\xC2s",
                           "1\xB5s",
                           "one second",
                           "1e3s",
                           "0x10s",
                           "1,5s",
                           "1_000s",
                           "5s,"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_duration(text), std::nullopt);
  }
}

// ---- format_duration ----

TEST(FormatDuration, MatchesGoDurationString) {
  const std::vector<DurationCase> cases = {
      {"0s", nanoseconds(0)},
      {"1ns", nanoseconds(1)},
      {"999ns", nanoseconds(999)},
      {"1\xC2\xB5s", microseconds(1)},
      {"2\xC2\xB5s", microseconds(2)},
      {"1.1\xC2\xB5s", nanoseconds(1100)},
      {"1.001\xC2\xB5s", nanoseconds(1001)},
      {"1ms", milliseconds(1)},
      {"2.2ms", microseconds(2200)},
      {"500ms", milliseconds(500)},
      {"999.999999ms", nanoseconds(999999999)},
      {"1s", seconds(1)},
      {"1.5s", milliseconds(1500)},
      {"3.3s", milliseconds(3300)},
      {"1m0s", seconds(60)},
      {"1m30s", seconds(90)},
      {"4m5s", minutes(4) + seconds(5)},
      {"4m5.001s", minutes(4) + milliseconds(5001)},
      {"1h0m0s", hours(1)},
      {"5h6m7.001s", hours(5) + minutes(6) + milliseconds(7001)},
      {"8m0.000000001s", minutes(8) + nanoseconds(1)},
      {"1h0m0.5s", hours(1) + milliseconds(500)},
      {"100h0m0s", hours(100)},
      {"2562047h47m16.854775807s", nanoseconds(kMaxInt64)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(format_duration(c.expected), c.text);
  }
}

TEST(FormatDuration, FormatsNegativeDurationsLikeGo) {
  EXPECT_EQ(format_duration(nanoseconds(-1)), "-1ns");
  EXPECT_EQ(format_duration(microseconds(-2)), "-2\xC2\xB5s");
  EXPECT_EQ(format_duration(milliseconds(-1500)), "-1.5s");
  EXPECT_EQ(format_duration(-hours(1)), "-1h0m0s");
  EXPECT_EQ(format_duration(nanoseconds(kMinInt64)), "-2562047h47m16.854775808s");
}

TEST(FormatDuration, ReadsBackThroughParseDuration) {
  for (int64_t n :
       {int64_t{0}, int64_t{1}, int64_t{999}, int64_t{1000}, int64_t{1001}, int64_t{123456789},
        int64_t{1000000000}, int64_t{59999999999}, int64_t{3600000000000}, int64_t{3600000000001},
        int64_t{86399999999999}, kMaxInt64 - 1, kMaxInt64}) {
    SCOPED_TRACE(n);
    EXPECT_EQ(parse_duration(format_duration(nanoseconds(n))), nanoseconds(n));
  }
}

// ---- parse_byte_size ----

struct SizeCase {
  std::string text;
  int64_t expected;
};

TEST(ParseByteSize, AcceptsPlainBytes) {
  const std::vector<SizeCase> cases = {
      {"0", 0},       {"1", 1},   {"1024", 1024}, {"007", 7},
      {"1b", 1},      {"1B", 1},  {"10 b", 10},   {"9223372036854775807", kMaxInt64},
      {"0b", 0},      {"000", 0}, {"1.5", 1},     {"1.9b", 1},
      {"0.99999", 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(parse_byte_size(c.text), c.expected);
  }
}

TEST(ParseByteSize, AcceptsEveryUnitSpellingAs1024Based) {
  const std::vector<std::pair<std::string, int64_t>> units = {
      {"k", kKi}, {"m", kMi}, {"g", kGi}, {"t", kTi}, {"p", kPi}};
  for (const auto& [letter, multiplier] : units) {
    std::string upper(1, static_cast<char>(letter[0] - 'a' + 'A'));
    for (const std::string& suffix :
         {letter, upper, letter + "b", upper + "B", letter + "B", upper + "b", letter + "i",
          upper + "i", letter + "ib", upper + "iB", upper + "IB", letter + "iB"}) {
      SCOPED_TRACE("3" + suffix);
      EXPECT_EQ(parse_byte_size("3" + suffix), 3 * multiplier);
      EXPECT_EQ(parse_byte_size("3 " + suffix), 3 * multiplier);
    }
  }
}

TEST(ParseByteSize, AcceptsTheFormsComposeFilesUse) {
  const std::vector<SizeCase> cases = {
      {"512m", 536870912},
      {"1g", 1073741824},
      {"100MB", 104857600},
      {"64M", 67108864},
      {"2GiB", 2147483648},
      {"1.5g", 1610612736},
      {"0.5k", 512},
      {".5k", 512},
      {"1.k", 1024},
      {"0.1k", 102},         // 102.4 truncated
      {"32.3mb", 33869004},  // 33869004.8 truncated, as go-units
      {"1.000000001g", kGi + 1},
      {"1 kb", 1024},
      {"8191p", 8191 * kPi},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(parse_byte_size(c.text), c.expected);
  }
}

TEST(ParseByteSize, TruncatesFractionsExactly) {
  // float64 arithmetic would round these; exact decimal arithmetic does not.
  EXPECT_EQ(parse_byte_size("8191.9999999999999999999p"), kMaxInt64);
  EXPECT_EQ(parse_byte_size("0.00000000000000088817841970012523233890533447265625p"), 1);
  EXPECT_EQ(parse_byte_size("0.00000000000000088817841970012523233890533447265624p"), 0);
  EXPECT_EQ(parse_byte_size("0.0009765625k"), 1);
  EXPECT_EQ(parse_byte_size("0.0009765624k"), 0);
  EXPECT_EQ(parse_byte_size("1." + std::string(10000, '9') + "m"), 2 * kMi - 1);
}

TEST(ParseByteSize, RejectsOverflow) {
  for (const char* text : {"9223372036854775808", "8192p", "8192P", "8388608t", "8589934592g",
                           "9007199254740992k", "99999999999999999999999"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_byte_size(text), std::nullopt);
  }
}

TEST(ParseByteSize, RejectsNegativesAndSigns) {
  for (const char* text : {"-1", "-1k", "-0", "+1", "+1m", "- 1"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_byte_size(text), std::nullopt);
  }
}

TEST(ParseByteSize, RejectsGarbage) {
  for (const char* text :
       {"",     " ",         "k",    "m",        "b",   ".",     ".k",    "..5k",  "1.2.3",
        "1x",   "1kk",       "1kbb", "1bb",      "1bi", "1ik",   "1kib2", "1kiB ", "1 ",
        "1  m", " 1m",       "1m ",  "1\tm",     "1e3", "1e3k",  "0x10",  "1,5g",  "1_000",
        "inf",  "nan",       "NaN",  "Infinity", "1 2", "1 .5k", "1E",    "1z",    "1ki b",
        "one",  "1\xC2\xB5", "1 b ", "1e",       "1eb"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_byte_size(text), std::nullopt);
  }
}

// ---- parse_cpus / format_cpus ----

TEST(ParseCpus, AcceptsDecimalNumbers) {
  const std::vector<std::pair<std::string, double>> cases = {
      {"0.5", 0.5},
      {"2", 2.0},
      {"1.25", 1.25},
      {"0", 0.0},
      {".5", 0.5},
      {"1.", 1.0},
      {"000.500", 0.5},
      {"0.1", 0.1},
      {"64", 64.0},
      {"0.000001", 0.000001},
      {"123456789.5", 123456789.5},
  };
  for (const auto& [text, expected] : cases) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_cpus(text), expected);
  }
}

TEST(ParseCpus, RejectsNegativeAndGarbage) {
  for (const char* text : {"",    " ",   ".",   "-1",  "-0.5", "-0",       "+1",    "1e3",
                           "1E3", "nan", "NaN", "inf", "-inf", "Infinity", "1.2.3", " 1",
                           "1 ",  "abc", "0x1", "1,5", "1_0",  "2 cpus",   "0.5\n", "\xC2\xBD"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_cpus(text), std::nullopt);
  }
}

TEST(ParseCpus, RejectsNumbersTooLargeForADouble) {
  EXPECT_EQ(parse_cpus("1" + std::string(400, '0')), std::nullopt);
}

TEST(FormatCpus, GivesTheShortestText) {
  EXPECT_EQ(format_cpus(0.5), "0.5");
  EXPECT_EQ(format_cpus(2.0), "2");
  EXPECT_EQ(format_cpus(1.25), "1.25");
  EXPECT_EQ(format_cpus(0.1), "0.1");
  EXPECT_EQ(format_cpus(0.0), "0");
  EXPECT_EQ(format_cpus(-0.0), "0");
  EXPECT_EQ(format_cpus(16.0), "16");
  EXPECT_EQ(format_cpus(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(format_cpus(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(format_cpus(1e-7), "0.0000001");  // never an exponent
  EXPECT_EQ(format_cpus(1e20), "100000000000000000000");
}

TEST(FormatCpus, ReadsBackThroughParseCpus) {
  for (double cpus : {0.0, 0.5, 2.0, 1.25, 0.1, 1.0 / 3.0, 0.1 + 0.2, 1e-7, 123.456, 1e20,
                      std::nextafter(1.0, 2.0), std::numeric_limits<double>::denorm_min(),
                      std::numeric_limits<double>::max()}) {
    SCOPED_TRACE(cpus);
    EXPECT_EQ(parse_cpus(format_cpus(cpus)), cpus);
  }
}

}  // namespace
}  // namespace compose
