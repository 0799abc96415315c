// Creating the new containers of a level at once: each in a forked child that shares
// nothing with its siblings but the kernel. The parent keeps the project state, allocates
// the addresses before it forks, and shows the children's progress (sent as JSON lines).
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include "engine/container_create.h"
#include "engine/error.h"

namespace engine {
namespace {

using boxrt::UniqueFd;

// A child's reports, as JSON lines on a pipe to the parent.
class PipeReporter : public Reporter {
 public:
  explicit PipeReporter(int fd) : fd_(fd) {}
  void event(const ProgressEvent& e) override {
    send({{"event",
           {{"kind", static_cast<int>(e.kind)},
            {"name", e.name},
            {"text", e.text},
            {"done", e.done},
            {"error", e.error}}}});
  }
  void warning(const std::string& text) override { send({{"warning", text}}); }
  void send(const nlohmann::json& message) {
    std::string line = message.dump() + "\n";
    (void)!::write(fd_, line.data(), line.size());  // one write: lines never interleave
  }

 private:
  int fd_;
};

// In the forked child: makes the container and reports its record or its failure.
[[noreturn]] void create_in_child(Context& ctx, const CreateRequest& req, int fd, pid_t parent) {
  FileLock creating(ctx.paths().create_lock(ctx.state().name), FileLock::Mode::kShared);
  // The parent holds the project's lock while it lives, so `down` cannot be waiting for
  // this lock yet; once the parent is gone, `down` may be, and nothing new may start.
  if (::getppid() != parent) _exit(1);
  PipeReporter pipe(fd);
  ctx.become_child(pipe);
  int code = 0;
  try {
    ContainerRecord& c = ctx.state().containers.at(req.name);
    build_and_launch(ctx, req, c);
    pipe.send({{"record", to_json(c)}});
  } catch (const std::exception& e) {
    pipe.send({{"error", e.what()}});
    code = 1;
  }
  _exit(code);
}

// What one child is doing, seen from the parent.
struct ChildCreate {
  const CreateRequest* req;
  pid_t pid = 0;
  UniqueFd from;
  std::string buffer;
  std::optional<ContainerRecord> record;
  std::string error = "the process creating it ended without a word";
};

void handle_child_line(Context& ctx, ChildCreate& child, const std::string& line) {
  nlohmann::json m = nlohmann::json::parse(line, nullptr, false);
  if (m.is_discarded()) return;
  if (m.contains("event")) {
    const auto& e = m["event"];
    ctx.report().event(progress_event(static_cast<ResourceKind>(e.value("kind", 2)),
                                      e.value("name", ""), e.value("text", ""),
                                      e.value("done", false), e.value("error", "")));
  } else if (m.contains("warning")) {
    ctx.report().warning(m["warning"].get<std::string>());
  } else if (m.contains("record")) {
    child.record = container_record_from_json(m["record"]);
  } else if (m.contains("error")) {
    child.error = m["error"].get<std::string>();
  }
}

// Reads every child's lines until each pipe ends.
void collect_children(Context& ctx, std::vector<ChildCreate>& children) {
  for (;;) {
    std::vector<pollfd> fds;
    for (auto& c : children)
      if (c.from) fds.push_back({c.from.get(), POLLIN, 0});
    if (fds.empty()) return;
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR)
      throw Error::sys("poll", "container creation", errno);
    for (const auto& p : fds) {
      if (!p.revents) continue;
      ChildCreate& child =
          *std::find_if(children.begin(), children.end(),
                        [&](const ChildCreate& c) { return c.from.get() == p.fd; });
      char buf[4096];
      ssize_t n = ::read(p.fd, buf, sizeof buf);
      if (n <= 0 && !(n < 0 && errno == EINTR)) {
        child.from.reset();
        continue;
      }
      child.buffer.append(buf, static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
      for (std::size_t nl; (nl = child.buffer.find('\n')) != std::string::npos;) {
        handle_child_line(ctx, child, child.buffer.substr(0, nl));
        child.buffer.erase(0, nl + 1);
      }
    }
  }
}

ChildCreate fork_create(Context& ctx, const CreateRequest& req) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error::sys("pipe", "container creation", errno);
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  std::fflush(nullptr);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) throw Error::sys("fork", req.name, errno);
  if (pid == 0) {
    read_end.reset();
    create_in_child(ctx, req, write_end.get(), parent);
  }
  ChildCreate child{&req, pid, std::move(read_end), {}, std::nullopt};
  return child;
}

void create_batch(Context& ctx, const std::vector<const CreateRequest*>& batch) {
  std::vector<ChildCreate> children;
  for (const CreateRequest* req : batch)
    children.push_back(fork_create(ctx, *req));
  collect_children(ctx, children);
  for (auto& child : children) {
    int status;
    while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  std::string first_error;
  for (auto& child : children) {
    if (child.record) {
      ctx.state().containers[child.req->name] = *child.record;
      finish_create(ctx, *child.req);
    }
  }
  for (auto& child : children)
    if (!child.record) {
      try {
        fail_create(ctx, *child.req, child.error);
      } catch (const std::exception& e) {
        if (first_error.empty()) first_error = e.what();
      }
    }
  if (!first_error.empty()) throw Error(first_error);
}

}  // namespace

void create_containers(Context& ctx, const std::vector<CreateRequest>& reqs, int parallel) {
  if (reqs.size() == 1 || parallel == 1) {
    for (const auto& req : reqs)
      create_container(ctx, req);
    return;
  }
  for (const auto& req : reqs)
    begin_create(ctx, req);
  std::size_t width = parallel > 0 ? static_cast<std::size_t>(parallel) : reqs.size();
  for (std::size_t i = 0; i < reqs.size(); i += width) {
    std::vector<const CreateRequest*> batch;
    for (std::size_t j = i; j < std::min(reqs.size(), i + width); ++j)
      batch.push_back(&reqs[j]);
    create_batch(ctx, batch);
  }
}

}  // namespace engine
