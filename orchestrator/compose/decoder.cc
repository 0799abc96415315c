#include "compose/decoder.h"

#include <charconv>
#include <cmath>

#include "compose/units.h"

namespace compose {

std::string key_path(const std::string& base, std::string_view key) {
  if (base.empty()) return std::string(key);
  std::string path;
  path.reserve(base.size() + key.size() + 1);
  path.append(base).append(".").append(key);
  return path;
}

std::string index_path(const std::string& base, size_t index) {
  return base + "[" + std::to_string(index) + "]";
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

void Decoder::error(const Tree& at, const std::string& path, std::string message) {
  diag_.error(at.mark(), path, std::move(message));
}

void Decoder::error(const Mark& at, const std::string& path, std::string message) {
  diag_.error(at, path, std::move(message));
}

std::optional<std::string> Decoder::string(const Tree& node, const std::string& path) {
  if (node.is_scalar()) return node.text();
  error(node, path, "must be a string, not " + std::string(node.kind_name()));
  return std::nullopt;
}

std::optional<int64_t> Decoder::integer(const Tree& node, const std::string& path, int64_t min,
                                        int64_t max) {
  auto text = string(node, path);
  if (!text) return std::nullopt;
  int64_t value = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end || text->empty()) {
    error(node, path, "must be an integer, not " + quote(*text));
    return std::nullopt;
  }
  if (value < min || value > max) {
    error(node, path,
          "invalid value " + *text + " (must be " + std::to_string(min) + "-" +
              std::to_string(max) + ")");
    return std::nullopt;
  }
  return value;
}

std::optional<bool> Decoder::boolean(const Tree& node, const std::string& path) {
  auto text = string(node, path);
  if (!text) return std::nullopt;
  // The spellings compose-go accepts after interpolation.
  static const std::unordered_map<std::string_view, bool> kSpellings = {
      {"true", true},   {"True", true}, {"TRUE", true},   {"yes", true},
      {"y", true},      {"on", true},   {"false", false}, {"False", false},
      {"FALSE", false}, {"no", false},  {"n", false},     {"off", false}};
  if (auto it = kSpellings.find(*text); it != kSpellings.end()) return it->second;
  error(node, path, "must be a boolean (true or false), not " + quote(*text));
  return std::nullopt;
}

std::optional<Duration> Decoder::duration(const Tree& node, const std::string& path) {
  auto text = string(node, path);
  if (!text) return std::nullopt;
  if (auto d = parse_duration(*text)) return d;
  error(node, path,
        "invalid duration " + quote(*text) +
            " (expected a number with a unit: ns, us, ms, s, m or h, e.g. 1m30s)");
  return std::nullopt;
}

std::optional<int64_t> Decoder::byte_size(const Tree& node, const std::string& path) {
  auto text = string(node, path);
  if (!text) return std::nullopt;
  if (auto n = parse_byte_size(*text)) return n;
  error(node, path,
        "invalid size " + quote(*text) + " (expected bytes or a number with b, k, m or g)");
  return std::nullopt;
}

std::optional<int64_t> Decoder::byte_size_or_unlimited(const Tree& node, const std::string& path) {
  if (node.is_scalar() && node.text() == "-1") return -1;
  return byte_size(node, path);
}

std::optional<double> Decoder::cpus(const Tree& node, const std::string& path) {
  auto text = string(node, path);
  if (!text) return std::nullopt;
  if (auto n = parse_cpus(*text)) return n;
  error(node, path, "invalid number of CPUs " + quote(*text) + " (expected e.g. 0.5 or 2)");
  return std::nullopt;
}

std::optional<uint32_t> Decoder::file_mode(const Tree& node, const std::string& path) {
  auto text = string(node, path);
  if (!text) return std::nullopt;
  // YAML 1.1 octal (0644), YAML 1.2 octal (0o644) and plain decimal (420) all occur.
  std::string_view digits = *text;
  int base = 10;
  if (digits.starts_with("0o")) {
    digits.remove_prefix(2);
    base = 8;
  } else if (digits.size() > 1 && digits[0] == '0') {
    base = 8;
  }
  uint32_t mode = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), mode, base);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || digits.empty() || mode > 07777) {
    error(node, path, "invalid file mode " + quote(*text) + " (expected e.g. 0644)");
    return std::nullopt;
  }
  return mode;
}

bool Decoder::expect_mapping(const Tree& node, const std::string& path) {
  if (node.is_mapping()) return true;
  error(node, path, "must be a mapping, not " + std::string(node.kind_name()));
  return false;
}

bool Decoder::expect_sequence(const Tree& node, const std::string& path) {
  if (node.is_sequence()) return true;
  error(node, path, "must be a sequence, not " + std::string(node.kind_name()));
  return false;
}

std::optional<std::vector<std::string>> Decoder::string_list(const Tree& node,
                                                             const std::string& path) {
  if (!expect_sequence(node, path)) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  for (size_t i = 0; i < node.items().size(); ++i) {
    auto s = string(node.items()[i], index_path(path, i));
    ok = ok && s.has_value();
    if (s) out.push_back(std::move(*s));
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::vector<std::string>> Decoder::string_or_list(const Tree& node,
                                                                const std::string& path) {
  if (node.is_scalar()) return std::vector<std::string>{node.text()};
  if (node.is_sequence()) return string_list(node, path);
  error(node, path, "must be a string or a list of strings, not " + std::string(node.kind_name()));
  return std::nullopt;
}

std::optional<OptionalStringMap> Decoder::optional_string_map(const Tree& node,
                                                              const std::string& path) {
  OptionalStringMap out;
  if (node.is_mapping()) {
    for (const TreeEntry& e : node.entries()) {
      if (e.value.is_null()) {
        out[e.key] = std::nullopt;
      } else if (auto v = string(e.value, key_path(path, e.key))) {
        out[e.key] = std::move(*v);
      }
    }
    return out;
  }
  if (!node.is_sequence()) {
    error(node, path,
          "must be a mapping or a list of KEY=VALUE strings, not " + std::string(node.kind_name()));
    return std::nullopt;
  }
  for (size_t i = 0; i < node.items().size(); ++i) {
    auto item = string(node.items()[i], index_path(path, i));
    if (!item) continue;
    auto eq = item->find('=');
    if (eq == 0) {
      error(node.items()[i], index_path(path, i), "missing a key before '=' in " + quote(*item));
    } else if (eq == std::string::npos) {
      out[*item] = std::nullopt;
    } else {
      out[item->substr(0, eq)] = item->substr(eq + 1);
    }
  }
  return out;
}

std::optional<StringMap> Decoder::string_map(const Tree& node, const std::string& path) {
  auto optional_values = optional_string_map(node, path);
  if (!optional_values) return std::nullopt;
  StringMap out;
  for (auto& [key, value] : *optional_values)
    out[key] = value.value_or("");
  return out;
}

void report_unknown_key(Decoder& d, const TreeEntry& entry, const std::string& path) {
  d.error(entry.key_mark, key_path(path, entry.key), "unknown key");
}

nlohmann::json tree_to_json(const Tree& node) {
  switch (node.kind()) {
    case Tree::Kind::Null:
      return nullptr;
    case Tree::Kind::Scalar:
      return node.text();
    case Tree::Kind::Sequence: {
      auto out = nlohmann::json::array();
      for (const Tree& item : node.items())
        out.push_back(tree_to_json(item));
      return out;
    }
    case Tree::Kind::Mapping: {
      auto out = nlohmann::json::object();
      for (const TreeEntry& e : node.entries())
        out[e.key] = tree_to_json(e.value);
      return out;
    }
  }
  return nullptr;
}

}  // namespace compose
