// Times as Docker prints them: go-units' HumanDuration ("About a minute", "3 days"),
// RFC 3339 with nanoseconds (log files and `logs -t`), and Go's time.Time.String()
// (`ps --format json`'s CreatedAt).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace engine {

using WallClock = std::chrono::system_clock;
using WallTime = std::chrono::time_point<WallClock, std::chrono::nanoseconds>;

// go-units HumanDuration: "Less than a second", "1 second", "N seconds", "About a minute",
// "N minutes", "About an hour", "N hours", "N days", "N weeks", "N months", "N years".
// Negative durations count as zero.
std::string human_duration(std::chrono::nanoseconds d);

// "2026-11-29T23:06:29.123456789Z": UTC, always nine fraction digits (Docker's
// RFC3339NanoFixed, as `docker logs -t` prints).
std::string rfc3339_nano_fixed(WallTime t);
// "2026-11-29T23:06:29.1234Z": UTC, trailing zeros of the fraction trimmed, and no fraction
// at all when it is zero (Go's time.RFC3339Nano, as the json-file log driver writes).
std::string rfc3339_nano(WallTime t);
// Parses RFC 3339 with any number of fraction digits and a "Z" or "+hh:mm" offset.
std::optional<WallTime> parse_rfc3339(std::string_view s);

// Go's time.Time.String() in the local time zone: "2026-11-29 23:06:29 +0100 CET".
// Sub-second digits are dropped (Docker's container Created time has none).
std::string go_time_string(WallTime t);

// Now, at nanosecond resolution.
inline WallTime wall_now() {
  return std::chrono::time_point_cast<std::chrono::nanoseconds>(WallClock::now());
}

}  // namespace engine
