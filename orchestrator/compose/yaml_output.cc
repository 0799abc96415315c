// to_yaml: the JSON form of a project written as YAML with yaml-cpp's emitter.
#include <yaml-cpp/emitter.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "compose/serialize.h"

namespace compose {
namespace {

// A plain scalar that a YAML reader would take for something other than a string.
bool looks_like_another_type(const std::string& s) {
  if (s.empty()) return true;
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const char* kWords[] = {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
                                 ".inf", "-.inf", "+.inf", ".nan"};
  if (std::find_if(std::begin(kWords), std::end(kWords),
                   [&](const char* w) { return lower == w; }) != std::end(kWords))
    return true;
  static const std::regex kNumber(
      R"([-+]?(0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9_]+([eE][-+]?[0-9]+)?)|[0-9]+(:[0-5]?[0-9])+)");
  return std::regex_match(s, kNumber);
}

void emit(YAML::Emitter& out, const nlohmann::ordered_json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      out << YAML::Null;
      return;
    case nlohmann::json::value_t::boolean:
      out << value.get<bool>();
      return;
    case nlohmann::json::value_t::number_integer:
      out << value.get<int64_t>();
      return;
    case nlohmann::json::value_t::number_unsigned:
      out << value.get<uint64_t>();
      return;
    case nlohmann::json::value_t::number_float:
      out << value.dump();
      return;
    case nlohmann::json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      if (s.find('\n') != std::string::npos) out << YAML::Literal;
      else if (looks_like_another_type(s)) out << YAML::DoubleQuoted;
      out << s;
      return;
    }
    case nlohmann::json::value_t::array:
      out << YAML::BeginSeq;
      for (const auto& item : value) emit(out, item);
      out << YAML::EndSeq;
      return;
    case nlohmann::json::value_t::object:
      out << YAML::BeginMap;
      for (auto it = value.begin(); it != value.end(); ++it) {
        out << YAML::Key << it.key() << YAML::Value;
        emit(out, it.value());
      }
      out << YAML::EndMap;
      return;
    default:
      out << YAML::Null;
  }
}

}  // namespace

std::string to_yaml(const nlohmann::ordered_json& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  emit(out, value);
  std::string text = out.c_str();
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

}  // namespace compose
