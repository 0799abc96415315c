#include "boxnet/netns.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "boxnet/error.h"

namespace net {
namespace {

int open_ns(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  check_sys(fd, "open network namespace", path);
  return fd;
}

// Enters a namespace and returns to the thread's original one when the scope ends, on
// every path, so a thread is never left in a namespace it did not start in.
class ScopedSetns {
 public:
  explicit ScopedSetns(const Netns& target) : saved_(Netns::current()) {
    check_sys(::setns(target.fd(), CLONE_NEWNET), "enter network namespace", target.path());
  }
  ~ScopedSetns() {
    if (::setns(saved_.fd(), CLONE_NEWNET) == 0 || !must_return_) return;
    std::fprintf(stderr, "boxnet: cannot return to the thread's network namespace: %s\n",
                 std::strerror(errno));
    std::abort();
  }
  // For a thread that lives on after the scope (run_here_in); a worker of run_in ends
  // right after it, so there a failed return harms nothing.
  void must_return() { must_return_ = true; }
  ScopedSetns(const ScopedSetns&) = delete;
  ScopedSetns& operator=(const ScopedSetns&) = delete;

 private:
  Netns saved_;
  bool must_return_ = false;
};

}  // namespace

Netns& Netns::operator=(Netns&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

Netns::~Netns() {
  if (fd_ >= 0) ::close(fd_);
}

Netns Netns::open_pid(pid_t pid) {
  return Netns(open_ns("/proc/" + std::to_string(pid) + "/ns/net"));
}

Netns Netns::open_path(const std::string& path) {
  return Netns(open_ns(path));
}

Netns Netns::current() {
  return Netns(open_ns("/proc/thread-self/ns/net"));
}

Netns Netns::create() {
  std::optional<Netns> made;
  std::exception_ptr failure;
  // unshare() moves only this thread; the thread then ends, and our fd keeps the
  // namespace alive.
  std::thread worker([&] {
    try {
      check_sys(::unshare(CLONE_NEWNET), "unshare", "network namespace");
      made.emplace(current());
    } catch (...) {
      failure = std::current_exception();
    }
  });
  worker.join();
  if (failure) std::rethrow_exception(failure);
  return std::move(*made);
}

ino_t Netns::inode() const {
  struct stat st {};
  check_sys(::fstat(fd_, &st), "stat network namespace", path());
  return st.st_ino;
}

std::string Netns::path() const {
  return "/proc/" + std::to_string(::getpid()) + "/fd/" + std::to_string(fd_);
}

void run_in_thread(const Netns& ns, const std::function<void()>& fn) {
  std::exception_ptr failure;
  std::thread worker([&] {
    try {
      ScopedSetns inside(ns);
      fn();
    } catch (...) {
      failure = std::current_exception();
    }
  });
  worker.join();
  if (failure) std::rethrow_exception(failure);
}

void run_here_in(const Netns& ns, const std::function<void()>& fn) {
  ScopedSetns inside(ns);
  inside.must_return();
  fn();
}

}  // namespace net
