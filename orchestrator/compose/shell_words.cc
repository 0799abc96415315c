#include "compose/shell_words.h"

namespace compose {
namespace {

// Only what the shell splits on by default ($IFS): '\r' is an ordinary character to a shell.
bool is_separator(char c) {
  return c == ' ' || c == '\t' || c == '\n';
}

// Characters that need no quoting anywhere in a word (Python's shlex.quote uses the same set).
bool is_safe(char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '_':
    case '@':
    case '%':
    case '+':
    case '=':
    case ':':
    case ',':
    case '.':
    case '/':
    case '-':
      return true;
    default:
      return false;
  }
}

// Appends the inside of the single-quoted text starting at text[i] == '\''; false if unclosed.
bool read_single_quoted(std::string_view text, size_t& i, std::string& word) {
  size_t close = text.find('\'', i + 1);
  if (close == std::string_view::npos) return false;
  word.append(text.substr(i + 1, close - i - 1));
  i = close + 1;
  return true;
}

// Inside double quotes a backslash escapes only the characters that would otherwise be special
// there; before anything else it is an ordinary character.
bool read_double_quoted(std::string_view text, size_t& i, std::string& word) {
  for (++i; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      ++i;
      return true;
    }
    if (c == '\\' && i + 1 < text.size()) {
      char next = text[i + 1];
      if (next == '\n') {
        ++i;  // line continuation: both characters vanish
        continue;
      }
      if (next == '\\' || next == '"' || next == '$' || next == '`') {
        word += next;
        ++i;
        continue;
      }
    }
    word += c;
  }
  return false;
}

std::string quote_word(const std::string& word) {
  bool safe = !word.empty();
  for (char c : word)
    safe = safe && is_safe(c);
  if (safe) return word;
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') {
      quoted += "'\"'\"'";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

}  // namespace

std::optional<std::vector<std::string>> split_shell_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;  // separate from word.empty() so that "" is a word
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (is_separator(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      ++i;
    } else if (c == '\\') {
      if (i + 1 == text.size()) return std::nullopt;
      // Backslash-newline is a line continuation: it joins, and starts no word by itself.
      if (text[i + 1] != '\n') {
        word += text[i + 1];
        in_word = true;
      }
      i += 2;
    } else if (c == '\'' || c == '"') {
      bool closed =
          c == '\'' ? read_single_quoted(text, i, word) : read_double_quoted(text, i, word);
      if (!closed) return std::nullopt;
      in_word = true;
    } else {
      word += c;
      in_word = true;
      ++i;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

std::string join_shell_words(const std::vector<std::string>& words) {
  std::string joined;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) joined += ' ';
    joined += quote_word(words[i]);
  }
  return joined;
}

}  // namespace compose
