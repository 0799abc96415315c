// Resource keys: `deploy`, `ulimits` and `blkio_config`.
#include "compose/decoders.h"

namespace compose {
namespace {

const FieldTable<ResourceSet>& resource_set_table() {
  static const FieldTable<ResourceSet> kTable = {
      {"cpus", store<&ResourceSet::cpus, &Decoder::cpus>},
      {"memory", store<&ResourceSet::memory, &Decoder::byte_size>},
      {"pids", [](Decoder& d, ResourceSet& r, const Tree& n,
                  const std::string& p) { r.pids = d.integer(n, p, -1, INT64_MAX); }},
      // Accepted for compatibility; a single host has nothing to reserve them on.
      {"devices", [](Decoder& d, ResourceSet&, const Tree& n,
                     const std::string& p) { d.expect_sequence(n, p); }},
      {"generic_resources", [](Decoder& d, ResourceSet&, const Tree& n, const std::string& p) {
         d.expect_sequence(n, p);
       }}};
  return kTable;
}

const FieldTable<DeployConfig>& resources_table() {
  static const FieldTable<DeployConfig> kTable = {
      {"limits",
       [](Decoder& d, DeployConfig& c, const Tree& n, const std::string& p) {
         decode_fields(d, c.limits, n, p, resource_set_table());
       }},
      {"reservations", [](Decoder& d, DeployConfig& c, const Tree& n, const std::string& p) {
         decode_fields(d, c.reservations, n, p, resource_set_table());
       }}};
  return kTable;
}

const FieldTable<RestartPolicy>& restart_policy_table() {
  static const FieldTable<RestartPolicy> kTable = {
      {"condition",
       [](Decoder& d, RestartPolicy& r, const Tree& n, const std::string& p) {
         auto v = d.string(n, p);
         if (v && (*v == "none" || *v == "on-failure" || *v == "any"))
           r.condition = *v;
         else if (v)
           d.error(n, p, "invalid condition " + quote(*v) + " (expected none, on-failure or any)");
       }},
      {"delay", store<&RestartPolicy::delay, &Decoder::duration>},
      {"max_attempts", [](Decoder& d, RestartPolicy& r, const Tree& n,
                          const std::string& p) { r.max_attempts = d.integer(n, p, 0); }},
      {"window", store<&RestartPolicy::window, &Decoder::duration>}};
  return kTable;
}

const FieldTable<DeployConfig>& deploy_table() {
  static const FieldTable<DeployConfig> kTable = {
      {"mode",
       [](Decoder& d, DeployConfig& c, const Tree& n, const std::string& p) {
         auto v = d.string(n, p);
         if (v && *v == "replicated")
           c.mode = *v;
         else if (v)
           d.error(n, p,
                   "unsupported deploy mode " + quote(*v) + " (only replicated runs on one host)");
       }},
      {"replicas", [](Decoder& d, DeployConfig& c, const Tree& n,
                      const std::string& p) { c.replicas = d.integer(n, p, 0, 100000); }},
      {"resources", [](Decoder& d, DeployConfig& c, const Tree& n,
                       const std::string& p) { decode_fields(d, c, n, p, resources_table()); }},
      {"restart_policy",
       [](Decoder& d, DeployConfig& c, const Tree& n, const std::string& p) {
         RestartPolicy policy;
         decode_fields(d, policy, n, p, restart_policy_table());
         c.restart_policy = policy;
       }},
      {"labels", store<&DeployConfig::labels, &Decoder::string_map>}};
  return kTable;
}

std::optional<Ulimit> decode_ulimit(Decoder& d, const Tree& node, const std::string& path) {
  if (node.is_scalar()) {
    auto v = d.integer(node, path, -1);
    if (!v) return std::nullopt;
    return Ulimit{*v, *v};
  }
  if (!d.expect_mapping(node, path)) return std::nullopt;
  const Tree* soft = node.find("soft");
  const Tree* hard = node.find("hard");
  for (const TreeEntry& e : node.entries())
    if (e.key != "soft" && e.key != "hard") report_unknown_key(d, e, path);
  if (!soft || !hard) {
    d.error(node, path, "a ulimit needs both soft and hard");
    return std::nullopt;
  }
  auto s = d.integer(*soft, key_path(path, "soft"), -1);
  auto h = d.integer(*hard, key_path(path, "hard"), -1);
  if (!s || !h) return std::nullopt;
  if (*h != -1 && (*s == -1 || *s > *h)) {
    d.error(
        node, path,
        "the soft limit " + std::to_string(*s) + " is above the hard limit " + std::to_string(*h));
    return std::nullopt;
  }
  return Ulimit{*s, *h};
}

bool is_known_ulimit(std::string_view name) {
  static const std::string_view kNames[] = {
      "as",   "core",   "cpu",   "data", "fsize",  "locks",  "memlock",    "msgqueue",
      "nice", "nofile", "nproc", "rss",  "rtprio", "rttime", "sigpending", "stack"};
  for (auto n : kNames)
    if (n == name) return true;
  return false;
}

template <class Device>
std::vector<Device> decode_device_list(Decoder& d, const Tree& node, const std::string& path,
                                       const char* value_key, bool rate_is_size) {
  std::vector<Device> out;
  if (!d.expect_sequence(node, path)) return out;
  for (size_t i = 0; i < node.items().size(); ++i) {
    const Tree& item = node.items()[i];
    std::string item_path = index_path(path, i);
    if (!d.expect_mapping(item, item_path)) continue;
    Device dev;
    for (const TreeEntry& e : item.entries()) {
      std::string p = key_path(item_path, e.key);
      if (e.key == "path") {
        dev.path = d.string(e.value, p).value_or("");
      } else if (e.key == value_key) {
        std::optional<int64_t> v =
            rate_is_size ? d.byte_size(e.value, p) : d.integer(e.value, p, 0);
        if constexpr (std::is_same_v<Device, WeightDevice>) {
          if (v && (*v < 10 || *v > 1000))
            d.error(e.value, p, "invalid weight " + std::to_string(*v) + " (must be 10-1000)");
          else if (v)
            dev.weight = static_cast<uint16_t>(*v);
        } else {
          if (v) dev.rate = *v;
        }
      } else {
        report_unknown_key(d, e, item_path);
      }
    }
    if (dev.path.empty()) d.error(item, item_path, "missing the device path");
    out.push_back(dev);
  }
  return out;
}

}  // namespace

void decode_deploy(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  DeployConfig deploy;
  decode_fields(d, deploy, node, path, deploy_table());
  s.deploy = std::move(deploy);
}

void decode_ulimits(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  if (!d.expect_mapping(node, path)) return;
  for (const TreeEntry& e : node.entries()) {
    std::string p = key_path(path, e.key);
    if (!is_known_ulimit(e.key)) {
      d.error(e.key_mark, p, "unknown ulimit (expected e.g. nofile, nproc, core, memlock)");
      continue;
    }
    if (auto limit = decode_ulimit(d, e.value, p)) s.ulimits[e.key] = *limit;
  }
}

void decode_blkio_config(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  BlkioConfig blkio;
  if (!d.expect_mapping(node, path)) return;
  for (const TreeEntry& e : node.entries()) {
    std::string p = key_path(path, e.key);
    if (e.key == "weight") {
      auto w = d.integer(e.value, p, 10, 1000);
      if (w) blkio.weight = static_cast<uint16_t>(*w);
    } else if (e.key == "weight_device") {
      blkio.weight_device = decode_device_list<WeightDevice>(d, e.value, p, "weight", false);
    } else if (e.key == "device_read_bps") {
      blkio.device_read_bps = decode_device_list<ThrottleDevice>(d, e.value, p, "rate", true);
    } else if (e.key == "device_write_bps") {
      blkio.device_write_bps = decode_device_list<ThrottleDevice>(d, e.value, p, "rate", true);
    } else if (e.key == "device_read_iops") {
      blkio.device_read_iops = decode_device_list<ThrottleDevice>(d, e.value, p, "rate", false);
    } else if (e.key == "device_write_iops") {
      blkio.device_write_iops = decode_device_list<ThrottleDevice>(d, e.value, p, "rate", false);
    } else {
      report_unknown_key(d, e, path);
    }
  }
  s.blkio_config = std::move(blkio);
}

}  // namespace compose
