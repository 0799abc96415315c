// `x-boxcompose`: what only boxcompose offers. Today: per-container bandwidth limits.
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "compose/decoders.h"

namespace compose {
namespace {

// Rates as tc(8) writes them: bit, kbit, mbit, gbit (powers of 1000 bits), bps, kbps,
// mbps, gbps (bytes per second). A bare number is bits per second.
std::optional<int64_t> parse_rate(const std::string& text) {
  char* end = nullptr;
  double number = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(number) || number <= 0) return std::nullopt;
  std::string unit;
  for (const char* c = end; *c; ++c)
    unit += static_cast<char>(std::tolower(*c));
  static const std::pair<std::string_view, double> kUnits[] = {
      {"", 1},    {"bit", 1},    {"kbit", 1e3}, {"mbit", 1e6}, {"gbit", 1e9},
      {"bps", 8}, {"kbps", 8e3}, {"mbps", 8e6}, {"gbps", 8e9}};
  for (const auto& [name, factor] : kUnits) {
    if (unit == name && number * factor < 9e18) return static_cast<int64_t>(number * factor);
  }
  return std::nullopt;
}

void decode_rate(Decoder& d, std::optional<int64_t>& field, const Tree& node,
                 const std::string& path) {
  auto text = d.string(node, path);
  if (!text) return;
  field = parse_rate(*text);
  if (!field)
    d.error(node, path, "invalid rate " + quote(*text) + " (expected e.g. 10mbit or 512kbit)");
}

const FieldTable<BoxcomposeExtension>& bandwidth_table() {
  static const FieldTable<BoxcomposeExtension> kTable = {
      {"egress", [](Decoder& d, BoxcomposeExtension& x, const Tree& n,
                    const std::string& p) { decode_rate(d, x.egress_bits_per_second, n, p); }},
      {"ingress", [](Decoder& d, BoxcomposeExtension& x, const Tree& n, const std::string& p) {
         decode_rate(d, x.ingress_bits_per_second, n, p);
       }}};
  return kTable;
}

}  // namespace

void decode_boxcompose_extension(Decoder& d, Service& s, const Tree& node,
                                 const std::string& path) {
  static const FieldTable<BoxcomposeExtension> kTable = {
      {"bandwidth", [](Decoder& d, BoxcomposeExtension& x, const Tree& n, const std::string& p) {
         decode_fields(d, x, n, p, bandwidth_table());
       }}};
  BoxcomposeExtension extension;
  decode_fields(d, extension, node, path, kTable);
  s.boxcompose = extension;
}

}  // namespace compose
