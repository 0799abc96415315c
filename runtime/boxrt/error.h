// One error type for the runtime: what was done, on what, and why (errno), chained with
// context as it travels up ("create web: mount /data -> /srv: No such file or directory").
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace boxrt {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, int err = 0)
      : std::runtime_error(message), errno_(err) {}

  // A failed syscall: "<what> <on>: <strerror(err)>".
  static Error sys(std::string_view what, std::string_view on, int err);

  // The same error, prefixed: "<context>: <message>".
  Error with_context(std::string_view context) const;

  int code() const { return errno_; }

 private:
  int errno_;
};

// Throws Error::sys(what, on, errno) when rc < 0; returns rc otherwise.
long check_sys(long rc, std::string_view what, std::string_view on = {});

}  // namespace boxrt
