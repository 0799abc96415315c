#include "boximg/shell_lexer.h"

#include <cctype>
#include <optional>

#include "boximg/error.h"

namespace image {
namespace {

constexpr char kEscape = '\\';

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}
bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

std::optional<std::string> lookup(const std::vector<std::string>& env, std::string_view name) {
  for (const auto& kv : env)
    if (kv.size() > name.size() && kv.compare(0, name.size(), name) == 0 && kv[name.size()] == '=')
      return kv.substr(name.size() + 1);
  return std::nullopt;
}

// Walks one instruction's text, producing words (split mode) or one word.
class Lexer {
 public:
  Lexer(std::string_view text, const std::vector<std::string>& env, bool split)
      : text_(text), env_(env), split_(split) {}

  std::vector<std::string> run() {
    while (pos_ < text_.size())
      step();
    finish_word();
    return std::move(words_);
  }

 private:
  void step() {
    char c = text_[pos_++];
    if (split_ && is_space(c)) return finish_word();
    if (c == '$') return add_expansion(dollar());
    started_ = true;
    if (c == '\'') return single_quoted();
    if (c == '"') return double_quoted();
    if (c == kEscape && pos_ < text_.size()) c = text_[pos_++];
    word_ += c;
  }

  // An unquoted expansion is split into words again, as the shell does.
  void add_expansion(const std::string& value) {
    for (char c : value) {
      if (split_ && is_space(c)) {
        finish_word();
        continue;
      }
      word_ += c;
      started_ = true;
    }
  }

  void finish_word() {
    if (started_) words_.push_back(std::move(word_));
    word_.clear();
    started_ = false;
  }

  void single_quoted() {
    std::size_t end = text_.find('\'', pos_);
    if (end == std::string_view::npos)
      throw Error("unexpected end of statement while looking for matching single-quote");
    word_.append(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
  }

  void double_quoted() {
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '"') return;
      if (c == '$') {
        word_ += dollar();
        continue;
      }
      // Inside double quotes only \" \$ and \\ are escapes; other backslashes stay.
      if (c == kEscape && pos_ < text_.size() &&
          (text_[pos_] == '"' || text_[pos_] == '$' || text_[pos_] == kEscape))
        c = text_[pos_++];
      word_ += c;
    }
    throw Error("unexpected end of statement while looking for matching double-quote");
  }

  std::string name() {
    std::size_t start = pos_;
    while (pos_ < text_.size() && is_name_char(text_[pos_]))
      ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  // After '$': the value of $NAME or ${...}; a lone '$' stays literal.
  std::string dollar() {
    if (pos_ < text_.size() && text_[pos_] == '{') {
      ++pos_;
      return braced();
    }
    std::string var = name();
    if (var.empty()) return "$";
    return lookup(env_, var).value_or("");
  }

  // The text up to the '}' that closes the current ${, skipping nested ${...}.
  std::string_view until_close_brace() {
    int depth = 0;
    for (std::size_t i = pos_; i < text_.size(); ++i) {
      if (text_[i] == kEscape) {
        ++i;
      } else if (text_[i] == '{' && i > 0 && text_[i - 1] == '$') {
        ++depth;
      } else if (text_[i] == '}' && depth-- == 0) {
        std::string_view inner = text_.substr(pos_, i - pos_);
        pos_ = i + 1;
        return inner;
      }
    }
    throw Error("missing '}' in \"" + std::string(text_) + "\"");
  }

  std::string braced() {
    std::string var = name();
    if (var.empty()) throw Error("bad substitution in \"" + std::string(text_) + "\"");
    bool colon = pos_ < text_.size() && text_[pos_] == ':';
    if (colon) ++pos_;
    char op = pos_ < text_.size() ? text_[pos_] : '\0';
    if (!colon && op == '}') {
      ++pos_;
      return lookup(env_, var).value_or("");
    }
    if (op != '-' && op != '+' && op != '?')
      throw Error("unsupported modifier in ${" + var + "...} of \"" + std::string(text_) + "\"");
    ++pos_;
    std::string word = expand_word(until_close_brace(), env_);
    return apply_modifier(var, colon, op, word);
  }

  std::string apply_modifier(const std::string& var, bool colon, char op, const std::string& word) {
    std::optional<std::string> value = lookup(env_, var);
    bool set = colon ? value.has_value() && !value->empty() : value.has_value();
    if (op == '-') return set ? *value : word;
    if (op == '+') return set ? word : "";
    if (!set) throw Error(var + ": " + (word.empty() ? "is not allowed to be unset" : word));
    return *value;
  }

  std::string_view text_;
  const std::vector<std::string>& env_;
  bool split_;
  std::size_t pos_ = 0;
  std::string word_;
  bool started_ = false;
  std::vector<std::string> words_;
};

}  // namespace

std::vector<std::string> split_raw_words(std::string_view rest) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  bool blank_ok = false;
  char quote = '\0';
  for (std::size_t pos = 0; pos < rest.size(); ++pos) {
    char c = rest[pos];
    if (quote != '\0') {
      if (c == quote)
        quote = '\0';
      else if (c == kEscape && quote != '\'' && pos + 1 < rest.size())
        word += rest[pos++];
      word += rest[pos];
      continue;
    }
    if (is_space(c)) {
      if (in_word && (blank_ok || !word.empty())) words.push_back(word);
      word.clear();
      in_word = blank_ok = false;
      continue;
    }
    in_word = true;
    if (c == '\'' || c == '"') {
      quote = c;
      blank_ok = true;
    } else if (c == kEscape) {
      if (pos + 1 == rest.size()) continue;  // a trailing escape is dropped
      word += rest[pos++];
    }
    word += rest[pos];
  }
  if (in_word && (blank_ok || !word.empty())) words.push_back(word);
  return words;
}

std::string expand_word(std::string_view text, const std::vector<std::string>& env) {
  std::vector<std::string> words = Lexer(text, env, false).run();
  return words.empty() ? std::string() : words.front();
}

std::vector<std::string> expand_words(std::string_view text, const std::vector<std::string>& env) {
  return Lexer(text, env, true).run();
}

}  // namespace image
