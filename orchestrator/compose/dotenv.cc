#include "compose/dotenv.h"

#include <algorithm>
#include <functional>
#include <map>
#include <unordered_set>

namespace compose {
namespace {

// Whitespace within a line. '\r' is included so that CRLF files read like LF ones.
bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

bool is_key_start(char c) {
  return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool is_key_char(char c) {
  return is_key_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

// The character a double-quoted escape stands for; nullopt keeps the backslash (Compose does).
std::optional<char> double_quote_escape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case 'a':
      return '\a';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'v':
      return '\v';
    case '"':
    case '\\':
      return c;
    default:
      return std::nullopt;
  }
}

class Parser {
 public:
  Parser(std::string_view text, const VariableLookup& lookup) : text_(text), lookup_(lookup) {
    constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
    if (text_.substr(0, kByteOrderMark.size()) == kByteOrderMark) pos_ = kByteOrderMark.size();
    line_starts_.push_back(pos_);
    for (size_t i = pos_; i < text_.size(); ++i) {
      if (text_[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  DotenvResult run() {
    while (pos_ < text_.size())
      statement();
    return {without_overridden(std::move(entries_)), std::move(errors_)};
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool at_line_end() const { return pos_ >= text_.size() || text_[pos_] == '\n'; }

  void skip_blanks() {
    while (pos_ < text_.size() && is_blank(text_[pos_]))
      ++pos_;
  }

  void skip_line() {
    while (!at_line_end())
      ++pos_;
    if (pos_ < text_.size()) ++pos_;
  }

  void statement() {
    skip_blanks();
    if (at_line_end() || peek() == '#') return skip_line();
    skip_export();
    size_t key_begin = pos_;
    while (!at_line_end() && !is_blank(peek()) && peek() != '=')
      ++pos_;
    std::string_view key = text_.substr(key_begin, pos_ - key_begin);
    if (!valid_key(key, key_begin)) return skip_line();
    skip_blanks();
    if (at_line_end() || peek() == '#') {
      add(key, std::nullopt, key_begin);
      return skip_line();
    }
    if (peek() != '=') {
      error(pos_,
            "unexpected character after variable name \"" + std::string(key) + "\" (expected '=')");
      return skip_line();
    }
    ++pos_;
    std::optional<std::string> value = read_value();
    if (value) add(key, std::move(value), key_begin);
  }

  // "export" is a prefix only when a key follows it; "export=1" and a bare "export" are keys.
  void skip_export() {
    constexpr std::string_view kExport = "export";
    if (text_.substr(pos_, kExport.size()) != kExport) return;
    size_t after = pos_ + kExport.size();
    if (after >= text_.size() || !is_blank(text_[after])) return;
    while (after < text_.size() && is_blank(text_[after]))
      ++after;
    if (after < text_.size() && text_[after] != '\n' && text_[after] != '=' &&
        text_[after] != '#') {
      pos_ = after;
    }
  }

  bool valid_key(std::string_view key, size_t begin) {
    if (key.empty()) {
      error(begin, "missing variable name before '='");
      return false;
    }
    for (size_t i = 0; i < key.size(); ++i) {
      if (i == 0 ? is_key_start(key[i]) : is_key_char(key[i])) continue;
      error(begin + i, "invalid variable name \"" + std::string(key) +
                           "\": names start with a letter or '_' and contain only letters, "
                           "digits, '_', '.' and '-'");
      return false;
    }
    return true;
  }

  // The value after '='; nullopt once an error is reported.
  std::optional<std::string> read_value() {
    skip_blanks();
    if (peek() == '\'') return single_quoted();
    if (peek() == '"') return double_quoted();
    return unquoted();
  }

  std::optional<std::string> unquoted() {
    size_t begin = pos_;
    while (!at_line_end())
      ++pos_;
    // A '#' starts a comment only after whitespace, so "a#b" and "KEY=#b" keep theirs ('='
    // precedes `begin`, so text_[end - 1] is always inside the line).
    size_t end = begin;
    while (end < pos_ && !(text_[end] == '#' && is_blank(text_[end - 1]))) {
      ++end;
    }
    while (end > begin && is_blank(text_[end - 1]))
      --end;
    skip_line();
    return interpolated(text_.substr(begin, end - begin), begin);
  }

  std::optional<std::string> single_quoted() {
    size_t open = pos_++;
    std::string value;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '\'') return after_closing_quote(std::move(value));
      // As in Compose, \' does not end the value; any other backslash pair is kept as written.
      if (c == '\\' && pos_ < text_.size()) {
        char next = text_[pos_++];
        if (next != '\'') value += c;
        value += next;
        continue;
      }
      value += c;
    }
    error(open, "unterminated single-quoted value");
    return std::nullopt;
  }

  std::optional<std::string> double_quoted() {
    size_t open = pos_++;
    // Escapes are decoded before interpolation, so \$ becomes $$ to stay a literal '$'.
    std::string raw;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '"') {
        std::optional<std::string> value = after_closing_quote(std::move(raw));
        return value ? interpolated(*value, open) : std::nullopt;
      }
      if (c == '\\' && pos_ < text_.size()) {
        char next = text_[pos_++];
        std::optional<char> decoded = double_quote_escape(next);
        if (next == '$') {
          raw += "$$";
        } else if (decoded) {
          raw += *decoded;
        } else {
          raw += c;
          raw += next;
        }
        continue;
      }
      raw += c;
    }
    error(open, "unterminated double-quoted value");
    return std::nullopt;
  }

  std::optional<std::string> after_closing_quote(std::string value) {
    skip_blanks();
    if (at_line_end() || peek() == '#') {
      skip_line();
      return value;
    }
    error(pos_, "unexpected character after closing quote");
    skip_line();
    return std::nullopt;
  }

  std::optional<std::string> interpolated(std::string_view raw, size_t where) {
    VariableLookup scoped = [this](std::string_view name) -> std::optional<std::string> {
      auto it = defined_.find(name);
      if (it != defined_.end() && it->second) return it->second;
      return lookup_ ? lookup_(name) : std::nullopt;
    };
    InterpolationResult result = interpolate(raw, scoped);
    if (result.error.empty()) return std::move(result.value);
    error(where, std::move(result.error));
    return std::nullopt;
  }

  void add(std::string_view key, std::optional<std::string> value, size_t key_begin) {
    defined_[std::string(key)] = value;
    entries_.push_back({std::string(key), std::move(value), position(key_begin).first});
  }

  void error(size_t offset, std::string message) {
    auto [line, column] = position(offset);
    errors_.push_back({line, column, std::move(message)});
  }

  std::pair<int, int> position(size_t offset) const {
    auto next_line = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    size_t line_start = *(next_line - 1);
    int column = 1;
    for (size_t i = line_start; i < offset; ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;  // not a UTF-8 tail
    }
    return {static_cast<int>(next_line - line_starts_.begin()), column};
  }

  // A repeated key keeps only its last entry, where that one is written.
  static std::vector<DotenvEntry> without_overridden(std::vector<DotenvEntry> entries) {
    std::unordered_set<std::string> seen;
    std::vector<DotenvEntry> kept;
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
      if (seen.insert(it->key).second) kept.push_back(std::move(*it));
    }
    std::reverse(kept.begin(), kept.end());
    return kept;
  }

  std::string_view text_;
  const VariableLookup& lookup_;
  size_t pos_ = 0;
  std::vector<size_t> line_starts_;
  std::map<std::string, std::optional<std::string>, std::less<>> defined_;
  std::vector<DotenvEntry> entries_;
  std::vector<DotenvError> errors_;
};

}  // namespace

DotenvResult parse_dotenv(std::string_view text, const VariableLookup& lookup) {
  return Parser(text, lookup).run();
}

}  // namespace compose
