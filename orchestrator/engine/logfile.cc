#include "engine/logfile.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "engine/error.h"

namespace engine {

namespace {

// Length of the valid UTF-8 sequence at s[i], 0 when it is not one.
size_t utf8_len(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  if (n == 2 && c < 0xC2) return 0;                       // overlong
  if (n == 3 && c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
  if (n == 3 && c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogate
  if (n == 4 && (c > 0xF4 || (c == 0xF0 && b(i + 1) < 0x90) || (c == 0xF4 && b(i + 1) >= 0x90)))
    return 0;
  return n;
}

// A JSON string as Go's encoding/json writes it (HTML-safe, invalid UTF-8 replaced).
void append_json_string(std::string* out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t n = utf8_len(s, i);
      if (n == 0) {
        out->append("\\ufffd");
        ++i;
      } else if (n == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                 (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
        out->append(static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029");
        i += 3;
      } else {
        out->append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c == '<' || c == '>' || c == '&') {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
}

void write_all(int fd, const std::string& data, const std::filesystem::path& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error::sys("write log", path.string(), errno);
    }
    done += static_cast<size_t>(n);
  }
}

// Reads [from, to) of fd.
std::string read_range(int fd, long long from, long long to) {
  std::string buf(static_cast<size_t>(to - from), '\0');
  size_t got = 0;
  while (got < buf.size()) {
    ssize_t n = pread(fd, buf.data() + got, buf.size() - got, from + static_cast<long long>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  buf.resize(got);
  return buf;
}

long long file_size(int fd) {
  struct stat st {};
  return fstat(fd, &st) == 0 ? static_cast<long long>(st.st_size) : 0;
}

}  // namespace

const char* stream_name(LogStream s) {
  return s == LogStream::Stderr ? "stderr" : "stdout";
}

std::string encode_log_entry(const LogEntry& e) {
  std::string out;
  out.reserve(e.text.size() + 80);
  out.append("{\"log\":");
  append_json_string(&out, e.text);
  out.append(",\"stream\":\"").append(stream_name(e.stream)).append("\",\"time\":\"");
  out.append(rfc3339_nano(e.time)).append("\"}\n");
  return out;
}

std::optional<LogEntry> decode_log_entry(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  auto log = j.find("log");
  auto stream = j.find("stream");
  auto time = j.find("time");
  if (log == j.end() || !log->is_string() || time == j.end() || !time->is_string())
    return std::nullopt;
  auto t = parse_rfc3339(time->get_ref<const std::string&>());
  if (!t) return std::nullopt;
  LogEntry e;
  e.text = log->get<std::string>();
  e.time = *t;
  e.stream = stream != j.end() && stream->is_string() && *stream == "stderr" ? LogStream::Stderr
                                                                             : LogStream::Stdout;
  return e;
}

LogWriter::LogWriter(const std::filesystem::path& path, Clock clock)
    : path_(path), clock_(std::move(clock)) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd_ < 0) throw Error::sys("open log", path.string(), errno);
  if (!clock_) clock_ = wall_now;
}

LogWriter::~LogWriter() {
  try {
    close();
  } catch (const Error&) {
    // A destructor cannot report it; the caller that cares calls close() first.
  }
}

void LogWriter::emit(LogStream stream, std::string_view text, std::string* batch) {
  LogEntry e{stream, clock_(), std::string(text)};
  batch->append(encode_log_entry(e));
}

void LogWriter::append(const std::string& batch) {
  if (batch.empty()) return;
  if (fd_ < 0) throw Error("write log " + path_.string() + ": closed");
  write_all(fd_, batch, path_);
}

void LogWriter::write(LogStream stream, const char* data, size_t n) {
  std::string& pending = pending_[stream == LogStream::Stderr ? 1 : 0];
  std::string batch;
  size_t pos = 0;
  while (pos < n) {
    size_t room = kMaxEntry - pending.size();
    size_t span = std::min(room, n - pos);
    const char* nl = static_cast<const char*>(std::memchr(data + pos, '\n', span));
    if (nl) {
      size_t len = static_cast<size_t>(nl - (data + pos)) + 1;
      pending.append(data + pos, len);
      pos += len;
    } else {
      pending.append(data + pos, span);
      pos += span;
      if (pending.size() < kMaxEntry) break;  // unfinished: wait for more
    }
    emit(stream, pending, &batch);
    pending.clear();
  }
  append(batch);
}

void LogWriter::flush() {
  std::string batch;
  for (int i = 0; i < 2; ++i) {
    if (pending_[i].empty()) continue;
    emit(i == 1 ? LogStream::Stderr : LogStream::Stdout, pending_[i], &batch);
    pending_[i].clear();
  }
  append(batch);
}

void LogWriter::close() {
  if (fd_ < 0) return;
  flush();
  ::close(fd_);
  fd_ = -1;
}

LogReader::LogReader(std::filesystem::path path) : path_(std::move(path)) {}

LogReader::~LogReader() {
  if (fd_ >= 0) ::close(fd_);
  if (inotify_ >= 0) ::close(inotify_);
}

bool LogReader::open_file() {
  if (fd_ >= 0) return true;
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    if (errno == ENOENT) return false;
    throw Error::sys("open log", path_.string(), errno);
  }
  struct stat st {};
  fstat(fd_, &st);
  inode_ = st.st_ino;
  offset_ = 0;
  return true;
}

std::vector<LogEntry> LogReader::parse(const std::string& text) const {
  std::vector<LogEntry> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    if (auto e = decode_log_entry(std::string_view(text).substr(pos, nl - pos)))
      out.push_back(std::move(*e));
    pos = nl + 1;
  }
  return out;
}

std::vector<LogEntry> LogReader::read_all() {
  unsent_.clear();
  if (!open_file()) return {};
  offset_ = 0;
  return read_new();
}

std::vector<LogEntry> LogReader::tail(size_t n) {
  unsent_.clear();
  if (!open_file()) return {};
  // Scan backwards block by block: first for the end of the last complete line (a line
  // still being written belongs to the next read), then for the n-th line start before it.
  constexpr long long kBlock = 64 * 1024;
  long long end = -1, cut = -1, pos = file_size(fd_);
  size_t newlines = 0;
  while (pos > 0 && cut < 0) {
    long long from = std::max(0LL, pos - kBlock);
    std::string block = read_range(fd_, from, pos);
    for (size_t i = block.size(); i-- > 0 && cut < 0;) {
      if (block[i] != '\n') continue;
      long long at = from + static_cast<long long>(i);
      if (end < 0) {
        end = at + 1;
        if (n == 0) cut = end;
      } else if (++newlines == n) {
        cut = at + 1;
      }
    }
    pos = from;
  }
  if (end < 0) return {};  // not one complete line yet
  offset_ = end;
  return parse(read_range(fd_, std::max(0LL, cut), end));
}

std::vector<LogEntry> LogReader::read_new() {
  if (!unsent_.empty()) {
    auto out = std::move(unsent_);
    unsent_.clear();
    auto more = read_new();
    out.insert(out.end(), std::make_move_iterator(more.begin()),
               std::make_move_iterator(more.end()));
    return out;
  }
  // Replaced (rotated, recreated) or truncated: start over on the new content.
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0 && fd_ >= 0 && st.st_ino != inode_) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!open_file()) return {};
  long long size = file_size(fd_);
  if (size < offset_) offset_ = 0;
  if (size == offset_) return {};
  std::string text = read_range(fd_, offset_, size);
  size_t nl = text.rfind('\n');
  if (nl == std::string::npos) return {};
  text.resize(nl + 1);
  offset_ += static_cast<long long>(text.size());
  return parse(text);
}

int LogReader::watch_fd() {
  if (inotify_ >= 0) return inotify_;
  inotify_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_ < 0) return -1;
  // The directory, not the file: the file may not exist yet, or be replaced.
  std::filesystem::path dir = path_.parent_path().empty() ? "." : path_.parent_path();
  if (inotify_add_watch(inotify_, dir.c_str(),
                        IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
    ::close(inotify_);
    inotify_ = -1;
  }
  return inotify_;
}

void LogReader::drain_watch() {
  alignas(inotify_event) char buf[4096];
  while (inotify_ >= 0 && ::read(inotify_, buf, sizeof buf) > 0) {
  }
}

bool LogReader::follow(const std::function<bool(const LogEntry&)>& sink, int stop_fd,
                       std::chrono::milliseconds idle_limit) {
  using std::chrono::steady_clock;
  int wfd = watch_fd();  // before the first read, so nothing appended in between is missed
  auto last = steady_clock::now();
  for (;;) {
    auto entries = read_new();
    for (size_t i = 0; i < entries.size(); ++i) {
      if (!sink(entries[i])) {
        // Kept for the next read: stopping must not lose what was already read.
        unsent_.assign(std::make_move_iterator(entries.begin() + static_cast<long>(i) + 1),
                       std::make_move_iterator(entries.end()));
        return false;
      }
      last = steady_clock::now();
    }
    // With inotify a slow re-check only guards against missed events; without, poll.
    int timeout = wfd >= 0 ? 1000 : 200;
    if (idle_limit.count() > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          idle_limit - (steady_clock::now() - last));
      if (left.count() <= 0) return true;
      timeout = std::min<int>(timeout, static_cast<int>(left.count()));
    }
    pollfd fds[2];
    nfds_t nfds = 0;
    if (stop_fd >= 0) fds[nfds++] = {stop_fd, POLLIN, 0};
    if (wfd >= 0) fds[nfds++] = {wfd, POLLIN, 0};
    int r = ::poll(fds, nfds, timeout);
    if (r < 0 && errno != EINTR) throw Error::sys("poll", path_.string(), errno);
    if (r > 0 && stop_fd >= 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) return false;
    if (wfd >= 0) drain_watch();
  }
}

}  // namespace engine
