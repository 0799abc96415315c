// Several rtnetlink requests in one sendmsg(). The kernel handles the messages of one send
// in order, before sendmsg() returns, and answers every failed one with an error even when
// no ACK was asked for. So only the last asks for an ACK: once it is read, every answer
// before it has been read too, and one round trip does the work of several.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "boxnet/handles.h"

struct nlmsghdr;

namespace net {

class Batch {
 public:
  // Called with a data answer to a request (the link a RTM_GETLINK asked for).
  using ReplyFn = std::function<void(nlmsghdr* reply)>;

  explicit Batch(Socket& sock) : sock_(sock) {}

  // Queues a request (from alloc_msg or one of libnl's rtnl_*_build_*_request); op and
  // object name it in errors. Returns its index.
  size_t add(NlMsgPtr msg, std::string op, std::string object, ReplyFn on_reply = {});

  // Takes this errno of request i as an answer rather than a failure (EEXIST: it was
  // there already), for check_all().
  void allow(size_t i, int error) { requests_.at(i).allowed = error; }

  // Sends what is queued and reads every answer. Throws only when the socket fails; what
  // each request got is read with errno_of(), check() or check_all() afterwards.
  void run();

  // The kernel's errno for request i, 0 if it succeeded.
  int errno_of(size_t i) const { return requests_.at(i).error; }
  // Throws Error(op, object, errno) if request i failed.
  void check(size_t i) const;
  // Throws for the first request that failed with an errno it was not allowed.
  void check_all() const;

 private:
  struct Request {
    NlMsgPtr msg;
    std::string op;
    std::string object;
    ReplyFn on_reply;
    uint32_t seq = 0;
    int error = 0;
    int allowed = 0;
  };

  std::vector<char> wire();
  // Handles one answer; true once the last request's ACK (or error) is in.
  bool take(nlmsghdr* answer);

  Socket& sock_;
  std::vector<Request> requests_;
};

// One request, answered by an ACK: the kernel's errno, 0 on success. For callers that
// treat some errors (EEXIST, ENOENT) as an answer rather than a failure.
int request(Socket& sock, NlMsgPtr msg, const std::string& op, const std::string& object);

// The same, throwing Error(op, object, errno) on any failure.
void request_or_throw(Socket& sock, NlMsgPtr msg, const std::string& op, const std::string& object);

}  // namespace net
