// Printing containers' logs for `logs` and for attached `up`: merged in time order, with
// compose's prefixes, then followed as they grow.
#pragma once

#include <poll.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "boxrt/fd.h"
#include "engine/engine.h"
#include "engine/interrupts.h"
#include "engine/logfile.h"
#include "engine/output_logs.h"

namespace cli {

enum class FollowEnd { kAllExited, kInterrupted, kStopped };

// What a follow may be told and asked.
struct FollowHooks {
  // SIGINT/SIGTERM as the caller already takes them (attached `up` keeps one for the whole
  // session, so a second Ctrl-C during the stop is not lost); null: follow takes its own.
  engine::InterruptSignals* signals = nullptr;
  int stop_fd = -1;  // readable: stop following
  // A followed container's process ended with `code` (exit code, or 128 + signal; 255
  // when no record of it came). Returning true stops the follow.
  std::function<bool(const std::string& container, int code)> on_exit;
  // Instead of watching the containers' processes: `event_fd` (the supervisor's event
  // stream) is read by `on_event` whenever it is readable; it returns what ends the
  // follow, or nullopt to go on.
  int event_fd = -1;
  std::function<std::optional<FollowEnd>()> on_event;
};

class LogPrinter {
 public:
  LogPrinter(const engine::Paths& paths, const std::string& project,
             const std::vector<engine::ContainerStatus>& containers,
             engine::LogFormatOptions format);
  // What the files hold now (the last `tail` entries of each when given), oldest first.
  void print_existing(std::optional<size_t> tail);
  // New entries as they come, until every container has exited, the user interrupts
  // (SIGINT/SIGTERM), hooks.stop_fd turns readable or hooks.on_exit says stop.
  FollowEnd follow(const FollowHooks& hooks = {});
  // Prints any entries the files gained since the last read.
  void print_new();
  // "web-1" for "proj-web-1", as lines are labelled.
  const std::string& label(const std::string& container) const;

 private:
  struct Source {
    std::string container;  // "proj-web-1"
    std::string label;      // "web-1"
    std::unique_ptr<engine::LogReader> reader;
    pid_t pid = 0;  // the container's init while it runs
    std::filesystem::path exit_file;
  };
  void print(const std::string& label, const engine::LogEntry& e);
  int exit_code_of(const Source& s) const;
  // One round of the follow loop's bookkeeping for watched processes.
  std::optional<FollowEnd> on_process_exits(const std::vector<pollfd>& fds, size_t first,
                                            std::vector<boxrt::UniqueFd>& exits,
                                            const FollowHooks& hooks);

  std::vector<Source> sources_;
  engine::LogFormatter formatter_;
};

}  // namespace cli
