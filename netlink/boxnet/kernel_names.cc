#include "boxnet/kernel_names.h"

#include <cstdint>
#include <cstdio>

namespace net {
namespace {

// FNV-1a 64: tiny, stable across builds and platforms.
uint64_t fnv1a(const std::string& text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// `digits` hex digits of the hash after the prefix (IFNAMSIZ leaves 15 characters).
std::string hashed(const char* prefix, const std::string& a, const std::string& b, int digits) {
  char buf[16];
  // The separator keeps ("a/b","c") and ("a","b/c") apart only if names lack '\0'; they do.
  uint64_t h = fnv1a(a + '\0' + b) & ((uint64_t{1} << (4 * digits)) - 1);
  std::snprintf(buf, sizeof buf, "%s%0*llx", prefix, digits, static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

std::string bridge_name(const std::string& project, const std::string& network) {
  return hashed("bc", project, network, 8);
}

// 52 bits: a host may hold thousands of endpoints, and two sharing a name would share
// one link (one container's attach taking the other's pair). Bridges are per project
// network, far fewer, and keep the names they always had.
std::string host_veth_name(const std::string& container, const std::string& network) {
  return hashed("vc", container, network, 13);
}

std::string container_ifname(int index) {
  return "eth" + std::to_string(index);
}

Mac container_mac(const std::string& container, const std::string& network) {
  uint64_t h = fnv1a(container + '\0' + network);
  Mac mac{0x02, 0, 0, 0, 0, 0};
  for (int i = 1; i < 6; ++i)
    mac[i] = static_cast<uint8_t>(h >> (8 * (i - 1)));
  return mac;
}

}  // namespace net
