// One error type for the image module: what was done, on what, and why (errno), chained
// with context as it travels up ("import busybox:local: unpack layer 3f2a...: ...").
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace image {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, int code = 0)
      : std::runtime_error(message), code_(code) {}

  // A failed syscall: "<what> <on>: <strerror(err)>".
  static Error sys(std::string_view what, std::string_view on, int err);

  // The same error, prefixed: "<context>: <message>".
  Error with_context(std::string_view context) const;

  // The errno behind the failure, 0 when there is none.
  int code() const { return code_; }

 private:
  int code_;
};

// The image a caller asked for is not in the store; says how to get it there.
class ImageNotFound : public Error {
 public:
  explicit ImageNotFound(const std::string& reference);
  const std::string& reference() const { return reference_; }

 private:
  std::string reference_;
};

// Throws Error::sys(what, on, errno) when rc < 0; returns rc otherwise.
long check_sys(long rc, std::string_view what, std::string_view on = {});

}  // namespace image
