// The supervisor's record of how a container's process ended (exit.json in the container's
// run dir), for those who saw the process go and need its exit code: the record is written
// just after, once the supervisor has reaped it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace engine {

struct ExitRecord {
  int code = 0;
  std::string finished_at;  // RFC 3339
  pid_t pid = 0;
};

// The record in `file`, or nullopt when there is none (or it cannot be read).
std::optional<ExitRecord> read_exit_record(const std::filesystem::path& file);

// Waits (inotify on its directory, no polling) until `file` holds the record of process
// `pid`, at most `timeout`; nullopt when it did not come (no supervisor saw the exit).
std::optional<ExitRecord> wait_exit_record(const std::filesystem::path& file, pid_t pid,
                                           std::chrono::milliseconds timeout);

}  // namespace engine
