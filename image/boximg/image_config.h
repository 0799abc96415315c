// The OCI image config document (application/vnd.oci.image.config.v1+json): what a
// container of the image runs, its platform, its layers' diff IDs and its history. Keys
// are Docker's ("Env", "Cmd", ...), which the OCI spec adopted.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace image {

// Docker's HEALTHCHECK, durations in nanoseconds as in the JSON (0 = the default).
struct HealthConfig {
  std::vector<std::string> test;  // ["CMD", args...], ["CMD-SHELL", "cmd"] or ["NONE"]
  std::int64_t interval_ns = 0;
  std::int64_t timeout_ns = 0;
  std::int64_t start_period_ns = 0;
  std::int64_t start_interval_ns = 0;
  int retries = 0;
  bool operator==(const HealthConfig&) const = default;
};

// The "config" member: how to run the image. Empty means unset.
struct ImageConfig {
  std::string user;
  std::set<std::string> exposed_ports;  // "80/tcp"
  std::vector<std::string> env;         // "KEY=value", in order
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::set<std::string> volumes;
  std::string working_dir;
  std::map<std::string, std::string> labels;
  std::string stop_signal;
  std::optional<HealthConfig> healthcheck;
  bool operator==(const ImageConfig&) const = default;

  // The value of KEY in env, if set.
  std::optional<std::string> env_value(const std::string& key) const;
  // Sets KEY=value, replacing an earlier KEY in place (as Dockerfile ENV does).
  void set_env(const std::string& key, const std::string& value);
};

struct HistoryEntry {
  std::string created;     // RFC 3339
  std::string created_by;  // the command that made the layer
  std::string comment;
  bool empty_layer = false;
  bool operator==(const HistoryEntry&) const = default;
};

struct OciImage {
  std::string created;  // RFC 3339, UTC
  std::string architecture;
  std::string os;
  ImageConfig config;
  std::vector<std::string> diff_ids;  // sha256 of each uncompressed layer tar, lowest first
  std::vector<HistoryEntry> history;
  bool operator==(const OciImage&) const = default;
};

nlohmann::json config_to_json(const ImageConfig& config);
ImageConfig config_from_json(const nlohmann::json& j);

nlohmann::json image_to_json(const OciImage& image);
// Throws Error when the document is not an image config (missing rootfs, bad digests).
OciImage image_from_json(const nlohmann::json& j);

// GOARCH of this build ("amd64", "arm64", ...), as image platforms name it.
std::string host_architecture();

// Now, as RFC 3339 UTC with nanoseconds, as Docker writes "created".
std::string now_rfc3339();
// Seconds since the epoch of an RFC 3339 time; nullopt when it does not parse.
std::optional<std::int64_t> parse_rfc3339(const std::string& text);

}  // namespace image
