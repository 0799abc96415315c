// Rate limits with a token bucket filter (tbf) qdisc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "boxnet/handles.h"

namespace net {

struct QdiscInfo {
  int ifindex = 0;
  std::string kind;
  uint32_t handle = 0;
  uint32_t parent = 0;
};

// A root qdisc shapes only what a link sends, so the limit on a host-side veth caps what
// the container receives, and the one on the container's own end caps what it sends.
// Replaces any root qdisc already there.
void set_rate_limit(Socket& sock, int ifindex, const std::string& name, uint64_t bits_per_second);
// The request set_rate_limit sends, for a Batch.
NlMsgPtr rate_limit_request(int ifindex, const std::string& name, uint64_t bits_per_second);
// "eth0 8000000 bit/s": how errors of set_rate_limit name what they were doing.
std::string rate_limit_object(const std::string& name, uint64_t bits_per_second);

// Back to the kernel's default root qdisc; false if there was nothing to remove.
bool clear_root_qdisc(Socket& sock, int ifindex, const std::string& name);

std::vector<QdiscInfo> list_qdiscs(Socket& sock);

}  // namespace net
