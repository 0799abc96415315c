// A service's `networks` (list or map with aliases / ipv4_address) and `extra_hosts`.
#include <arpa/inet.h>

#include "compose/decoders.h"

namespace compose {
namespace {

bool is_ipv4(const std::string& text) {
  in_addr addr{};
  return inet_pton(AF_INET, text.c_str(), &addr) == 1;
}

bool is_ip(std::string text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  in6_addr addr6{};
  return is_ipv4(text) || inet_pton(AF_INET6, text.c_str(), &addr6) == 1;
}

const FieldTable<ServiceNetwork>& attachment_table() {
  static const FieldTable<ServiceNetwork> kTable = {
      {"aliases",
       [](Decoder& d, ServiceNetwork& n, const Tree& v, const std::string& p) {
         if (auto list = d.string_list(v, p)) n.aliases = std::move(*list);
       }},
      {"ipv4_address",
       [](Decoder& d, ServiceNetwork& n, const Tree& v, const std::string& p) {
         auto text = d.string(v, p);
         if (text && is_ipv4(*text))
           n.ipv4_address = *text;
         else if (text)
           d.error(v, p, "invalid IPv4 address " + quote(*text));
       }},
      {"ipv6_address", store<&ServiceNetwork::ipv6_address, &Decoder::string>},
      {"mac_address", store<&ServiceNetwork::mac_address, &Decoder::string>},
      {"priority", [](Decoder& d, ServiceNetwork& n, const Tree& v,
                      const std::string& p) { n.priority = d.integer(v, p); }},
      {"driver_opts", [](Decoder& d, ServiceNetwork& n, const Tree& v, const std::string& p) {
         if (auto m = d.string_map(v, p)) n.driver_opts = std::move(*m);
       }}};
  return kTable;
}

void add_extra_host(Decoder& d, Service& s, const std::string& host, const std::string& ip,
                    const Tree& at, const std::string& path) {
  // host-gateway stands for the host's address, filled in when the container starts.
  if (host.empty() || !(is_ip(ip) || ip == "host-gateway")) {
    d.error(at, path, "invalid extra host " + quote(host + ":" + ip) + " (expected HOST:IP)");
    return;
  }
  s.extra_hosts.push_back(host + ":" + ip);
}

}  // namespace

void decode_service_networks(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  s.networks.clear();
  if (node.is_sequence()) {
    auto names = d.string_list(node, path);
    if (!names) return;
    for (size_t i = 0; i < names->size(); ++i)
      s.networks[(*names)[i]].where = {node.items()[i].mark(), index_path(path, i)};
    return;
  }
  if (!node.is_mapping()) {
    d.error(node, path,
            "must be a list of networks or a mapping, not " + std::string(node.kind_name()));
    return;
  }
  for (const TreeEntry& e : node.entries()) {
    ServiceNetwork attachment;
    attachment.where = {e.key_mark, key_path(path, e.key)};
    if (!e.value.is_null())
      decode_fields(d, attachment, e.value, key_path(path, e.key), attachment_table());
    s.networks[e.key] = std::move(attachment);
  }
}

void decode_extra_hosts(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  s.extra_hosts.clear();
  if (node.is_mapping()) {
    for (const TreeEntry& e : node.entries()) {
      auto ips = d.string_or_list(e.value, key_path(path, e.key));
      for (const auto& ip : ips.value_or(std::vector<std::string>{}))
        add_extra_host(d, s, e.key, ip, e.value, key_path(path, e.key));
    }
    return;
  }
  auto entries = d.string_list(node, path);
  if (!entries) return;
  for (size_t i = 0; i < entries->size(); ++i) {
    const std::string& entry = (*entries)[i];
    // "host=ip" is the newer form; "host:ip" splits at the first colon (IPv6 keeps the rest).
    auto sep = entry.find('=');
    if (sep == std::string::npos) sep = entry.find(':');
    if (sep == std::string::npos) {
      d.error(node.items()[i], index_path(path, i),
              "invalid extra host " + quote(entry) + " (expected HOST:IP)");
      continue;
    }
    add_extra_host(d, s, entry.substr(0, sep), entry.substr(sep + 1), node.items()[i],
                   index_path(path, i));
  }
}

}  // namespace compose
