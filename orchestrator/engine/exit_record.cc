#include "engine/exit_record.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "boxrt/fd.h"
#include "engine/error.h"

namespace engine {

std::optional<ExitRecord> read_exit_record(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  try {
    nlohmann::json j = nlohmann::json::parse(in);
    return ExitRecord{j.value("exit_code", 0), j.value("finished_at", ""), j.value("pid", 0)};
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

void write_exit_record(const std::filesystem::path& file, const ExitRecord& record) {
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << nlohmann::json{{"exit_code", record.code},
                          {"finished_at", record.finished_at},
                          {"pid", record.pid}}
               .dump()
        << '\n';
    if (!out.flush()) throw Error::sys("write", tmp.string(), errno);
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0) throw Error::sys("rename", file.string(), errno);
}

namespace {

std::optional<ExitRecord> record_of(const std::filesystem::path& file, pid_t pid) {
  auto r = read_exit_record(file);
  if (r && (pid <= 0 || r->pid == pid)) return r;
  return std::nullopt;
}

}  // namespace

std::optional<ExitRecord> wait_exit_record(const std::filesystem::path& file, pid_t pid,
                                           std::chrono::milliseconds timeout) {
  // Watch first, then look: a record written in between is seen either way.
  boxrt::UniqueFd watch(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (watch)
    ::inotify_add_watch(watch.get(), file.parent_path().c_str(), IN_MOVED_TO | IN_CLOSE_WRITE);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto r = record_of(file, pid)) return r;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !watch) return std::nullopt;
    pollfd p{watch.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) > 0) {
      char buf[4096];
      while (::read(watch.get(), buf, sizeof buf) > 0) {
      }
    }
  }
}

}  // namespace engine
