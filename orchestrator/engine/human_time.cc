#include "engine/human_time.h"

#include <time.h>

#include <cstdio>

namespace engine {

namespace {

std::string plural(long n, const char* unit) {
  return std::to_string(n) + " " + unit;
}

// Civil UTC fields of t and its nanoseconds within the second.
struct UtcParts {
  tm fields;
  long nanos;
};

UtcParts utc_parts(WallTime t) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  UtcParts p{};
  time_t tt = static_cast<time_t>(secs.time_since_epoch().count());
  gmtime_r(&tt, &p.fields);
  p.nanos = static_cast<long>((t - secs).count());
  return p;
}

std::string utc_seconds(const tm& f) {
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", f.tm_year + 1900, f.tm_mon + 1,
                f.tm_mday, f.tm_hour, f.tm_min, f.tm_sec);
  return buf;
}

bool digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

// go-units' thresholds: seconds and minutes truncate, hours round to the nearest hour
// (1h29m is "About an hour", 1h31m "2 hours"); days, weeks and months count those rounded
// hours, years the truncated ones.
std::string human_duration(std::chrono::nanoseconds d) {
  using namespace std::chrono;
  if (d.count() < 0) d = nanoseconds(0);
  long seconds = static_cast<long>(duration_cast<std::chrono::seconds>(d).count());
  if (seconds < 1) return "Less than a second";
  if (seconds == 1) return "1 second";
  if (seconds < 60) return plural(seconds, "seconds");
  long minutes = seconds / 60;
  if (minutes == 1) return "About a minute";
  if (minutes < 60) return plural(minutes, "minutes");
  long hours = static_cast<long>(duration_cast<std::chrono::hours>(d + 30min).count());
  if (hours == 1) return "About an hour";
  if (hours < 48) return plural(hours, "hours");
  if (hours < 24 * 7 * 2) return plural(hours / 24, "days");
  if (hours < 24 * 30 * 2) return plural(hours / 24 / 7, "weeks");
  if (hours < 24 * 365 * 2) return plural(hours / 24 / 30, "months");
  return plural(static_cast<long>(duration_cast<std::chrono::hours>(d).count()) / 24 / 365,
                "years");
}

std::string rfc3339_nano_fixed(WallTime t) {
  UtcParts p = utc_parts(t);
  char frac[32];
  std::snprintf(frac, sizeof frac, ".%09ldZ", p.nanos);
  return utc_seconds(p.fields) + frac;
}

std::string rfc3339_nano(WallTime t) {
  UtcParts p = utc_parts(t);
  std::string out = utc_seconds(p.fields);
  if (p.nanos != 0) {
    char frac[32];
    std::snprintf(frac, sizeof frac, ".%09ld", p.nanos);
    std::string f = frac;
    while (f.back() == '0')
      f.pop_back();
    out += f;
  }
  return out + "Z";
}

std::optional<WallTime> parse_rfc3339(std::string_view s) {
  tm f{};
  if (!digits(s, 0, 4, &f.tm_year) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, &f.tm_mon) ||
      s[7] != '-' || !digits(s, 8, 2, &f.tm_mday) ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, &f.tm_hour) ||
      s[13] != ':' || !digits(s, 14, 2, &f.tm_min) || s[16] != ':' || !digits(s, 17, 2, &f.tm_sec))
    return std::nullopt;
  f.tm_year -= 1900;
  f.tm_mon -= 1;
  size_t pos = 19;
  long nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    long scale = 100000000;
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos) {
      nanos += (s[pos] - '0') * scale;
      scale /= 10;
    }
  }
  long offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int hh = 0, mm = 0;
    if (!digits(s, pos + 1, 2, &hh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, &mm))
      return std::nullopt;
    offset = (s[pos] == '+' ? 1 : -1) * (hh * 3600L + mm * 60L);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  time_t secs = timegm(&f) - offset;
  return WallTime(std::chrono::seconds(secs)) + std::chrono::nanoseconds(nanos);
}

std::string go_time_string(WallTime t) {
  time_t tt =
      static_cast<time_t>(std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count());
  tm f{};
  localtime_r(&tt, &f);
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %z %Z", &f);
  return buf;
}

}  // namespace engine
