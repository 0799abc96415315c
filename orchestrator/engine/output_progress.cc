#include "engine/output_progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <iterator>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace engine {

namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

const char* kind_word(ResourceKind k) {
  switch (k) {
    case ResourceKind::Network:
      return "Network";
    case ResourceKind::Volume:
      return "Volume";
    case ResourceKind::Container:
      return "Container";
    case ResourceKind::Image:
      return "Image";
  }
  return "";
}

enum class Status { Working, Done, Warning, Error };

Status status_of(const ProgressEvent& e) {
  if (!e.error.empty()) return Status::Error;
  if (e.warning) return Status::Warning;
  return e.done ? Status::Done : Status::Working;
}

std::string resource_id(const ProgressEvent& e) {
  return std::string(kind_word(e.kind)) + " " + e.name;
}

std::string status_text(const ProgressEvent& e) {
  if (e.error.empty()) return e.text;
  return e.text.empty() ? e.error : e.text + " " + e.error;
}

// What compose's Println(prefix, ID, Text, StatusText) prints with an empty prefix and
// Text: single spaces between the four operands.
class PlainProgress : public Progress {
 public:
  explicit PlainProgress(FILE* out) : out_(out) {}
  void event(const ProgressEvent& e) override {
    std::lock_guard lock(mu_);
    std::string line = plain_progress_line(e);
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fflush(out_);
  }
  void done() override {}

 private:
  FILE* out_;
  std::mutex mu_;
};

// ANSI colours as compose's aec palette.
struct Palette {
  bool on;
  std::string wrap(const char* code, const std::string& s) const {
    return on ? std::string("\x1b[") + code + "m" + s + "\x1b[0m" : s;
  }
  std::string success(const std::string& s) const { return wrap("32", s); }
  std::string error(const std::string& s) const { return wrap("31;1", s); }
  std::string warning(const std::string& s) const { return wrap("33;1", s); }
  std::string count(const std::string& s) const { return wrap("33", s); }
  std::string timer(const std::string& s) const { return wrap("34", s); }
};

constexpr const char* kSpinner[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};

struct Task {
  std::string id;
  std::string status_text;
  Status status = Status::Working;
  SteadyTime start{}, end{};
  bool ended = false;
  size_t spin = 0;
};

size_t visible_len(const std::string& s) {
  size_t n = 0;
  bool esc = false;
  for (unsigned char c : s) {
    if (c == 0x1b) {
      esc = true;
    } else if (esc) {
      if (c == 'm' || c == 'A' || c == 'G' || c == 'h' || c == 'l') esc = false;
    } else if ((c & 0xC0) != 0x80) {
      ++n;
    }
  }
  return n;
}

int terminal_width(FILE* out) {
  winsize ws{};
  if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

class TtyProgress : public Progress {
 public:
  TtyProgress(FILE* out, ProgressOptions opts) : out_(out), opts_(std::move(opts)) {
    palette_.on = opts_.color;
    if (!opts_.clock) opts_.clock = [] { return std::chrono::steady_clock::now(); };
    if (opts_.redraw) ticker_ = std::thread([this] { tick(); });
  }
  ~TtyProgress() override { done(); }

  void event(const ProgressEvent& e) override {
    std::lock_guard lock(mu_);
    SteadyTime now = opts_.clock();
    Status status = status_of(e);
    std::string id = resource_id(e);
    auto it = tasks_.find(id);
    if (it == tasks_.end()) {
      Task t{id, status_text(e), status, now, now, false, 0};
      if (status == Status::Done || status == Status::Error) t.ended = true;
      tasks_.emplace(id, t);
      order_.push_back(id);
      return;
    }
    Task& t = it->second;
    if (status != Status::Working && t.status != status) {
      t.end = now;
      t.ended = true;
    }
    t.status = status;
    t.status_text = status_text(e);
  }

  void done() override {
    {
      std::lock_guard lock(mu_);
      if (finished_) return;
      finished_ = true;
    }
    cv_.notify_all();
    if (ticker_.joinable()) ticker_.join();
    std::lock_guard lock(mu_);
    draw();
  }

 private:
  void tick() {
    std::unique_lock lock(mu_);
    while (!finished_) {
      cv_.wait_for(lock, std::chrono::milliseconds(100));
      if (!finished_) draw();
    }
  }

  // One frame: back to the header line, then header and one line per resource.
  void draw() {
    if (tasks_.empty()) return;
    int width = opts_.width > 0 ? opts_.width : terminal_width(out_);
    std::string frame;
    if (lines_ > 0) frame += "\x1b[" + std::to_string(lines_ + 1) + "A\x1b[1G";
    frame += "\x1b[?25l";
    size_t done_count = 0;
    for (const auto& [id, t] : tasks_)
      if (t.status != Status::Working) ++done_count;
    frame += "[+] " + opts_.title + " " + std::to_string(done_count) + "/" +
             std::to_string(tasks_.size()) + "\n";
    // compose's column: the longest "ID Text", Text being empty here.
    size_t status_column = 0;
    for (const auto& [id, t] : tasks_)
      status_column = std::max(status_column, id.size() + 1);
    SteadyTime now = opts_.clock();
    for (const auto& id : order_)
      frame += line(tasks_.at(id), status_column, width, now);
    frame += "\x1b[?25h";
    lines_ = static_cast<int>(order_.size());
    std::fwrite(frame.data(), 1, frame.size(), out_);
    std::fflush(out_);
  }

  std::string spinner(Task& t) const {
    switch (t.status) {
      case Status::Done:
        return palette_.success("✔");
      case Status::Warning:
        return palette_.warning("!");
      case Status::Error:
        return palette_.error("✘");
      case Status::Working:
        break;
    }
    return palette_.count(kSpinner[t.spin++ % std::size(kSpinner)]);
  }

  std::string colored_status(const Task& t, const std::string& s) const {
    switch (t.status) {
      case Status::Done:
        return palette_.success(s);
      case Status::Warning:
        return palette_.warning(s);
      case Status::Error:
        return palette_.error(s);
      case Status::Working:
        break;
    }
    return s;
  }

  std::string line(Task& t, size_t status_column, int width, SteadyTime now) const {
    SteadyTime end = t.status == Status::Working ? now : (t.ended ? t.end : t.start);
    double elapsed = std::chrono::duration<double>(end - t.start).count();
    std::string txt = t.id + " ";
    std::string status = t.status_text;
    // Keep an error's long text from wrapping the line (compose cuts it the same way).
    long max_status = static_cast<long>(width) - static_cast<long>(txt.size()) -
                      static_cast<long>(status_column) - 15;
    if (max_status > 0 && static_cast<long>(status.size()) > max_status)
      status = status.substr(0, static_cast<size_t>(max_status)) + "...";
    std::string left = " " + spinner(t) + " " + txt +
                       std::string(status_column - std::min(status_column, txt.size()), ' ') + " " +
                       colored_status(t, status);
    char timer[32];
    std::snprintf(timer, sizeof timer, "%.1fs ", elapsed);
    std::string right = palette_.timer(timer);
    long pad = static_cast<long>(width) - static_cast<long>(visible_len(left)) -
               static_cast<long>(visible_len(right));
    return left + std::string(pad > 0 ? static_cast<size_t>(pad) : 0, ' ') + right + "\n";
  }

  FILE* out_;
  ProgressOptions opts_;
  Palette palette_{};
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread ticker_;
  std::map<std::string, Task> tasks_;
  std::vector<std::string> order_;  // ids in the order they first appeared
  int lines_ = 0;                   // resource lines of the last frame
  bool finished_ = false;
};

}  // namespace

std::string plain_progress_line(const ProgressEvent& e) {
  return " " + resource_id(e) + "  " + status_text(e) + "\n";
}

std::unique_ptr<Progress> make_progress(FILE* out, bool tty, bool plain, ProgressOptions opts) {
  if (tty && !plain) return std::make_unique<TtyProgress>(out, std::move(opts));
  return std::make_unique<PlainProgress>(out);
}

}  // namespace engine
