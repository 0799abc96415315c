// The progress view of up/down/start/stop, as Docker Compose v2 draws it.
//
// Plain (not a terminal, or --progress plain): one line per event, exactly as
// `docker compose --progress plain` prints them:
//    Network proj_default  Creating
//    Container proj-web-1  Started
// Terminal: a "[+] Running 2/4" header and one line per resource, redrawn in place every
// 100 ms with ANSI escapes: a spinner while in progress (✔ done, ✘ error, ! warning), the
// state aligned in a column, and the elapsed time right-aligned to the terminal width:
//  [+] Running 2/2
//   ✔ Network proj_default  Created                          0.1s
//   ✔ Container proj-web-1  Started                          0.4s
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

namespace engine {

enum class ResourceKind { Network, Volume, Container, Image };

struct ProgressEvent {
  ResourceKind kind = ResourceKind::Container;
  std::string name;   // "proj_default", "proj-web-1"
  std::string text;   // "Creating", "Created", "Starting", "Started", "Stopping", "Removed"...
  bool done = false;  // false while the step is in progress (spinner), true once finished
  bool warning = false;
  // Set on failure: the line turns into an error (✘, red) and shows "<text> <error>".
  std::string error;
};

// Compose's status words, for callers building events.
namespace progress_text {
inline constexpr const char* kCreating = "Creating";
inline constexpr const char* kCreated = "Created";
inline constexpr const char* kStarting = "Starting";
inline constexpr const char* kStarted = "Started";
inline constexpr const char* kWaiting = "Waiting";
inline constexpr const char* kHealthy = "Healthy";
inline constexpr const char* kRunning = "Running";
inline constexpr const char* kRecreate = "Recreate";
inline constexpr const char* kRecreated = "Recreated";
inline constexpr const char* kStopping = "Stopping";
inline constexpr const char* kStopped = "Stopped";
inline constexpr const char* kKilling = "Killing";
inline constexpr const char* kKilled = "Killed";
inline constexpr const char* kRemoving = "Removing";
inline constexpr const char* kRemoved = "Removed";
inline constexpr const char* kRestarting = "Restarting";
inline constexpr const char* kRestarted = "Restarted";
inline constexpr const char* kError = "Error";
}  // namespace progress_text

class Progress {
 public:
  virtual ~Progress() = default;
  // Thread-safe: containers of one level start in parallel.
  virtual void event(const ProgressEvent& e) = 0;
  // Draws the final state (terminal mode) and stops redrawing. Idempotent; the
  // destructor calls it.
  virtual void done() = 0;
};

struct ProgressOptions {
  // The header's word: "Running" for up/start/create, "Stopping" for stop, "Removing" for
  // down and rm, "Restarting", "Killing".
  std::string title = "Running";
  int width = 0;       // terminal columns; 0: ask the terminal (80 if it cannot say)
  bool redraw = true;  // redraw every 100 ms on a thread; tests draw only on done()
  bool color = true;   // ANSI colours in terminal mode
  // Time source for elapsed times (tests pin it).
  std::function<std::chrono::steady_clock::time_point()> clock;
};

// Terminal mode when `tty` and not `plain`; plain lines otherwise. Never owns `out`.
std::unique_ptr<Progress> make_progress(FILE* out, bool tty, bool plain, ProgressOptions opts = {});

// The line plain mode prints for one event (with its newline).
std::string plain_progress_line(const ProgressEvent& e);

}  // namespace engine
