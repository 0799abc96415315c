// What the engine tells the user while it works: one event per step of a network, volume or
// container (output_progress.h's ProgressEvent: "Creating", "Created", "Started", ...).
// The CLI draws them as Docker Compose's progress view or plain lines; tests collect them.
#pragma once

#include <string>

#include "engine/output_progress.h"

namespace engine {

inline ProgressEvent progress_event(ResourceKind kind, std::string name, std::string text,
                                    bool done, std::string error = {}) {
  ProgressEvent e;
  e.kind = kind;
  e.name = std::move(name);
  e.text = std::move(text);
  e.done = done;
  e.error = std::move(error);
  return e;
}

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void event(const ProgressEvent& e) = 0;
  // Something the user should know that does not stop the command.
  virtual void warning(const std::string& text) = 0;
};

// Says nothing: for reads that take the project's lock (ps) and for background steps.
class SilentReporter : public Reporter {
 public:
  void event(const ProgressEvent&) override {}
  void warning(const std::string&) override {}
};

}  // namespace engine
