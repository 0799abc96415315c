#include "compose/diagnostics.h"

#include <algorithm>
#include <tuple>

namespace compose {
namespace {

std::string join_lines(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const auto& d : diagnostics) {
    if (!text.empty()) text += '\n';
    text += d.to_string();
  }
  return text;
}

}  // namespace

std::string Mark::to_string() const {
  std::string text = file ? *file : std::string("<input>");
  if (line > 0) text += ":" + std::to_string(line) + ":" + std::to_string(column);
  return text;
}

std::string Diagnostic::to_string() const {
  std::string text = mark.to_string() + ": ";
  if (!path.empty()) text += path + ": ";
  return text + message;
}

void Diagnostics::error(Mark mark, std::string path, std::string message) {
  errors_.push_back({std::move(mark), std::move(path), std::move(message)});
}

void Diagnostics::error(Diagnostic diagnostic) {
  errors_.push_back(std::move(diagnostic));
}

void Diagnostics::throw_if_any() const {
  if (errors_.empty()) return;
  // Errors are found in passes (decoding, then cross-references); a reader wants file order.
  std::vector<Diagnostic> sorted = errors_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    const std::string& fa = a.mark.file ? *a.mark.file : std::string();
    const std::string& fb = b.mark.file ? *b.mark.file : std::string();
    return std::tie(fa, a.mark.line, a.mark.column) < std::tie(fb, b.mark.line, b.mark.column);
  });
  throw LoadError(std::move(sorted));
}

LoadError::LoadError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_lines(diagnostics)), diagnostics_(std::move(diagnostics)) {}

LoadError::LoadError(Diagnostic diagnostic)
    : LoadError(std::vector<Diagnostic>{std::move(diagnostic)}) {}

}  // namespace compose
