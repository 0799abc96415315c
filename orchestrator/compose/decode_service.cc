// The service keys of the compose specification: the key table and the simple keys.
#include <algorithm>

#include "compose/decoders.h"
#include "compose/shell_words.h"

namespace compose {
namespace {

using Table = FieldTable<Service>;

// A string field that must be one of a few values.
std::optional<std::string> one_of(Decoder& d, const Tree& node, const std::string& path,
                                  std::initializer_list<std::string_view> allowed) {
  auto text = d.string(node, path);
  if (!text) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *text) != allowed.end()) return text;
  std::string expected;
  for (auto a : allowed)
    expected += (expected.empty() ? "" : ", ") + std::string(a);
  d.error(node, path, "invalid value " + quote(*text) + " (expected one of: " + expected + ")");
  return std::nullopt;
}

// command and entrypoint: a list, or a string split as a shell would without running one.
// As the compose specification says, null keeps the image's value (nullopt, as when the key
// is absent) while [] and "" clear it.
std::optional<std::vector<std::string>> command_line(Decoder& d, const Tree& node,
                                                     const std::string& path) {
  if (node.is_null()) return std::nullopt;
  if (node.is_sequence()) return d.string_list(node, path);
  auto text = d.string(node, path);
  if (!text) return std::nullopt;
  auto words = split_shell_words(*text);
  if (!words) d.error(node, path, "unterminated quote or trailing backslash in " + quote(*text));
  return words;
}

// env_file: a path, a list of paths, or a list of {path, required}.
void decode_env_files(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  static const FieldTable<EnvFile> kTable = {
      {"path", store<&EnvFile::path, &Decoder::string>},
      {"required", store<&EnvFile::required, &Decoder::boolean>},
      {"format",
       [](Decoder& d, EnvFile&, const Tree& n, const std::string& p) { d.string(n, p); }}};
  s.env_files.clear();
  if (node.is_scalar()) {
    s.env_files.push_back({node.text(), true, {node.mark(), path}});
    return;
  }
  if (!d.expect_sequence(node, path)) return;
  for (size_t i = 0; i < node.items().size(); ++i) {
    const Tree& item = node.items()[i];
    EnvFile file{"", true, {item.mark(), index_path(path, i)}};
    if (item.is_scalar()) {
      file.path = item.text();
    } else {
      decode_fields(d, file, item, file.where.path, kTable);
    }
    if (file.path.empty())
      d.error(item, file.where.path, "missing the env file path");
    else
      s.env_files.push_back(std::move(file));
  }
}

void decode_restart(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  auto text = d.string(node, path);
  if (!text) return;
  std::string_view policy = *text;
  bool ok =
      policy == "no" || policy == "always" || policy == "unless-stopped" || policy == "on-failure";
  if (policy.starts_with("on-failure:")) {
    auto count = policy.substr(11);
    ok = !count.empty() && std::all_of(count.begin(), count.end(), ::isdigit);
  }
  if (!ok) {
    d.error(node, path,
            "invalid restart policy " + quote(*text) +
                " (expected no, always, on-failure[:max-retries] or unless-stopped)");
    return;
  }
  s.restart = *text;
}

void decode_capabilities(Decoder& d, std::vector<std::string>& field, const Tree& node,
                         const std::string& path) {
  auto names = d.string_list(node, path);
  if (!names) return;
  for (size_t i = 0; i < names->size(); ++i) {
    auto cap = normalize_capability((*names)[i]);
    if (!cap) {
      d.error(node.items()[i], index_path(path, i),
              "unknown capability " + quote((*names)[i]) + " (expected e.g. NET_ADMIN or ALL)");
    } else if (std::find(field.begin(), field.end(), *cap) == field.end()) {
      field.push_back(*cap);
    }
  }
}

void decode_stop_signal(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  auto text = d.string(node, path);
  if (!text) return;
  if (!is_valid_signal(*text)) {
    d.error(node, path, "unknown signal " + quote(*text) + " (expected e.g. SIGTERM or 15)");
    return;
  }
  s.stop_signal = *text;
}

void decode_network_mode(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  auto text = d.string(node, path);
  if (!text) return;
  std::string_view mode = *text;
  bool ok = mode == "bridge" || mode == "host" || mode == "none" ||
            (mode.starts_with("service:") && mode.size() > 8) ||
            (mode.starts_with("container:") && mode.size() > 10);
  if (!ok) {
    d.error(node, path,
            "invalid network_mode " + quote(*text) +
                " (expected bridge, host, none, service:NAME or container:NAME)");
    return;
  }
  s.network_mode = *text;
  s.network_mode_where = {node.mark(), path};
}

void decode_container_name(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  auto text = d.string(node, path);
  if (!text) return;
  if (!is_valid_resource_name(*text)) {
    d.error(node, path,
            "invalid container name " + quote(*text) +
                " (letters, digits, '_', '.' and '-', starting with a letter or digit)");
    return;
  }
  s.container_name = *text;
}

void decode_working_dir(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  auto text = d.string(node, path);
  if (!text) return;
  if (!text->starts_with('/')) {
    d.error(node, path, "working_dir must be an absolute path, not " + quote(*text));
    return;
  }
  s.working_dir = *text;
}

void decode_user(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  auto text = d.string(node, path);
  if (!text) return;
  if (text->empty() || text->front() == ':' || text->back() == ':' ||
      std::count(text->begin(), text->end(), ':') > 1) {
    d.error(node, path,
            "invalid user " + quote(*text) + " (expected name, uid, name:group or uid:gid)");
    return;
  }
  s.user = *text;
}

void decode_profiles(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  auto names = d.string_list(node, path);
  if (!names) return;
  for (size_t i = 0; i < names->size(); ++i) {
    if (is_valid_resource_name((*names)[i])) {
      s.profiles.push_back((*names)[i]);
    } else {
      d.error(node.items()[i], index_path(path, i), "invalid profile name " + quote((*names)[i]));
    }
  }
}

void decode_sysctls(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  if (auto v = d.string_map(node, path)) s.sysctls = std::move(*v);
}

void decode_logging(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  static const FieldTable<LoggingConfig> kTable = {
      {"driver", store<&LoggingConfig::driver, &Decoder::string>},
      {"options", store<&LoggingConfig::options, &Decoder::string_map>}};
  LoggingConfig logging;
  decode_fields(d, logging, node, path, kTable);
  s.logging = std::move(logging);
}

#define INT_FIELD(key, member, min, max)                                   \
  {                                                                        \
    key, [](Decoder& d, Service& s, const Tree& n, const std::string& p) { \
      if (auto v = d.integer(n, p, min, max)) s.member = v;                \
    }                                                                      \
  }

const Table& service_table() {
  static const Table kTable = {
      {"image", store<&Service::image, &Decoder::string>},
      {"hostname", store<&Service::hostname, &Decoder::string>},
      {"domainname", store<&Service::domainname, &Decoder::string>},
      {"mac_address", store<&Service::mac_address, &Decoder::string>},
      {"cpuset", store<&Service::cpuset, &Decoder::string>},
      {"pid", store<&Service::pid, &Decoder::string>},
      {"ipc", store<&Service::ipc, &Decoder::string>},
      {"uts", store<&Service::uts, &Decoder::string>},
      {"userns_mode", store<&Service::userns_mode, &Decoder::string>},
      {"cgroup_parent", store<&Service::cgroup_parent, &Decoder::string>},
      {"platform", store<&Service::platform, &Decoder::string>},
      {"dns", store<&Service::dns, &Decoder::string_or_list>},
      {"dns_search", store<&Service::dns_search, &Decoder::string_or_list>},
      {"dns_opt", store<&Service::dns_opt, &Decoder::string_or_list>},
      {"devices", store<&Service::devices, &Decoder::string_or_list>},
      {"security_opt", store<&Service::security_opt, &Decoder::string_or_list>},
      {"links", store<&Service::links, &Decoder::string_or_list>},
      {"external_links", store<&Service::external_links, &Decoder::string_or_list>},
      {"volumes_from", store<&Service::volumes_from, &Decoder::string_or_list>},
      {"group_add", store<&Service::group_add, &Decoder::string_or_list>},
      {"read_only", store<&Service::read_only, &Decoder::boolean>},
      {"privileged", store<&Service::privileged, &Decoder::boolean>},
      {"tty", store<&Service::tty, &Decoder::boolean>},
      {"stdin_open", store<&Service::stdin_open, &Decoder::boolean>},
      {"shm_size", store<&Service::shm_size, &Decoder::byte_size>},
      {"mem_limit", store<&Service::mem_limit, &Decoder::byte_size>},
      {"mem_reservation", store<&Service::mem_reservation, &Decoder::byte_size>},
      INT_FIELD("cpu_shares", cpu_shares, 0, 262144),
      INT_FIELD("cpu_quota", cpu_quota, -1, INT64_MAX),
      INT_FIELD("cpu_period", cpu_period, 0, 1000000),
      INT_FIELD("pids_limit", pids_limit, -1, INT64_MAX),
      INT_FIELD("oom_score_adj", oom_score_adj, -1000, 1000),
      INT_FIELD("mem_swappiness", mem_swappiness, 0, 100),
      INT_FIELD("scale", scale, 0, 100000),
      {"memswap_limit", store<&Service::memswap_limit, &Decoder::byte_size_or_unlimited>},
      {"cpus", store<&Service::cpus, &Decoder::cpus>},
      {"init", store<&Service::init, &Decoder::boolean>},
      {"oom_kill_disable", store<&Service::oom_kill_disable, &Decoder::boolean>},
      {"stop_grace_period", store<&Service::stop_grace_period, &Decoder::duration>},
      {"command",
       [](Decoder& d, Service& s, const Tree& n, const std::string& p) {
         if (auto v = command_line(d, n, p)) s.command = std::move(v);
       }},
      {"entrypoint",
       [](Decoder& d, Service& s, const Tree& n, const std::string& p) {
         if (auto v = command_line(d, n, p)) s.entrypoint = std::move(v);
       }},
      {"environment", store<&Service::environment, &Decoder::optional_string_map>},
      {"labels", store<&Service::labels, &Decoder::string_map>},
      {"annotations", store<&Service::annotations, &Decoder::string_map>},
      {"pull_policy",
       [](Decoder& d, Service& s, const Tree& n, const std::string& p) {
         if (auto v = one_of(d, n, p, {"always", "never", "missing", "build", "if_not_present"}))
           s.pull_policy = *v;
       }},
      {"cap_add", [](Decoder& d, Service& s, const Tree& n,
                     const std::string& p) { decode_capabilities(d, s.cap_add, n, p); }},
      {"cap_drop", [](Decoder& d, Service& s, const Tree& n,
                      const std::string& p) { decode_capabilities(d, s.cap_drop, n, p); }},
      {"env_file", decode_env_files},
      {"restart", decode_restart},
      {"stop_signal", decode_stop_signal},
      {"network_mode", decode_network_mode},
      {"container_name", decode_container_name},
      {"working_dir", decode_working_dir},
      {"user", decode_user},
      {"profiles", decode_profiles},
      {"sysctls", decode_sysctls},
      {"logging", decode_logging},
      {"build", decode_build},
      {"ports", decode_ports},
      {"expose", decode_expose},
      {"volumes", decode_volumes},
      {"tmpfs", decode_tmpfs},
      {"healthcheck", decode_healthcheck},
      {"depends_on", decode_depends_on},
      {"networks", decode_service_networks},
      {"extra_hosts", decode_extra_hosts},
      {"deploy", decode_deploy},
      {"ulimits", decode_ulimits},
      {"blkio_config", decode_blkio_config},
      {"secrets", decode_secret_refs},
      {"configs", decode_config_refs},
      {"x-boxcompose", decode_boxcompose_extension},
  };
  return kTable;
}

#undef INT_FIELD

}  // namespace

Service decode_service(Decoder& d, const std::string& name, const Tree& node,
                       const std::string& path) {
  Service s;
  s.name = name;
  s.where = {node.mark(), path};
  if (node.is_null()) {
    d.error(node, path,
            "service has no definition (expected a mapping with at least image or build)");
    return s;
  }
  decode_fields(d, s, node, path, service_table(), &s.extensions);
  if (node.is_mapping() && s.image.empty() && !s.build)
    d.error(node, path, "service has neither an image nor a build context");
  return s;
}

}  // namespace compose
