// Owning handles for what libnl hands out: sockets, caches, objects and addresses.
// Each libnl object is reference counted; the handle drops its one reference.
#pragma once

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <netlink/socket.h>

#include <cstdint>
#include <memory>
#include <string>

namespace net {

namespace detail {
template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p != nullptr) Free(p);
  }
};
}  // namespace detail

using LinkPtr = std::unique_ptr<rtnl_link, detail::Deleter<rtnl_link, rtnl_link_put>>;
using AddrPtr = std::unique_ptr<rtnl_addr, detail::Deleter<rtnl_addr, rtnl_addr_put>>;
using RoutePtr = std::unique_ptr<rtnl_route, detail::Deleter<rtnl_route, rtnl_route_put>>;
using QdiscPtr = std::unique_ptr<rtnl_qdisc, detail::Deleter<rtnl_qdisc, rtnl_qdisc_put>>;
using CachePtr = std::unique_ptr<nl_cache, detail::Deleter<nl_cache, nl_cache_free>>;
using NlAddrPtr = std::unique_ptr<nl_addr, detail::Deleter<nl_addr, nl_addr_put>>;
using RulePtr = std::unique_ptr<rtnl_rule, detail::Deleter<rtnl_rule, rtnl_rule_put>>;
using NlMsgPtr = std::unique_ptr<nl_msg, detail::Deleter<nl_msg, nlmsg_free>>;

class Netns;

// A connected NETLINK_ROUTE socket. A netlink socket talks to the network namespace it
// was created in for its whole life, so a socket for a container is opened inside the
// container's namespace (open_in) and can then be used from any thread.
class Socket {
 public:
  // A socket in the calling thread's network namespace.
  static Socket open();
  // A socket in `ns`: the calling thread enters it just long enough to make the socket
  // (see run_here_in).
  static Socket open_in(const Netns& ns);

  nl_sock* get() const { return sock_.get(); }

  // The errno behind a libnl error code. libnl folds the kernel errors it has no code for
  // (ENETUNREACH, ENOTCONN, ...) into "Unspecific failure"; the socket keeps the kernel's
  // own errno of its last failed request to undo that.
  int errno_of(int nl_error) const;
  // Throws Error(op, object, errno_of(nl_error)) when nl_error < 0.
  void check(int nl_error, const std::string& op, const std::string& object) const;

  // Sequence numbers for Batch: a range of its own, so an answer is never taken for one
  // of libnl's.
  uint32_t next_batch_seq() { return batch_seq_++; }

 private:
  explicit Socket(nl_sock* sock);
  std::unique_ptr<nl_sock, detail::Deleter<nl_sock, nl_socket_free>> sock_;
  std::unique_ptr<int> kernel_errno_;  // on the heap: libnl holds its address across moves
  uint32_t batch_seq_ = 0x80000000u;
};

// Allocation failures in libnl return nullptr; these throw instead.
LinkPtr alloc_link();
AddrPtr alloc_addr();
RoutePtr alloc_route();
QdiscPtr alloc_qdisc();
RulePtr alloc_rule();
// An empty request of this type with its fixed header (ifinfomsg, ifaddrmsg, ...).
NlMsgPtr alloc_msg(int type, int flags, const void* header, size_t size);

}  // namespace net
