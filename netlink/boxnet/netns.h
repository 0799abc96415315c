// Network namespace handles, and running code inside one.
#pragma once

#include <sys/types.h>

#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace net {

// An open fd on a network namespace. The namespace lives at least as long as the handle.
class Netns {
 public:
  static Netns open_pid(pid_t pid);
  static Netns open_path(const std::string& path);
  // The calling thread's namespace.
  static Netns current();
  // A new, empty namespace (only a down loopback), alive as long as the handle (or anything
  // inside it) is. Made on a short-lived thread, so the caller never leaves its own.
  static Netns create();

  Netns(Netns&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Netns& operator=(Netns&& other) noexcept;
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;
  ~Netns();

  int fd() const { return fd_; }
  // The nsfs inode: equal inodes mean the same namespace.
  ino_t inode() const;
  // A path other processes of ours (e.g. `ip ... netns PATH`) can open.
  std::string path() const;

 private:
  explicit Netns(int fd) : fd_(fd) {}
  int fd_;
};

// Runs fn on a dedicated thread that has entered ns, and returns its result or rethrows
// its exception. setns() changes only the calling thread, so a fresh thread keeps every
// other thread (and the caller) where it was, whatever fn does or throws.
void run_in_thread(const Netns& ns, const std::function<void()>& fn);

// Runs fn on the calling thread after entering ns, and returns the thread to its own
// namespace before returning or rethrowing: ~10 us where run_in's thread costs 0.2-4 ms
// (mostly waking a CPU for it). Only for short code of ours that does not itself change
// namespaces, such as opening a socket. If the way back fails the process aborts: going
// on in the wrong namespace would act on the wrong network.
void run_here_in(const Netns& ns, const std::function<void()>& fn);

template <class F>
auto run_in(const Netns& ns, F&& fn) -> std::invoke_result_t<F> {
  using R = std::invoke_result_t<F>;
  if constexpr (std::is_void_v<R>) {
    run_in_thread(ns, std::forward<F>(fn));
  } else {
    std::optional<R> result;
    run_in_thread(ns, [&] { result.emplace(fn()); });
    return std::move(*result);
  }
}

}  // namespace net
