#include "boximg/human.h"

#include <cstdio>

namespace image {

std::string human_size(std::int64_t bytes) {
  static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  double size = static_cast<double>(bytes);
  int unit = 0;
  while (size >= 1000.0 && unit < 6) {
    size /= 1000.0;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g%s", size, kUnits[unit]);
  return buf;
}

std::string human_duration(std::int64_t seconds) {
  auto count = [](std::int64_t n, const char* unit) { return std::to_string(n) + " " + unit; };
  if (seconds < 1) return "Less than a second";
  if (seconds == 1) return "1 second";
  if (seconds < 60) return count(seconds, "seconds");
  std::int64_t minutes = seconds / 60;
  if (minutes == 1) return "About a minute";
  if (minutes < 60) return count(minutes, "minutes");
  std::int64_t hours = (seconds + 1800) / 3600;  // go-units rounds hours
  if (hours == 1) return "About an hour";
  if (hours < 48) return count(hours, "hours");
  if (hours < 24 * 7 * 2) return count(hours / 24, "days");
  if (hours < 24 * 30 * 2) return count(hours / 24 / 7, "weeks");
  if (hours < 24 * 365 * 2) return count(hours / 24 / 30, "months");
  return count(seconds / 3600 / 24 / 365, "years");
}

}  // namespace image
