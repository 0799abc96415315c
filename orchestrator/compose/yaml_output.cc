// to_yaml: the JSON form of a project written as YAML by libyaml's emitter.
#include <yaml.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>

#include "compose/serialize.h"

namespace compose {
namespace {

// Errs on the side of quoting: "1.2.3" gets quotes it would not need, which is harmless.
bool looks_numeric(std::string_view s) {
  if (s.starts_with('+') || s.starts_with('-')) s.remove_prefix(1);
  if (s.starts_with("0x") || s.starts_with("0o")) return s.size() > 2;
  bool digit = false;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digit = true;
    } else if (!std::strchr("_.:eE+-", c)) {
      return false;
    }
  }
  return digit;
}

// A plain scalar that a YAML reader would take for something other than a string.
bool looks_like_another_type(const std::string& s) {
  if (s.empty()) return true;
  // Every word and number below starts with one of these; most strings are ruled out here.
  if (!std::strchr("0123456789+-.~tTfFyYnNoO", s.front())) return false;
  std::string lower;
  for (char c : s)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const char* kWords[] = {"true", "false", "yes", "no",   "on",    "off",   "y",
                                 "n",    "null",  "~",   ".inf", "-.inf", "+.inf", ".nan"};
  if (std::find_if(std::begin(kWords), std::end(kWords),
                   [&](const char* w) { return lower == w; }) != std::end(kWords))
    return true;
  return looks_numeric(s);
}

// Writes events through libyaml's emitter, which picks plain, quoted or block styles itself.
class YamlWriter {
 public:
  YamlWriter() {
    yaml_emitter_initialize(&emitter_);
    yaml_emitter_set_output(&emitter_, &YamlWriter::append, &text_);
    yaml_emitter_set_unicode(&emitter_, 1);
    yaml_emitter_set_width(&emitter_, -1);  // never fold long lines
    yaml_emitter_set_indent(&emitter_, 2);
  }
  ~YamlWriter() { yaml_emitter_delete(&emitter_); }
  YamlWriter(const YamlWriter&) = delete;
  YamlWriter& operator=(const YamlWriter&) = delete;

  std::string write(const nlohmann::json& value) {
    yaml_event_t e;
    yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING);
    emit(e);
    yaml_document_start_event_initialize(&e, nullptr, nullptr, nullptr, 1);
    emit(e);
    write_value(value, true);
    yaml_document_end_event_initialize(&e, 1);
    emit(e);
    yaml_stream_end_event_initialize(&e);
    emit(e);
    yaml_emitter_flush(&emitter_);
    return std::move(text_);
  }

 private:
  static int append(void* data, unsigned char* buffer, size_t size) {
    static_cast<std::string*>(data)->append(reinterpret_cast<const char*>(buffer), size);
    return 1;
  }

  void emit(yaml_event_t& e) {
    if (!yaml_emitter_emit(&emitter_, &e))
      throw std::runtime_error(std::string("writing YAML: ") +
                               (emitter_.problem ? emitter_.problem : "emitter error"));
  }

  void scalar(std::string_view text, yaml_scalar_style_t style) {
    yaml_event_t e;
    yaml_scalar_event_initialize(&e, nullptr, nullptr,
                                 reinterpret_cast<yaml_char_t*>(const_cast<char*>(text.data())),
                                 static_cast<int>(text.size()), 1, 1, style);
    emit(e);
  }

  void string(const std::string& s) {
    yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
    if (s.find('\n') != std::string::npos)
      style = YAML_LITERAL_SCALAR_STYLE;
    else if (looks_like_another_type(s))
      style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    scalar(s, style);
  }

  void write_value(const nlohmann::json& value, bool top_level) {
    yaml_event_t e;
    switch (value.type()) {
      case nlohmann::json::value_t::string:
        return string(value.get_ref<const std::string&>());
      case nlohmann::json::value_t::array:
        yaml_sequence_start_event_initialize(
            &e, nullptr, nullptr, 1,
            value.empty() ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
        emit(e);
        for (const auto& item : value)
          write_value(item, false);
        yaml_sequence_end_event_initialize(&e);
        return emit(e);
      case nlohmann::json::value_t::object:
        yaml_mapping_start_event_initialize(
            &e, nullptr, nullptr, 1,
            value.empty() ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
        emit(e);
        for (const std::string* key : key_order(value, top_level)) {
          string(*key);
          write_value(value.at(*key), false);
        }
        yaml_mapping_end_event_initialize(&e);
        return emit(e);
      case nlohmann::json::value_t::null:
        return scalar("null", YAML_PLAIN_SCALAR_STYLE);
      default:  // numbers and booleans: their JSON text is also their YAML text
        return scalar(value.dump(), YAML_PLAIN_SCALAR_STYLE);
    }
  }

  // Sorted keys, except that a project starts as Docker Compose's does: name, services, ...
  static std::vector<const std::string*> key_order(const nlohmann::json& object, bool top_level) {
    std::vector<const std::string*> keys;
    keys.reserve(object.size());
    for (auto it = object.begin(); it != object.end(); ++it)
      keys.push_back(&it.key());
    if (!top_level) return keys;
    static const std::vector<std::string> kFirst = {"name",    "services", "networks",
                                                    "volumes", "secrets",  "configs"};
    auto rank = [](const std::string* k) {
      auto it = std::find(kFirst.begin(), kFirst.end(), *k);
      return it - kFirst.begin();
    };
    std::stable_sort(keys.begin(), keys.end(),
                     [&](const std::string* a, const std::string* b) { return rank(a) < rank(b); });
    return keys;
  }

  yaml_emitter_t emitter_{};
  std::string text_;
};

}  // namespace

std::string to_yaml(const nlohmann::json& value) {
  return YamlWriter().write(value);
}

}  // namespace compose
