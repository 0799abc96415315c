// The scalar value syntaxes of the compose specification that are not plain numbers:
// durations (healthcheck intervals, stop_grace_period), byte sizes (mem_limit, shm_size, tmpfs
// size) and CPU counts. They follow the Go libraries Docker Compose uses, so that a file means
// the same thing here as there.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace compose {

// Go time.ParseDuration syntax as the compose spec uses: "1m30s", "500ms", "1.5h", "10s",
// "2h45m", ".5s"; units ns, us, µs (U+00B5 or U+03BC), ms, s, m, h (case-sensitive, as in Go).
// Durations are never negative here, so a leading sign ('-' or '+') is rejected. "0" alone is
// accepted; any other number without a unit is rejected; empty and overflow are rejected.
std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text);

// Exactly Go's time.Duration.String(): "1m30s", "500ms", "1h0m0s", "0s", "1.5s", "2µs" (U+00B5),
// "-1s".
std::string format_duration(std::chrono::nanoseconds d);

// docker/go-units RAMInBytes as compose uses it for mem_limit, shm_size, tmpfs size...: a decimal
// number ("512", "1.5", ".5", "1.") then an optional single space and an optional unit b, k, kb,
// ki, kib, m, mb, ... p, pb, pib (case-insensitive, all 1024-based). "512m" = 536870912,
// "100MB" = 104857600, "1.5g" = 1610612736 (fractions are truncated to whole bytes, exactly).
// Rejects negatives, empty, exponents, garbage and anything above INT64_MAX.
std::optional<int64_t> parse_byte_size(std::string_view text);

// A non-negative decimal number of CPUs: "0.5", "2", "1.25", ".5". Rejects signs, empty,
// exponents, garbage, nan/inf and numbers too large for a double.
std::optional<double> parse_cpus(std::string_view text);

// The shortest fixed-point text that reads back as the same double: 0.5 -> "0.5", 2 -> "2".
std::string format_cpus(double cpus);

}  // namespace compose
