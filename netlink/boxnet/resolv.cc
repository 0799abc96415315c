#include "boxnet/resolv.h"

#include <fstream>
#include <sstream>

namespace net {
namespace {

struct HostResolv {
  std::vector<std::string> nameservers;
  std::vector<std::string> search;
  std::vector<std::string> options;
};

bool is_loopback(const std::string& ip) {
  return ip.rfind("127.", 0) == 0 || ip == "::1";
}

std::vector<std::string> rest_of(std::istringstream& words) {
  std::vector<std::string> out;
  for (std::string w; words >> w;)
    out.push_back(w);
  return out;
}

HostResolv parse_host(const std::string& text) {
  HostResolv host;
  std::istringstream lines(text);
  for (std::string raw; std::getline(lines, raw);) {
    std::istringstream words(raw);
    std::string key;
    if (!(words >> key) || key[0] == '#' || key[0] == ';') continue;
    if (key == "nameserver") {
      std::string ip;
      if (words >> ip && !is_loopback(ip)) host.nameservers.push_back(ip);
    } else if (key == "search" || key == "domain") {
      host.search = rest_of(words);  // the last of search/domain wins, as in glibc
    } else if (key == "options") {
      for (const auto& o : rest_of(words))
        host.options.push_back(o);
    }
  }
  return host;
}

std::string joined(const char* key, const std::vector<std::string>& values) {
  if (values.empty()) return "";
  std::string out = key;
  for (const auto& v : values)
    out += " " + v;
  return out + "\n";
}

}  // namespace

std::string render_resolv_conf(const ResolvSpec& spec) {
  HostResolv host = parse_host(spec.host_resolv_conf);
  const auto& servers = !spec.dns.empty()           ? spec.dns
                        : !host.nameservers.empty() ? host.nameservers
                                                    : spec.fallback;
  std::string out;
  for (const auto& s : servers)
    out += "nameserver " + s + "\n";
  out += joined("search", spec.dns_search.empty() ? host.search : spec.dns_search);
  out += joined("options", spec.dns_opt.empty() ? host.options : spec.dns_opt);
  return out;
}

std::string host_resolv_conf_path() {
  std::ifstream etc("/etc/resolv.conf");
  std::stringstream text;
  text << etc.rdbuf();
  const bool stub_only = text.str().find("nameserver 127.0.0.53") != std::string::npos;
  if (stub_only && std::ifstream("/run/systemd/resolve/resolv.conf").good()) {
    return "/run/systemd/resolve/resolv.conf";
  }
  return "/etc/resolv.conf";
}

}  // namespace net
