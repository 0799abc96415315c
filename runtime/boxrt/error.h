// One error type for the runtime: what was done, on what, and why (errno), chained with
// context as it travels up ("create web: mount /data on /srv: ENOENT").
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace boxrt {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, int err = 0)
      : std::runtime_error(message), errno_(err) {}

  // A failed syscall: "<what> <on>: <errno name>" ("mount proc on /proc: EPERM").
  static Error sys(std::string_view what, std::string_view on, int err);

  // The same error, prefixed: "<context>: <message>".
  Error with_context(std::string_view context) const;

  int code() const { return errno_; }

 private:
  int errno_;
};

// The container's process could not be exec'd (command missing, not executable): what
// the runtime's caller should exit with, as a shell would (127 not found, 126 otherwise).
class ExecError : public Error {
 public:
  ExecError(const std::string& message, int err, int exit_status)
      : Error(message, err), exit_status_(exit_status) {}
  int exit_status() const { return exit_status_; }

 private:
  int exit_status_;
};

// "EPERM" for EPERM; "errno N" for a number glibc has no name for.
std::string errno_name(int err);

// Throws Error::sys(what, on, errno) when rc < 0; returns rc otherwise.
long check_sys(long rc, std::string_view what, std::string_view on = {});

}  // namespace boxrt
