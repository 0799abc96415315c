#include "compose/units.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

namespace compose {
namespace {

// Go parses the magnitude of a duration as an unsigned number up to 1<<63 so that the most
// negative duration fits; keeping its limits keeps its overflow errors at the same inputs.
constexpr uint64_t kMaxMagnitude = uint64_t{1} << 63;
constexpr uint64_t kMaxInt64 = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

constexpr uint64_t kMicrosecond = 1'000;
constexpr uint64_t kMillisecond = 1'000'000;
constexpr uint64_t kSecond = 1'000'000'000;

struct DurationUnit {
  std::string_view name;
  uint64_t nanoseconds;
};

// Both micro signs are accepted because Go accepts both: U+00B5 (micro) and U+03BC (Greek mu).
constexpr std::array<DurationUnit, 8> kDurationUnits = {{
    {"ns", 1},
    {"us", kMicrosecond},
    {"\xC2\xB5s", kMicrosecond},
    {"\xCE\xBCs", kMicrosecond},
    {"ms", kMillisecond},
    {"s", kSecond},
    {"m", 60 * kSecond},
    {"h", 3600 * kSecond},
}};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::optional<uint64_t> find_duration_unit(std::string_view name) {
  for (const auto& unit : kDurationUnits) {
    if (unit.name == name) return unit.nanoseconds;
  }
  return std::nullopt;
}

// Go's leadingInt: an overflowing integer part is an error, not a saturated value.
std::optional<uint64_t> leading_int(std::string_view& s) {
  uint64_t x = 0;
  size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (x > kMaxMagnitude / 10) return std::nullopt;
    x = x * 10 + static_cast<uint64_t>(s[i] - '0');
    if (x > kMaxMagnitude) return std::nullopt;
  }
  s.remove_prefix(i);
  return x;
}

// Go's leadingFraction: digits beyond uint64 precision are consumed but cannot matter, so they
// are dropped instead of being an error.
void leading_fraction(std::string_view& s, uint64_t& fraction, double& scale) {
  bool overflow = false;
  size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (overflow) continue;
    if (fraction > (kMaxMagnitude - 1) / 10) {
      overflow = true;
      continue;
    }
    uint64_t next = fraction * 10 + static_cast<uint64_t>(s[i] - '0');
    if (next > kMaxMagnitude) {
      overflow = true;
      continue;
    }
    fraction = next;
    scale *= 10;
  }
  s.remove_prefix(i);
}

// Consumes one "<number><unit>" from the front of `s`; returns its length in nanoseconds.
std::optional<uint64_t> parse_duration_component(std::string_view& s) {
  if (s.empty() || !(s[0] == '.' || is_digit(s[0]))) return std::nullopt;
  size_t before = s.size();
  std::optional<uint64_t> whole = leading_int(s);
  if (!whole) return std::nullopt;
  bool has_whole = s.size() != before;

  uint64_t fraction = 0;
  double scale = 1;
  bool has_fraction = false;
  if (!s.empty() && s[0] == '.') {
    s.remove_prefix(1);
    before = s.size();
    leading_fraction(s, fraction, scale);
    has_fraction = s.size() != before;
  }
  if (!has_whole && !has_fraction) return std::nullopt;  // "." alone

  size_t unit_length = 0;
  while (unit_length < s.size() && s[unit_length] != '.' && !is_digit(s[unit_length])) {
    ++unit_length;
  }
  std::optional<uint64_t> unit = find_duration_unit(s.substr(0, unit_length));
  s.remove_prefix(unit_length);
  if (!unit || *whole > kMaxMagnitude / *unit) return std::nullopt;

  uint64_t total = *whole * *unit;
  if (fraction > 0) {
    // Go computes the fractional part in floating point; doing the same keeps results
    // bit-identical for inputs like "1.0000000001s". It is below `unit`, so it cannot overflow.
    total +=
        static_cast<uint64_t>(static_cast<double>(fraction) * (static_cast<double>(*unit) / scale));
    if (total > kMaxMagnitude) return std::nullopt;
  }
  return total;
}

// Go's fmtFrac: writes the digits of v % 10^precision right-aligned before buf[w], without
// trailing zeros (and without the '.' when they are all zero); leaves v / 10^precision in v.
size_t format_fraction(char* buf, size_t w, uint64_t& v, int precision) {
  bool print = false;
  for (int i = 0; i < precision; ++i) {
    char digit = static_cast<char>('0' + v % 10);
    print = print || digit != '0';
    if (print) buf[--w] = digit;
    v /= 10;
  }
  if (print) buf[--w] = '.';
  return w;
}

size_t format_integer(char* buf, size_t w, uint64_t v) {
  do {
    buf[--w] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0);
  return w;
}

// Below one second Go switches to the largest unit that keeps an integer part: "1.5ms".
size_t format_subsecond(char* buf, size_t w, uint64_t u) {
  buf[--w] = 's';
  int precision = 0;
  if (u < kMicrosecond) {
    buf[--w] = 'n';
  } else if (u < kMillisecond) {
    precision = 3;
    buf[--w] = '\xB5';  // U+00B5 in UTF-8, written backwards
    buf[--w] = '\xC2';
  } else {
    precision = 6;
    buf[--w] = 'm';
  }
  w = format_fraction(buf, w, u, precision);
  return format_integer(buf, w, u);
}

// "72h3m0.5s": hours and minutes are always followed by the smaller units, even when zero.
size_t format_hms(char* buf, size_t w, uint64_t u) {
  buf[--w] = 's';
  w = format_fraction(buf, w, u, 9);
  w = format_integer(buf, w, u % 60);
  u /= 60;
  if (u == 0) return w;
  buf[--w] = 'm';
  w = format_integer(buf, w, u % 60);
  u /= 60;
  if (u == 0) return w;
  buf[--w] = 'h';
  return format_integer(buf, w, u);
}

// A decimal number as written in sizes and CPU counts: "12", "1.5", ".5", "1."; no sign, no
// exponent, no "inf"/"nan", so that only plain numbers are accepted.
bool is_plain_decimal(std::string_view s) {
  size_t digits = 0;
  size_t dots = 0;
  for (char c : s) {
    if (is_digit(c)) {
      ++digits;
    } else if (c == '.') {
      ++dots;
    } else {
      return false;
    }
  }
  return digits > 0 && dots <= 1;
}

// The power of two a size suffix multiplies by; nullopt for an unknown suffix.
std::optional<int> size_suffix_shift(std::string_view suffix) {
  std::string lower(suffix);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (lower.empty() || lower == "b") return 0;
  static constexpr std::string_view kPrefixes = "kmgtp";
  size_t index = kPrefixes.find(lower[0]);
  if (index == std::string_view::npos) return std::nullopt;
  std::string_view rest = std::string_view(lower).substr(1);
  if (!rest.empty() && rest != "b" && rest != "i" && rest != "ib") return std::nullopt;
  return 10 * static_cast<int>(index + 1);
}

// floor(0.<digits> * 2^shift), exactly: doubling a decimal fraction `shift` times and collecting
// the carries avoids the rounding that float64 (what go-units uses) does on long inputs.
uint64_t fraction_times_power_of_two(std::string_view digits, int shift) {
  std::vector<int> fraction;
  for (char c : digits)
    fraction.push_back(c - '0');
  uint64_t whole = 0;
  for (int i = 0; i < shift; ++i) {
    int carry = 0;
    for (auto it = fraction.rbegin(); it != fraction.rend(); ++it) {
      int doubled = *it * 2 + carry;
      *it = doubled % 10;
      carry = doubled / 10;
    }
    whole = whole * 2 + static_cast<uint64_t>(carry);
  }
  return whole;
}

std::optional<uint64_t> parse_whole_number(std::string_view digits) {
  uint64_t value = 0;
  for (char c : digits) {
    if (value > (kMaxInt64 - static_cast<uint64_t>(c - '0')) / 10) return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

}  // namespace

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  if (text == "0") return std::chrono::nanoseconds(0);
  if (text.empty()) return std::nullopt;
  uint64_t total = 0;
  while (!text.empty()) {
    std::optional<uint64_t> component = parse_duration_component(text);
    if (!component || *component > kMaxMagnitude - total) return std::nullopt;
    total += *component;
  }
  if (total > kMaxInt64) return std::nullopt;
  return std::chrono::nanoseconds(static_cast<int64_t>(total));
}

std::string format_duration(std::chrono::nanoseconds d) {
  std::array<char, 32> buf{};
  size_t w = buf.size();
  int64_t count = d.count();
  // Negating in unsigned arithmetic also handles INT64_MIN, as Go does.
  uint64_t u = static_cast<uint64_t>(count);
  if (count < 0) u = ~u + 1;
  if (u == 0) return "0s";
  w = u < kSecond ? format_subsecond(buf.data(), w, u) : format_hms(buf.data(), w, u);
  if (count < 0) buf[--w] = '-';
  return std::string(buf.data() + w, buf.size() - w);
}

std::optional<int64_t> parse_byte_size(std::string_view text) {
  size_t number_length = 0;
  while (number_length < text.size() &&
         (is_digit(text[number_length]) || text[number_length] == '.')) {
    ++number_length;
  }
  std::string_view number = text.substr(0, number_length);
  std::string_view suffix = text.substr(number_length);
  // go-units allows one space between the number and its unit ("512 m"), not a dangling one.
  if (suffix.size() > 1 && suffix[0] == ' ') suffix.remove_prefix(1);
  if (!is_plain_decimal(number)) return std::nullopt;
  std::optional<int> shift = size_suffix_shift(suffix);
  if (!shift) return std::nullopt;

  size_t dot = number.find('.');
  std::string_view whole_digits = number.substr(0, dot);
  std::string_view fraction_digits =
      dot == std::string_view::npos ? std::string_view() : number.substr(dot + 1);
  std::optional<uint64_t> whole = parse_whole_number(whole_digits);
  if (!whole || *whole > (kMaxInt64 >> *shift)) return std::nullopt;
  uint64_t bytes = *whole << *shift;
  uint64_t fraction = fraction_times_power_of_two(fraction_digits, *shift);
  if (fraction > kMaxInt64 - bytes) return std::nullopt;
  return static_cast<int64_t>(bytes + fraction);
}

std::optional<double> parse_cpus(std::string_view text) {
  if (!is_plain_decimal(text)) return std::nullopt;
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::fixed);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string format_cpus(double cpus) {
  if (cpus == 0) return "0";  // also for -0.0, which no CPU count means
  // Fixed notation because parse_cpus, like the compose files it reads, has no exponents.
  std::array<char, 400> buf{};  // the longest fixed-notation double is about 330 characters
  auto [ptr, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), cpus, std::chars_format::fixed);
  if (ec != std::errc()) return {};
  return std::string(buf.data(), ptr);
}

}  // namespace compose
