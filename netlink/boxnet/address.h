// Value types for IPv4 addresses, subnets and MAC addresses, with parsing and printing.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>

namespace net {

struct Ipv4 {
  uint32_t value = 0;  // host byte order, so arithmetic and comparison work directly

  static Ipv4 parse(const std::string& text);  // throws Error(EINVAL)
  std::string str() const;
  auto operator<=>(const Ipv4&) const = default;
};

struct Subnet {
  Ipv4 base;
  int prefix = 0;

  // "10.89.0.0/24"; refuses host bits set after the prefix, as Docker does.
  static Subnet parse(const std::string& text);
  std::string str() const;

  uint32_t mask() const { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }
  Ipv4 broadcast() const { return Ipv4{base.value | ~mask()}; }
  uint64_t size() const { return uint64_t{1} << (32 - prefix); }
  bool contains(Ipv4 ip) const { return (ip.value & mask()) == base.value; }
  bool contains(const Subnet& other) const {
    return other.prefix >= prefix && contains(other.base);
  }
  bool overlaps(const Subnet& other) const { return contains(other.base) || other.contains(base); }
  auto operator<=>(const Subnet&) const = default;
};

using Mac = std::array<uint8_t, 6>;
std::string mac_str(const Mac& mac);

}  // namespace net
