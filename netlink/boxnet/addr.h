// IPv4 addresses on links.
#pragma once

#include <string>
#include <vector>

#include "boxnet/address.h"
#include "boxnet/handles.h"

namespace net {

struct AddressInfo {
  int ifindex = 0;
  Ipv4 ip;
  int prefix = 0;
};

// libnl wants addresses as nl_addr objects; this builds one carrying a prefix length.
NlAddrPtr to_nl_addr(Ipv4 ip, int prefix = 32);

// Adds ip/prefix to the link; false if it was already there.
bool add_address(Socket& sock, int ifindex, const std::string& ifname, Ipv4 ip, int prefix);
// The request add_address sends (EEXIST if the address is there), for a Batch.
NlMsgPtr add_address_request(int ifindex, Ipv4 ip, int prefix);
std::vector<AddressInfo> list_addresses(Socket& sock);

}  // namespace net
