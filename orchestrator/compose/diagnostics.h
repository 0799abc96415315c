// Errors found while loading a compose project. Every one names where it was found (file,
// line, column) and the key path inside the document, so that a user can go straight to it.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace compose {

// A position in a source file. Lines and columns count from 1; 0 means "unknown".
struct Mark {
  std::shared_ptr<const std::string> file;
  int line = 0;
  int column = 0;

  std::string to_string() const;  // "stack.yaml:12:9", or "stack.yaml" without a position
};

struct Diagnostic {
  Mark mark;
  std::string path;  // key path, e.g. "services.web.ports[0]"; may be empty
  std::string message;

  // "stack.yaml:12:9: services.web.ports[0]: invalid port "80800" (must be 1-65535)"
  std::string to_string() const;
};

// Collects every error of a load so that all of them are reported at once.
class Diagnostics {
 public:
  void error(Mark mark, std::string path, std::string message);
  void error(Diagnostic diagnostic);

  bool empty() const { return errors_.empty(); }
  const std::vector<Diagnostic>& errors() const { return errors_; }

  // Throws LoadError carrying every error collected so far, if there is any.
  void throw_if_any() const;

 private:
  std::vector<Diagnostic> errors_;
};

// Thrown by the loader; what() lists every diagnostic, one per line.
class LoadError : public std::runtime_error {
 public:
  explicit LoadError(std::vector<Diagnostic> diagnostics);
  explicit LoadError(Diagnostic diagnostic);

  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace compose
