#include <netlink/errno.h>
#include <netlink/handlers.h>

#include <cerrno>
#include <optional>

#include "boxnet/error.h"
#include "boxnet/handles.h"
#include "boxnet/netns.h"

namespace net {
namespace {

template <class T>
T* must(T* p, const char* what) {
  if (p == nullptr) throw Error("allocate", what, ENOMEM);
  return p;
}

// Records the kernel's errno, then lets libnl carry on as it would without us.
int record_errno(sockaddr_nl*, nlmsgerr* err, void* arg) {
  *static_cast<int*>(arg) = -err->error;
  return NL_STOP;
}

}  // namespace

Socket::Socket(nl_sock* sock) : sock_(sock), kernel_errno_(std::make_unique<int>(0)) {
  nl_socket_modify_err_cb(sock, NL_CB_CUSTOM, record_errno, kernel_errno_.get());
}

int Socket::errno_of(int nl_error) const {
  if (nl_error >= 0) return 0;
  if (-nl_error == NLE_FAILURE && *kernel_errno_ != 0) return *kernel_errno_;
  return errno_from_nl(nl_error);
}

void Socket::check(int nl_error, const std::string& op, const std::string& object) const {
  if (nl_error >= 0) return;
  const int code = errno_of(nl_error);
  if (code == EIO) throw Error(op, object, code, nl_geterror(nl_error));
  throw Error(op, object, code);
}

Socket Socket::open() {
  Socket s(must(nl_socket_alloc(), "netlink socket"));
  check_nl(nl_connect(s.get(), NETLINK_ROUTE), "connect", "netlink route socket");
  return s;
}

Socket Socket::open_in(const Netns& ns) {
  std::optional<Socket> made;
  run_here_in(ns, [&] { made.emplace(Socket::open()); });
  return std::move(*made);
}

LinkPtr alloc_link() {
  return LinkPtr(must(rtnl_link_alloc(), "link"));
}
AddrPtr alloc_addr() {
  return AddrPtr(must(rtnl_addr_alloc(), "address"));
}
RoutePtr alloc_route() {
  return RoutePtr(must(rtnl_route_alloc(), "route"));
}
QdiscPtr alloc_qdisc() {
  return QdiscPtr(must(rtnl_qdisc_alloc(), "qdisc"));
}
RulePtr alloc_rule() {
  return RulePtr(must(rtnl_rule_alloc(), "rule"));
}

NlMsgPtr alloc_msg(int type, int flags, const void* header, size_t size) {
  NlMsgPtr msg(must(nlmsg_alloc_simple(type, flags), "netlink message"));
  check_nl(nlmsg_append(msg.get(), const_cast<void*>(header), size, NLMSG_ALIGNTO), "build",
           "netlink message");
  return msg;
}

}  // namespace net
