#include "compose/interpolation.h"

#include <algorithm>
#include <cstdio>

namespace compose {
namespace {

bool is_name_start(char c) {
  return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

enum class Operator {
  kDefaultIfUnsetOrEmpty,  // :-
  kDefaultIfUnset,         // -
  kErrorIfUnsetOrEmpty,    // :?
  kErrorIfUnset,           // ?
  kReplaceIfNonEmpty,      // :+
  kReplaceIfSet,           // +
};

// Whether the text after the operator is what the reference expands to (or, for `?`, whether
// the error is raised).
bool uses_branch(Operator op, const std::optional<std::string>& value) {
  bool unset_or_empty = !value || value->empty();
  switch (op) {
    case Operator::kDefaultIfUnsetOrEmpty:
    case Operator::kErrorIfUnsetOrEmpty:
      return unset_or_empty;
    case Operator::kDefaultIfUnset:
    case Operator::kErrorIfUnset:
      return !value;
    case Operator::kReplaceIfNonEmpty:
      return !unset_or_empty;
    case Operator::kReplaceIfSet:
      return value.has_value();
  }
  return false;
}

// Double-quoted, with quotes, backslashes and control characters escaped, so that the offending
// text reads unambiguously inside an error message.
std::string quote(std::string_view text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (c == '\n') {
      quoted += "\\n";
    } else if (c == '\t') {
      quoted += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
      quoted += hex;
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

// A ${NAME<operator>...} whose branch (the text after the operator) is being read. Nesting is kept
// on an explicit stack rather than the call stack so that no input, however deeply nested, can
// overflow it.
struct Frame {
  size_t start = 0;  // offset of the '$' that opened it, for error messages
  std::string_view name;
  Operator op = Operator::kDefaultIfUnset;
  std::optional<std::string> value;
  bool evaluated = false;  // false inside an unused branch: only the syntax is checked
  bool branch_used = false;
  int open_braces = 0;  // literal '{' in the branch not yet closed by a '}'
  std::string branch;   // the expanded branch text
};

class Interpolator {
 public:
  Interpolator(std::string_view text, const VariableLookup& lookup)
      : text_(text), lookup_(lookup) {}

  InterpolationResult run() {
    while (pos_ < text_.size() && error_.empty())
      step();
    if (error_.empty() && !frames_.empty()) syntax_error(frames_.back().start);
    if (!error_.empty()) return {{}, std::move(error_), std::move(unset_)};
    return {std::move(out_), {}, std::move(unset_)};
  }

 private:
  char peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }

  bool evaluating() const { return frames_.empty() || frames_.back().branch_used; }
  std::string& output() { return frames_.empty() ? out_ : frames_.back().branch; }

  void emit(std::string_view text) {
    if (evaluating()) output() += text;
  }

  void step() {
    char c = peek();
    if (c == '$') return dollar();
    if (!frames_.empty()) {
      // Braces balance inside a branch so that "${A:-{}}" has the default "{}".
      Frame& frame = frames_.back();
      if (c == '}' && frame.open_braces == 0) return close_frame();
      if (c == '{') ++frame.open_braces;
      if (c == '}') --frame.open_braces;
    }
    emit(text_.substr(pos_++, 1));
  }

  void dollar() {
    size_t start = pos_;
    char next = peek(1);
    if (next == '$') {
      pos_ += 2;
      return emit("$");
    }
    if (is_name_start(next)) {
      ++pos_;
      std::string_view name = read_name();
      if (evaluating()) output() += lookup_plain(name);
      return;
    }
    if (next == '{') {
      pos_ += 2;
      return open_braced(start);
    }
    ++pos_;
    emit("$");  // compose-go keeps a '$' that starts no reference
  }

  void open_braced(size_t start) {
    if (!is_name_start(peek())) return syntax_error(start);
    std::string_view name = read_name();
    if (peek() == '}') {
      ++pos_;
      if (evaluating()) output() += lookup_plain(name);
      return;
    }
    std::optional<Operator> op = read_operator();
    if (!op) return syntax_error(start);
    Frame frame;
    frame.start = start;
    frame.name = name;
    frame.op = *op;
    frame.evaluated = evaluating();
    if (frame.evaluated) frame.value = lookup(name);
    frame.branch_used = frame.evaluated && uses_branch(*op, frame.value);
    frames_.push_back(std::move(frame));
  }

  void close_frame() {
    ++pos_;
    Frame frame = std::move(frames_.back());
    frames_.pop_back();
    if (!frame.evaluated) return;
    bool is_error =
        frame.op == Operator::kErrorIfUnsetOrEmpty || frame.op == Operator::kErrorIfUnset;
    if (is_error && frame.branch_used) return missing_required(frame.name, frame.branch);
    bool is_replacement =
        frame.op == Operator::kReplaceIfNonEmpty || frame.op == Operator::kReplaceIfSet;
    if (frame.branch_used) {
      output() += frame.branch;
    } else if (!is_replacement) {
      output() += *frame.value;  // set (and non-empty where that matters), else branch_used
    }
  }

  std::string_view read_name() {
    size_t begin = pos_;
    while (is_name_char(peek()))
      ++pos_;
    return text_.substr(begin, pos_ - begin);
  }

  std::optional<Operator> read_operator() {
    bool colon = peek() == ':';
    char symbol = peek(colon ? 1 : 0);
    std::optional<Operator> op;
    if (symbol == '-') op = colon ? Operator::kDefaultIfUnsetOrEmpty : Operator::kDefaultIfUnset;
    if (symbol == '?') op = colon ? Operator::kErrorIfUnsetOrEmpty : Operator::kErrorIfUnset;
    if (symbol == '+') op = colon ? Operator::kReplaceIfNonEmpty : Operator::kReplaceIfSet;
    if (op) pos_ += colon ? 2 : 1;
    return op;
  }

  std::optional<std::string> lookup(std::string_view name) const {
    return lookup_ ? lookup_(name) : std::nullopt;
  }

  // A reference without a default: an unset variable becomes "" and is reported to the caller.
  std::string lookup_plain(std::string_view name) {
    std::optional<std::string> value = lookup(name);
    if (value) return std::move(*value);
    if (std::find(unset_.begin(), unset_.end(), name) == unset_.end()) unset_.emplace_back(name);
    return {};
  }

  void missing_required(std::string_view name, std::string_view reason) {
    error_ = "required variable " + std::string(name) + " is missing a value";
    if (!reason.empty()) error_ += ": " + std::string(reason);
  }

  // Quotes the reference from its '$' to its balancing '}' (or to the end of the text).
  void syntax_error(size_t start) {
    size_t end = start + 1;
    for (int depth = 0; end < text_.size(); ++end) {
      if (text_[end] == '{') ++depth;
      if (text_[end] == '}' && --depth <= 0) {
        ++end;
        break;
      }
    }
    error_ = "invalid interpolation format for " + quote(text_) + ": " +
             quote(text_.substr(start, end - start));
  }

  std::string_view text_;
  const VariableLookup& lookup_;
  size_t pos_ = 0;
  std::vector<Frame> frames_;
  std::string out_;
  std::string error_;
  std::vector<std::string> unset_;
};

}  // namespace

InterpolationResult interpolate(std::string_view text, const VariableLookup& lookup) {
  return Interpolator(text, lookup).run();
}

}  // namespace compose
