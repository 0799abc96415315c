// Container logs in Docker's json-file format: one JSON object per line,
//   {"log":"text\n","stream":"stdout","time":"2026-11-29T23:06:29.123456789Z"}
// The supervisor appends with LogWriter; `logs` reads with LogReader (all, the last N,
// then following what gets appended).
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/human_time.h"

namespace engine {

enum class LogStream { Stdout, Stderr };

const char* stream_name(LogStream s);  // "stdout", "stderr"

struct LogEntry {
  LogStream stream = LogStream::Stdout;
  WallTime time{};
  std::string text;  // the line with its '\n'; none on a cut-up long line or a last piece
  bool partial() const { return text.empty() || text.back() != '\n'; }
};

// The json-file line for one entry, '\n' included. Strings are escaped as Go's
// encoding/json does (<, >, & as \u003c..., invalid UTF-8 as \ufffd).
std::string encode_log_entry(const LogEntry& e);
// Parses one line (with or without its '\n'); nullopt when it is not a log entry.
std::optional<LogEntry> decode_log_entry(std::string_view line);

class LogWriter {
 public:
  // Docker's log copier reads 16 KiB at a time: a longer line becomes several entries, all
  // but the last without '\n'.
  static constexpr size_t kMaxEntry = 16 * 1024;
  using Clock = std::function<WallTime()>;

  // Opens (creating, mode 0640) `path` for append. Throws Error.
  explicit LogWriter(const std::filesystem::path& path, Clock clock = {});
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Appends every complete line of data as an entry stamped now; keeps an unfinished line
  // (per stream) until its newline, flush() or close(). Throws Error on a failed write.
  void write(LogStream stream, const char* data, size_t n);
  void write(LogStream stream, std::string_view s) { write(stream, s.data(), s.size()); }
  // Writes the unfinished lines as entries without '\n' (the container's output ended).
  void flush();
  void close();  // flush() and close the file; idempotent

 private:
  void emit(LogStream stream, std::string_view text, std::string* batch);
  void append(const std::string& batch);

  int fd_ = -1;
  std::filesystem::path path_;
  Clock clock_;
  std::string pending_[2];  // unfinished line of stdout, stderr
};

class LogReader {
 public:
  // A missing file reads as empty (the container never wrote) until it appears.
  explicit LogReader(std::filesystem::path path);
  ~LogReader();
  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;

  // Every entry from the start; the reader is left at the end of the file.
  std::vector<LogEntry> read_all();
  // The last n entries, reading backwards from the end in blocks (so a big file costs what
  // its last n lines cost); the reader is left at the end of the file.
  std::vector<LogEntry> tail(size_t n);

  // Following. Entries appended since the last read (complete lines only; a line still
  // being written waits for the next call). A file truncated or replaced starts over.
  std::vector<LogEntry> read_new();
  // An fd that turns readable when the file may have grown (inotify), for the caller's own
  // poll loop; call read_new() then. -1 when inotify is unavailable: poll on a timer.
  int watch_fd();
  // Calls sink for every entry appended from now on until sink returns false, `stop_fd`
  // (if >= 0) turns readable, or, with a non-zero `idle_limit`, nothing came for that long.
  // Returns false when it stopped because of sink or stop_fd, true on idle_limit.
  bool follow(const std::function<bool(const LogEntry&)>& sink, int stop_fd = -1,
              std::chrono::milliseconds idle_limit = std::chrono::milliseconds(0));

 private:
  bool open_file();
  void drain_watch();
  std::vector<LogEntry> parse(const std::string& text) const;

  std::vector<LogEntry> unsent_;  // read by follow() after its sink said stop

  std::filesystem::path path_;
  int fd_ = -1;
  int inotify_ = -1;
  unsigned long inode_ = 0;
  long long offset_ = 0;  // bytes consumed (up to the last complete line)
};

}  // namespace engine
