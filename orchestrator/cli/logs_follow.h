// Printing containers' logs for `logs` and for attached `up`: merged in time order, with
// compose's prefixes, then followed as they grow.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/logfile.h"
#include "engine/output_logs.h"

namespace cli {

class LogPrinter {
 public:
  LogPrinter(const engine::Paths& paths, const std::string& project,
             const std::vector<engine::ContainerStatus>& containers,
             engine::LogFormatOptions format);
  // What the files hold now (the last `tail` entries of each when given), oldest first.
  void print_existing(std::optional<size_t> tail);
  // New entries as they come, until every container has exited, or SIGINT/SIGTERM (then
  // returns true: the user interrupted), or `stop_fd` turns readable.
  bool follow(int stop_fd = -1);

 private:
  struct Source {
    std::string label;  // "web-1"
    std::unique_ptr<engine::LogReader> reader;
    pid_t pid = 0;  // the container's init while it runs
  };
  void print(const std::string& label, const engine::LogEntry& e);

  std::vector<Source> sources_;
  engine::LogFormatter formatter_;
};

}  // namespace cli
