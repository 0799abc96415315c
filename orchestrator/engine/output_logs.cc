#include "engine/output_logs.h"

#include <algorithm>
#include <iterator>

namespace engine {

namespace {

// compose's rainbow: cyan, yellow, green, magenta, blue, then the same made bold.
constexpr const char* kPalette[] = {"36",   "33",   "32",   "35",   "34",
                                    "36;1", "33;1", "32;1", "35;1", "34;1"};

std::string colored(const std::string& code, const std::string& s) {
  if (code.empty()) return s;
  return "\x1b[" + code + "m" + s + "\x1b[0m";
}

}  // namespace

void LogFormatter::add(const std::string& name) {
  if (presenters_.count(name)) return;
  Presenter p;
  if (opts_.color && !name.empty()) {
    p.color = kPalette[next_color_];
    next_color_ = (next_color_ + 1) % std::size(kPalette);
  }
  presenters_.emplace(name, p);
  recompute_prefixes();
}

void LogFormatter::recompute_prefixes() {
  size_t width = 0;
  for (const auto& [name, p] : presenters_)
    width = std::max(width, name.size());
  width += 1;
  for (auto& [name, p] : presenters_) {
    if (!opts_.prefix) continue;
    p.prefix = colored(p.color, name + std::string(width - name.size(), ' ') + " | ");
  }
}

std::string LogFormatter::prefix(const std::string& name) {
  add(name);
  return presenters_.at(name).prefix;
}

std::string LogFormatter::format(const std::string& name, const LogEntry& e) {
  const std::string& pre = prefix(name);
  std::string stamp = opts_.timestamps ? rfc3339_nano_fixed(e.time) + " " : "";
  std::string_view text = e.text;
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::string out;
  size_t pos = 0;
  for (;;) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    out.append(pre).append(stamp).append(line).push_back('\n');
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return out;
}

void LogFormatter::print(const std::string& name, const LogEntry& e, FILE* out, FILE* err) {
  std::string s = format(name, e);
  std::fwrite(s.data(), 1, s.size(), e.stream == LogStream::Stderr ? err : out);
}

}  // namespace engine
