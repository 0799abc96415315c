// Docker's time wording: go-units HumanDuration (its own test table), RFC 3339 forms.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>

#include "engine/human_time.h"

namespace {

using namespace std::chrono;
using engine::human_duration;

TEST(HumanDuration, MatchesGoUnits) {
  const auto day = hours(24), week = 7 * day, month = 30 * day, year = 365 * day;
  EXPECT_EQ(human_duration(milliseconds(450)), "Less than a second");
  EXPECT_EQ(human_duration(seconds(1)), "1 second");
  EXPECT_EQ(human_duration(seconds(45)), "45 seconds");
  EXPECT_EQ(human_duration(seconds(59)), "59 seconds");
  EXPECT_EQ(human_duration(seconds(60)), "About a minute");
  EXPECT_EQ(human_duration(minutes(3)), "3 minutes");
  EXPECT_EQ(human_duration(minutes(35) + seconds(40)), "35 minutes");
  EXPECT_EQ(human_duration(minutes(59)), "59 minutes");
  EXPECT_EQ(human_duration(hours(1)), "About an hour");
  EXPECT_EQ(human_duration(hours(1) + minutes(29)), "About an hour");
  EXPECT_EQ(human_duration(hours(1) + minutes(31)), "2 hours");
  EXPECT_EQ(human_duration(hours(3) + minutes(29)), "3 hours");
  EXPECT_EQ(human_duration(hours(3) + minutes(31)), "4 hours");
  EXPECT_EQ(human_duration(hours(24)), "24 hours");
  EXPECT_EQ(human_duration(day + hours(12)), "36 hours");
  EXPECT_EQ(human_duration(2 * day), "2 days");
  EXPECT_EQ(human_duration(13 * day + hours(5)), "13 days");
  EXPECT_EQ(human_duration(2 * week), "2 weeks");
  EXPECT_EQ(human_duration(4 * week + 3 * day), "4 weeks");
  EXPECT_EQ(human_duration(month), "4 weeks");
  EXPECT_EQ(human_duration(month + 2 * week), "6 weeks");
  EXPECT_EQ(human_duration(2 * month), "2 months");
  EXPECT_EQ(human_duration(3 * month + week), "3 months");
  EXPECT_EQ(human_duration(24 * month), "24 months");
  EXPECT_EQ(human_duration(24 * month + 2 * week), "2 years");
  EXPECT_EQ(human_duration(3 * year + 2 * month), "3 years");
  EXPECT_EQ(human_duration(seconds(-5)), "Less than a second");
}

engine::WallTime at(long long secs, long long nanos = 0) {
  return engine::WallTime(seconds(secs)) + nanoseconds(nanos);
}

TEST(Rfc3339, FixedAndTrimmedForms) {
  // 2026-11-29T23:06:29Z
  const long long t = 1795993589;
  EXPECT_EQ(engine::rfc3339_nano_fixed(at(t, 123456789)), "2026-11-29T23:06:29.123456789Z");
  EXPECT_EQ(engine::rfc3339_nano_fixed(at(t, 120000000)), "2026-11-29T23:06:29.120000000Z");
  EXPECT_EQ(engine::rfc3339_nano_fixed(at(t)), "2026-11-29T23:06:29.000000000Z");
  EXPECT_EQ(engine::rfc3339_nano(at(t, 120000000)), "2026-11-29T23:06:29.12Z");
  EXPECT_EQ(engine::rfc3339_nano(at(t)), "2026-11-29T23:06:29Z");
}

TEST(Rfc3339, ParsesWhatDockerWrites) {
  const long long t = 1795993589;
  EXPECT_EQ(engine::parse_rfc3339("2026-11-29T23:06:29.123456789Z"), at(t, 123456789));
  EXPECT_EQ(engine::parse_rfc3339("2026-11-29T23:06:29.12Z"), at(t, 120000000));
  EXPECT_EQ(engine::parse_rfc3339("2026-11-29T23:06:29Z"), at(t));
  EXPECT_EQ(engine::parse_rfc3339("2026-11-30T00:06:29+01:00"), at(t));
  EXPECT_FALSE(engine::parse_rfc3339("2026-11-29 nope"));
  EXPECT_FALSE(engine::parse_rfc3339("2026-11-29T23:06:29"));
}

TEST(GoTimeString, LocalZone) {
  const char* old = getenv("TZ");
  std::string saved = old ? old : "";
  setenv("TZ", "UTC", 1);
  tzset();
  std::string utc = engine::go_time_string(at(1795993589, 5));
  setenv("TZ", "Europe/Paris", 1);
  tzset();
  std::string paris = engine::go_time_string(at(1795993589));
  old ? setenv("TZ", saved.c_str(), 1) : unsetenv("TZ");
  tzset();
  EXPECT_EQ(utc, "2026-11-29 23:06:29 +0000 UTC");
  EXPECT_EQ(paris, "2026-11-30 00:06:29 +0100 CET");
}

}  // namespace
