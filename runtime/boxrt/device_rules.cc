#include "boxrt/device_rules.h"

namespace boxrt {
namespace {

DeviceRule allow_char(int64_t major, std::optional<int64_t> minor, std::string access) {
  return DeviceRule{true, "c", major, minor, std::move(access)};
}

// The nodes devices.cc makes in every container's /dev, /dev/pts/* and mknod of any
// device (a node is useless without read or write, which stays denied).
std::vector<DeviceRule> default_device_rules() {
  return {allow_char(1, 3, "rwm"),
          allow_char(1, 5, "rwm"),
          allow_char(1, 7, "rwm"),
          allow_char(1, 8, "rwm"),
          allow_char(1, 9, "rwm"),
          allow_char(5, 0, "rwm"),
          allow_char(5, 1, "rwm"),
          allow_char(5, 2, "rwm"),
          allow_char(136, std::nullopt, "rwm"),
          DeviceRule{true, "c", std::nullopt, std::nullopt, "m"},
          DeviceRule{true, "b", std::nullopt, std::nullopt, "m"}};
}

}  // namespace

bool all_devices(const DeviceRule& rule) {
  return rule.type.empty() || rule.type == "a";
}

DeviceRule deny_all_devices() {
  return DeviceRule{false, "a", std::nullopt, std::nullopt, "rwm"};
}

std::vector<DeviceRule> container_device_rules(const std::vector<DeviceRule>& spec_rules) {
  size_t leading = 0;
  while (leading < spec_rules.size() && all_devices(spec_rules[leading]))
    ++leading;
  std::vector<DeviceRule> out(spec_rules.begin(), spec_rules.begin() + leading);
  if (out.empty()) out.push_back(deny_all_devices());
  for (auto& rule : default_device_rules())
    out.push_back(std::move(rule));
  out.insert(out.end(), spec_rules.begin() + leading, spec_rules.end());
  return out;
}

std::string device_rule_text(const DeviceRule& rule) {
  auto num = [](const std::optional<int64_t>& v) {
    return v && *v >= 0 ? std::to_string(*v) : "*";
  };
  if (all_devices(rule)) return "a";
  std::string access = rule.access.empty() ? "rwm" : rule.access;
  return rule.type + " " + num(rule.major) + ":" + num(rule.minor) + " " + access;
}

}  // namespace boxrt
