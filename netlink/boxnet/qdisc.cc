#include "boxnet/qdisc.h"

#include <linux/pkt_sched.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/tc.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "boxnet/batch.h"
#include "boxnet/error.h"

namespace net {
namespace {

// The bucket must hold a few full-size frames or tbf drops them, and about 20 ms of
// traffic so the kernel timer (HZ 100-1000) can keep the rate at high speeds.
int bucket_bytes(uint64_t bytes_per_second) {
  return static_cast<int>(std::max<uint64_t>(bytes_per_second / 50, 16 * 1024));
}

// Queue up to 50 ms worth of packets behind the bucket before dropping, like
// `tc ... tbf latency 50ms`.
constexpr int kLatencyUsec = 50 * 1000;

QdiscPtr root_qdisc(int ifindex) {
  QdiscPtr q = alloc_qdisc();
  rtnl_tc_set_ifindex(TC_CAST(q.get()), ifindex);
  rtnl_tc_set_parent(TC_CAST(q.get()), TC_H_ROOT);
  return q;
}

}  // namespace

std::string rate_limit_object(const std::string& name, uint64_t bits_per_second) {
  return name + " " + std::to_string(bits_per_second) + " bit/s";
}

NlMsgPtr rate_limit_request(int ifindex, const std::string& name, uint64_t bits_per_second) {
  const std::string object = rate_limit_object(name, bits_per_second);
  const uint64_t bytes = bits_per_second / 8;
  // libnl's tbf takes rates as int bytes/s (~17 Gbit/s at most).
  if (bytes == 0 || bytes > INT_MAX) throw Error("set rate limit", object, ERANGE);
  QdiscPtr q = root_qdisc(ifindex);
  rtnl_tc_set_handle(TC_CAST(q.get()), TC_HANDLE(1, 0));
  check_nl(rtnl_tc_set_kind(TC_CAST(q.get()), "tbf"), "set rate limit", object);
  rtnl_qdisc_tbf_set_rate(q.get(), static_cast<int>(bytes), bucket_bytes(bytes), 0);
  check_nl(rtnl_qdisc_tbf_set_limit_by_latency(q.get(), kLatencyUsec), "set rate limit", object);
  nl_msg* msg = nullptr;
  check_nl(rtnl_qdisc_build_add_request(q.get(), NLM_F_CREATE | NLM_F_REPLACE, &msg),
           "set rate limit", object);
  return NlMsgPtr(msg);
}

void set_rate_limit(Socket& sock, int ifindex, const std::string& name, uint64_t bits_per_second) {
  request_or_throw(sock, rate_limit_request(ifindex, name, bits_per_second), "set rate limit",
                   rate_limit_object(name, bits_per_second));
}

bool clear_root_qdisc(Socket& sock, int ifindex, const std::string& name) {
  QdiscPtr q = root_qdisc(ifindex);
  int err = rtnl_qdisc_delete(sock.get(), q.get());
  // The kernel answers ENOENT (or EINVAL for the default qdisc) when there is none of ours.
  int e = sock.errno_of(err);
  if (err < 0 && (e == ENOENT || e == EINVAL)) return false;
  sock.check(err, "remove root qdisc", name);
  return true;
}

std::vector<QdiscInfo> list_qdiscs(Socket& sock) {
  nl_cache* raw = nullptr;
  sock.check(rtnl_qdisc_alloc_cache(sock.get(), &raw), "list", "qdiscs");
  CachePtr cache(raw);
  std::vector<QdiscInfo> out;
  for (nl_object* o = nl_cache_get_first(raw); o != nullptr; o = nl_cache_get_next(o)) {
    auto* tc = TC_CAST(o);
    const char* kind = rtnl_tc_get_kind(tc);
    out.push_back({rtnl_tc_get_ifindex(tc), kind ? kind : "", rtnl_tc_get_handle(tc),
                   rtnl_tc_get_parent(tc)});
  }
  return out;
}

}  // namespace net
