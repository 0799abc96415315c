// `ports` (short and long syntax) and `expose`.
#include <charconv>

#include "compose/decoders.h"

namespace compose {
namespace {

struct PortRange {
  uint32_t first = 0;
  uint32_t last = 0;
  size_t size() const { return last - first + 1; }
};

bool parse_port_number(std::string_view text, uint32_t& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

// "80" or "8000-8010". Reports the problem in the words the user wrote.
std::optional<PortRange> parse_range(std::string_view text, std::string& problem) {
  PortRange r;
  auto dash = text.find('-');
  bool ok = dash == std::string_view::npos
                ? parse_port_number(text, r.first) && (r.last = r.first, true)
                : parse_port_number(text.substr(0, dash), r.first) &&
                      parse_port_number(text.substr(dash + 1), r.last);
  if (!ok || r.first < 1 || r.last > 65535 || r.first > 65535) {
    problem = "invalid port " + quote(text) + " (must be 1-65535)";
    return std::nullopt;
  }
  if (r.last < r.first) {
    problem = "invalid port range " + quote(text) + " (the end is below the start)";
    return std::nullopt;
  }
  return r;
}

std::string range_text(const PortRange& r) {
  return r.first == r.last ? std::to_string(r.first)
                           : std::to_string(r.first) + "-" + std::to_string(r.last);
}

bool valid_protocol(std::string_view p) {
  return p == "tcp" || p == "udp" || p == "sctp";
}

// Splits "[HOST_IP:][HOST:]CONTAINER" at the colons that are not inside an IPv6 "[...]".
std::vector<std::string_view> split_port_spec(std::string_view spec) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  int depth = 0;
  for (size_t i = 0; i < spec.size(); ++i) {
    if (spec[i] == '[') ++depth;
    if (spec[i] == ']') --depth;
    if (spec[i] == ':' && depth == 0) {
      parts.push_back(spec.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(spec.substr(start));
  return parts;
}

struct ShortPort {
  std::string host_ip;
  std::string published;
  std::string target;
  std::string protocol = "tcp";
};

std::optional<ShortPort> split_short_port(std::string_view spec, std::string& problem) {
  ShortPort p;
  if (auto slash = spec.rfind('/'); slash != std::string_view::npos) {
    p.protocol = std::string(spec.substr(slash + 1));
    spec = spec.substr(0, slash);
    if (!valid_protocol(p.protocol)) {
      problem = "invalid protocol " + quote(p.protocol) + " (expected tcp, udp or sctp)";
      return std::nullopt;
    }
  }
  auto parts = split_port_spec(spec);
  if (parts.size() > 3) {
    // An unbracketed IPv6 address: everything before the last two colons is the address.
    auto last = spec.rfind(':');
    auto middle = spec.rfind(':', last - 1);
    parts = {spec.substr(0, middle), spec.substr(middle + 1, last - middle - 1),
             spec.substr(last + 1)};
  }
  p.target = std::string(parts.back());
  if (parts.size() >= 2) p.published = std::string(parts[parts.size() - 2]);
  if (parts.size() == 3) p.host_ip = std::string(parts[0]);
  if (p.host_ip.size() > 1 && p.host_ip.front() == '[' && p.host_ip.back() == ']')
    p.host_ip = p.host_ip.substr(1, p.host_ip.size() - 2);
  return p;
}

// Expands a short port into one PortConfig per container port, as Docker Compose does.
void expand_short_port(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  auto text = d.string(node, path);
  if (!text) return;
  std::string problem;
  auto spec = split_short_port(*text, problem);
  auto target = spec ? parse_range(spec->target, problem) : std::nullopt;
  std::optional<PortRange> published;
  if (target && !spec->published.empty()) published = parse_range(spec->published, problem);
  if (!problem.empty() || !spec || !target) {
    d.error(node, path, problem);
    return;
  }
  const PortRange container = *target;
  if (published && published->size() != container.size() && container.size() != 1) {
    d.error(node, path, "port ranges " + quote(*text) + " differ in size");
    return;
  }
  for (uint32_t i = 0; i < container.size(); ++i) {
    PortConfig port;
    port.host_ip = spec->host_ip;
    port.target = static_cast<uint16_t>(container.first + i);
    port.protocol = spec->protocol;
    port.where = {node.mark(), path};
    if (published) {
      port.published =
          container.size() == 1 ? range_text(*published) : std::to_string(published->first + i);
    }
    s.ports.push_back(std::move(port));
  }
}

void decode_long_port(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  static const FieldTable<PortConfig> kTable = {
      {"target",
       [](Decoder& d, PortConfig& p, const Tree& n, const std::string& path) {
         if (auto v = d.integer(n, path, 1, 65535)) p.target = static_cast<uint16_t>(*v);
       }},
      {"published",
       [](Decoder& d, PortConfig& p, const Tree& n, const std::string& path) {
         auto text = d.string(n, path);
         std::string problem;
         if (text && parse_range(*text, problem)) p.published = *text;
         if (!problem.empty()) d.error(n, path, problem);
       }},
      {"host_ip", store<&PortConfig::host_ip, &Decoder::string>},
      {"protocol",
       [](Decoder& d, PortConfig& p, const Tree& n, const std::string& path) {
         auto v = d.string(n, path);
         if (v && valid_protocol(*v))
           p.protocol = *v;
         else if (v)
           d.error(n, path, "invalid protocol " + quote(*v) + " (expected tcp, udp or sctp)");
       }},
      {"mode",
       [](Decoder& d, PortConfig& p, const Tree& n, const std::string& path) {
         auto v = d.string(n, path);
         if (v && (*v == "host" || *v == "ingress"))
           p.mode = *v;
         else if (v)
           d.error(n, path, "invalid mode " + quote(*v) + " (expected host or ingress)");
       }},
      {"name", store<&PortConfig::name, &Decoder::string>},
      {"app_protocol", store<&PortConfig::app_protocol, &Decoder::string>}};
  PortConfig port;
  port.where = {node.mark(), path};
  decode_fields(d, port, node, path, kTable);
  if (!node.find("target")) {
    d.error(node, path, "missing the container port (target)");
    return;
  }
  if (port.target != 0) s.ports.push_back(std::move(port));
}

}  // namespace

void decode_ports(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  if (!d.expect_sequence(node, path)) return;
  s.ports.clear();
  for (size_t i = 0; i < node.items().size(); ++i) {
    const Tree& item = node.items()[i];
    if (item.is_mapping()) {
      decode_long_port(d, s, item, index_path(path, i));
    } else {
      expand_short_port(d, s, item, index_path(path, i));
    }
  }
}

void decode_expose(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  auto entries = d.string_list(node, path);
  if (!entries) return;
  for (size_t i = 0; i < entries->size(); ++i) {
    std::string_view entry = (*entries)[i];
    std::string problem;
    auto slash = entry.find('/');
    if (slash != std::string_view::npos && !valid_protocol(entry.substr(slash + 1)))
      problem =
          "invalid protocol " + quote(entry.substr(slash + 1)) + " (expected tcp, udp or sctp)";
    else
      parse_range(entry.substr(0, slash), problem);
    if (problem.empty()) {
      s.expose.push_back(std::string(entry));
    } else {
      d.error(node.items()[i], index_path(path, i), problem);
    }
  }
}

}  // namespace compose
