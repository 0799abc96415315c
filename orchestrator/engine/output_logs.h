// `logs` and attached `up` output as Docker Compose prints it: each line prefixed with
// "web-1  | ", names padded to the longest plus one, each name in its own colour from
// compose's palette (cyan, yellow, green, magenta, blue, then their bold forms, cycling),
// with -t the entry's time as fixed-width RFC 3339 nanoseconds before the text.
#pragma once

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "engine/logfile.h"

namespace engine {

struct LogFormatOptions {
  bool color = true;        // false with --no-color, or when stdout is not a terminal
  bool prefix = true;       // false with --no-log-prefix
  bool timestamps = false;  // -t
};

class LogFormatter {
 public:
  explicit LogFormatter(LogFormatOptions opts = {}) : opts_(opts) {}

  // Registers a name ("web-1"): the next colour goes to it and every prefix widens to the
  // longest name. Registering all names first keeps the columns still; a name met later in
  // format() is registered then, as compose does when a container appears.
  void add(const std::string& name);
  // The prefix of `name`, colour codes included ("\x1b[36mweb-1  | \x1b[0m"); "" with
  // prefix off.
  std::string prefix(const std::string& name);
  // The output for one entry: a line per '\n'-separated piece of its text, each prefixed.
  std::string format(const std::string& name, const LogEntry& e);
  // Writes format() to `out` for stdout entries and to `err` for stderr ones.
  void print(const std::string& name, const LogEntry& e, FILE* out, FILE* err);

 private:
  struct Presenter {
    std::string color;  // SGR parameters, "" for none
    std::string prefix;
  };
  void recompute_prefixes();

  LogFormatOptions opts_;
  std::map<std::string, Presenter> presenters_;
  size_t next_color_ = 0;
};

}  // namespace engine
