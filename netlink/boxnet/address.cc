#include "boxnet/address.h"

#include <arpa/inet.h>

#include <cerrno>
#include <cstdio>

#include "boxnet/error.h"

namespace net {

Ipv4 Ipv4::parse(const std::string& text) {
  in_addr addr{};
  if (inet_pton(AF_INET, text.c_str(), &addr) != 1) {
    throw Error("parse IPv4 address", "'" + text + "'", EINVAL);
  }
  return Ipv4{ntohl(addr.s_addr)};
}

std::string Ipv4::str() const {
  in_addr addr{htonl(value)};
  char buf[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &addr, buf, sizeof buf);
  return buf;
}

Subnet Subnet::parse(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos)
    throw Error("parse subnet", "'" + text + "'", EINVAL, "no /prefix");
  Subnet s{Ipv4::parse(text.substr(0, slash)), 0};
  const std::string bits = text.substr(slash + 1);
  if (bits.empty() || bits.size() > 2 ||
      bits.find_first_not_of("0123456789") != std::string::npos || std::stoi(bits) > 32) {
    throw Error("parse subnet", "'" + text + "'", EINVAL, "bad prefix length");
  }
  s.prefix = std::stoi(bits);
  if ((s.base.value & ~s.mask()) != 0) {
    Subnet fixed{Ipv4{s.base.value & s.mask()}, s.prefix};
    throw Error("parse subnet", "'" + text + "'", EINVAL,
                "host bits set, did you mean " + fixed.str());
  }
  return s;
}

std::string Subnet::str() const {
  return base.str() + "/" + std::to_string(prefix);
}

std::string mac_str(const Mac& mac) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                mac[4], mac[5]);
  return buf;
}

}  // namespace net
