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

// How long a container's exit may go unrecorded: the supervisor writes the record as soon
// as it reaps the process, so a wait this long only runs out when no supervisor is there.
inline constexpr std::chrono::milliseconds kExitRecordWait{2000};

// The record in `file`, or nullopt when there is none (or it cannot be read).
std::optional<ExitRecord> read_exit_record(const std::filesystem::path& file);

// Writes `record` to `file` atomically (a temporary beside it, renamed over it), as the
// supervisor does, for those who reap a container's process themselves (`run`).
void write_exit_record(const std::filesystem::path& file, const ExitRecord& record);

// Waits (inotify on its directory, no polling) until `file` holds the record of process
// `pid`, at most `timeout`; nullopt when it did not come (no supervisor saw the exit).
std::optional<ExitRecord> wait_exit_record(const std::filesystem::path& file, pid_t pid,
                                           std::chrono::milliseconds timeout);

}  // namespace engine
