// One error type for the netlink module: what was done, on what, and errno.
#pragma once

#include <stdexcept>
#include <string>

namespace net {

class Error : public std::runtime_error {
 public:
  // op: "create veth", object: "vc3fa2c1 <-> eth0", code: an errno value (0 if none).
  Error(std::string op, std::string object, int code, std::string detail = {});

  const std::string& op() const { return op_; }
  const std::string& object() const { return object_; }
  int code() const { return code_; }

  // The same error with a caller's context in front: "attach web: create veth ...".
  Error with_context(const std::string& context) const;

 private:
  Error(std::string message, std::string op, std::string object, int code);

  std::string op_;
  std::string object_;
  int code_;
};

// libnl reports its own NLE_* codes; this maps them back to the errno the kernel gave,
// so callers can test for EEXIST or ENODEV whatever layer failed.
int errno_from_nl(int nl_error);

// Throws Error(op, object, errno_from_nl(nl_error)) when nl_error < 0.
void check_nl(int nl_error, const std::string& op, const std::string& object);

// Throws Error(op, object, errno) when result < 0.
void check_sys(long result, const std::string& op, const std::string& object);

}  // namespace net
