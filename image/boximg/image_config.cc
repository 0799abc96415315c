#include "boximg/image_config.h"

#include <time.h>

#include <cstdio>

#include "boximg/digest.h"
#include "boximg/error.h"

namespace image {
namespace {

using nlohmann::json;

json set_to_object(const std::set<std::string>& keys) {
  json obj = json::object();
  for (const auto& k : keys)
    obj[k] = json::object();
  return obj;
}

std::set<std::string> object_keys(const json& j, const char* key) {
  std::set<std::string> keys;
  if (j.contains(key) && j[key].is_object())
    for (const auto& [k, v] : j[key].items())
      keys.insert(k);
  return keys;
}

template <class T>
T get_or(const json& j, const char* key, T fallback) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return fallback;
  return j[key].get<T>();
}

json health_to_json(const HealthConfig& h) {
  json j = {{"Test", h.test}};
  if (h.interval_ns) j["Interval"] = h.interval_ns;
  if (h.timeout_ns) j["Timeout"] = h.timeout_ns;
  if (h.start_period_ns) j["StartPeriod"] = h.start_period_ns;
  if (h.start_interval_ns) j["StartInterval"] = h.start_interval_ns;
  if (h.retries) j["Retries"] = h.retries;
  return j;
}

HealthConfig health_from_json(const json& j) {
  HealthConfig h;
  h.test = get_or<std::vector<std::string>>(j, "Test", {});
  h.interval_ns = get_or<std::int64_t>(j, "Interval", 0);
  h.timeout_ns = get_or<std::int64_t>(j, "Timeout", 0);
  h.start_period_ns = get_or<std::int64_t>(j, "StartPeriod", 0);
  h.start_interval_ns = get_or<std::int64_t>(j, "StartInterval", 0);
  h.retries = get_or<int>(j, "Retries", 0);
  return h;
}

json history_to_json(const HistoryEntry& h) {
  json j = json::object();
  if (!h.created.empty()) j["created"] = h.created;
  if (!h.created_by.empty()) j["created_by"] = h.created_by;
  if (!h.comment.empty()) j["comment"] = h.comment;
  if (h.empty_layer) j["empty_layer"] = true;
  return j;
}

HistoryEntry history_from_json(const json& j) {
  return HistoryEntry{get_or<std::string>(j, "created", ""),
                      get_or<std::string>(j, "created_by", ""),
                      get_or<std::string>(j, "comment", ""), get_or<bool>(j, "empty_layer", false)};
}

}  // namespace

std::optional<std::string> ImageConfig::env_value(const std::string& key) const {
  for (const auto& kv : env)
    if (kv.size() > key.size() && kv.compare(0, key.size(), key) == 0 && kv[key.size()] == '=')
      return kv.substr(key.size() + 1);
  return std::nullopt;
}

void ImageConfig::set_env(const std::string& key, const std::string& value) {
  for (auto& kv : env) {
    if (kv.compare(0, key.size(), key) == 0 && (kv.size() == key.size() || kv[key.size()] == '=')) {
      kv = key + "=" + value;
      return;
    }
  }
  env.push_back(key + "=" + value);
}

json config_to_json(const ImageConfig& c) {
  json j = json::object();
  if (!c.user.empty()) j["User"] = c.user;
  if (!c.exposed_ports.empty()) j["ExposedPorts"] = set_to_object(c.exposed_ports);
  if (!c.env.empty()) j["Env"] = c.env;
  if (!c.entrypoint.empty()) j["Entrypoint"] = c.entrypoint;
  if (!c.cmd.empty()) j["Cmd"] = c.cmd;
  if (!c.volumes.empty()) j["Volumes"] = set_to_object(c.volumes);
  if (!c.working_dir.empty()) j["WorkingDir"] = c.working_dir;
  if (!c.labels.empty()) j["Labels"] = c.labels;
  if (!c.stop_signal.empty()) j["StopSignal"] = c.stop_signal;
  if (c.healthcheck) j["Healthcheck"] = health_to_json(*c.healthcheck);
  return j;
}

ImageConfig config_from_json(const json& j) {
  ImageConfig c;
  if (!j.is_object()) return c;
  c.user = get_or<std::string>(j, "User", "");
  c.exposed_ports = object_keys(j, "ExposedPorts");
  c.env = get_or<std::vector<std::string>>(j, "Env", {});
  c.entrypoint = get_or<std::vector<std::string>>(j, "Entrypoint", {});
  c.cmd = get_or<std::vector<std::string>>(j, "Cmd", {});
  c.volumes = object_keys(j, "Volumes");
  c.working_dir = get_or<std::string>(j, "WorkingDir", "");
  c.labels = get_or<std::map<std::string, std::string>>(j, "Labels", {});
  c.stop_signal = get_or<std::string>(j, "StopSignal", "");
  if (j.contains("Healthcheck") && j["Healthcheck"].is_object())
    c.healthcheck = health_from_json(j["Healthcheck"]);
  return c;
}

json image_to_json(const OciImage& image) {
  json history = json::array();
  for (const auto& h : image.history)
    history.push_back(history_to_json(h));
  return {{"created", image.created},
          {"architecture", image.architecture},
          {"os", image.os},
          {"config", config_to_json(image.config)},
          {"rootfs", {{"type", "layers"}, {"diff_ids", image.diff_ids}}},
          {"history", history}};
}

OciImage image_from_json(const json& j) {
  try {
    OciImage image;
    image.created = get_or<std::string>(j, "created", "");
    image.architecture = get_or<std::string>(j, "architecture", "");
    image.os = get_or<std::string>(j, "os", "");
    image.config = config_from_json(j.value("config", json::object()));
    const json& rootfs = j.at("rootfs");
    if (rootfs.at("type") != "layers") throw Error("rootfs.type is not \"layers\"");
    image.diff_ids = rootfs.at("diff_ids").get<std::vector<std::string>>();
    for (const auto& id : image.diff_ids)
      digest_hex(id);
    if (j.contains("history"))
      for (const auto& h : j["history"])
        image.history.push_back(history_from_json(h));
    return image;
  } catch (const json::exception& e) {
    throw Error(std::string("image config: ") + e.what());
  } catch (const Error& e) {
    throw e.with_context("image config");
  }
}

std::string host_architecture() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "arm";
#elif defined(__i386__)
  return "386";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "ppc64le";
#elif defined(__s390x__)
  return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#else
#error "unknown architecture: add its GOARCH name here"
#endif
}

std::string now_rfc3339() {
  struct timespec ts {};
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm {};
  gmtime_r(&ts.tv_sec, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
  return buf;
}

std::optional<std::int64_t> parse_rfc3339(const std::string& text) {
  struct tm tm {};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::int64_t seconds = timegm(&tm);
  std::size_t i = static_cast<std::size_t>(consumed);
  if (i < text.size() && text[i] == '.')
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9';)
      ++i;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    int hours = 0, minutes = 0;
    if (std::sscanf(text.c_str() + i + 1, "%2d:%2d", &hours, &minutes) != 2) return std::nullopt;
    int offset = (hours * 60 + minutes) * 60;
    seconds += text[i] == '+' ? -offset : offset;
  } else if (i >= text.size() || (text[i] != 'Z' && text[i] != 'z')) {
    return std::nullopt;
  }
  return seconds;
}

}  // namespace image
