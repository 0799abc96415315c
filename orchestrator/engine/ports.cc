// The pure half of published ports: compose's `ports:` and `expose:` made into the
// bindings Docker would make.
#include "engine/ports.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <tuple>

#include "boximg/instruction.h"
#include "engine/error.h"

namespace engine {
namespace {

uint16_t parse_port(std::string_view text, const std::string& entry) {
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 1 || value > 65535)
    throw Error("ports: " + entry + ": invalid published port \"" + std::string(text) + "\"");
  return static_cast<uint16_t>(value);
}

std::string entry_text(const compose::PortConfig& p) {
  std::string text = p.published.empty() ? "" : p.published + ":";
  if (!p.host_ip.empty()) text = p.host_ip + ":" + text;
  return text + std::to_string(p.target) + "/" + p.protocol;
}

// An address literal as bind(2) takes it: brackets dropped, checked.
std::string host_address(std::string ip, const std::string& entry) {
  if (ip.size() > 1 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  unsigned char buf[sizeof(in6_addr)];
  if (inet_pton(AF_INET, ip.c_str(), buf) != 1 && inet_pton(AF_INET6, ip.c_str(), buf) != 1)
    throw Error("ports: " + entry + ": host_ip \"" + ip + "\" is not an IP address");
  return ip;
}

PortRequest expand_one(const compose::PortConfig& p, bool ipv6) {
  std::string entry = entry_text(p);
  if (p.protocol != "tcp" && p.protocol != "udp")
    throw Error("ports: " + entry + ": protocol " + p.protocol + " cannot be published here " +
                "(tcp and udp can)");
  PortRequest r;
  r.target = p.target;
  r.protocol = p.protocol;
  if (!p.host_ip.empty())
    r.host_ips = {host_address(p.host_ip, entry)};
  else if (ipv6)
    r.host_ips = {"0.0.0.0", "::"};
  else
    r.host_ips = {"0.0.0.0"};
  if (!p.published.empty()) {
    std::size_t dash = p.published.find('-');
    r.first = parse_port(std::string_view(p.published).substr(0, dash), entry);
    r.last = dash == std::string::npos
                 ? r.first
                 : parse_port(std::string_view(p.published).substr(dash + 1), entry);
    if (r.last < r.first) throw Error("ports: " + entry + ": the range ends below its start");
  }
  return r;
}

// "80/tcp" keys of expose entries ("80", "8000-8002/udp"); malformed ones are skipped:
// they are only shown.
std::set<std::string> expose_keys(const std::vector<std::string>& expose) {
  std::set<std::string> keys;
  for (const auto& e : expose) {
    try {
      for (auto& k : image::parse_exposed_ports(e))
        keys.insert(std::move(k));
    } catch (const std::exception&) {
    }
  }
  return keys;
}

}  // namespace

std::vector<PortRequest> expand_ports(const std::vector<compose::PortConfig>& ports,
                                      bool host_has_ipv6) {
  std::vector<PortRequest> out;
  for (const auto& p : ports)
    out.push_back(expand_one(p, host_has_ipv6));
  return out;
}

std::vector<PortRecord> exposed_ports(const std::vector<std::string>& expose,
                                      const std::set<std::string>& image_exposed,
                                      const std::vector<PortRequest>& published) {
  std::set<std::string> keys = expose_keys(expose);
  keys.insert(image_exposed.begin(), image_exposed.end());
  std::vector<PortRecord> out;
  for (const auto& key : keys) {
    std::size_t slash = key.find('/');
    unsigned target = 0;
    std::from_chars(key.data(), key.data() + slash, target);
    std::string protocol = key.substr(slash + 1);
    bool is_published = std::any_of(published.begin(), published.end(), [&](const auto& r) {
      return r.target == target && r.protocol == protocol;
    });
    if (!is_published && target > 0 && target <= 65535)
      out.push_back({"", 0, static_cast<uint16_t>(target), protocol});
  }
  std::sort(out.begin(), out.end(), [](const PortRecord& a, const PortRecord& b) {
    return std::tie(a.target, a.protocol) < std::tie(b.target, b.protocol);
  });
  return out;
}

std::string describe_port(const PortRequest& r, std::string_view host_ip) {
  std::string where = " on " + std::string(host_ip);
  if (r.first == 0) return "a random " + r.protocol + " port" + where;
  std::string range = std::to_string(r.first);
  if (r.last != r.first) range += "-" + std::to_string(r.last);
  return range + "/" + r.protocol + where;
}

}  // namespace engine
