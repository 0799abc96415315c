// The typed compose project: what the loader produces after interpolation, merging,
// `extends`, `include`, validation and normalization. Field names follow the compose
// specification; everything below the orchestrator receives values from here, never YAML.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "compose/diagnostics.h"

namespace compose {

using Duration = std::chrono::nanoseconds;
using StringMap = std::map<std::string, std::string>;
// Keys whose value may be absent (`environment: [FOO]` with FOO unset, `build.args`).
using OptionalStringMap = std::map<std::string, std::optional<std::string>>;

// Where a value was written, kept for errors found after decoding.
struct Where {
  Mark mark;
  std::string path;
};

struct BuildConfig {
  std::string context;     // absolute path (or a URL)
  std::string dockerfile;  // relative to the context
  std::optional<std::string> dockerfile_inline;
  OptionalStringMap args;
  std::string target;
  StringMap labels;
  std::vector<std::string> cache_from;
  std::string network;
  std::optional<int64_t> shm_size;
  std::vector<std::string> tags;
  bool no_cache = false;
  bool pull = false;
};

struct PortConfig {
  std::string host_ip;  // empty: every address
  uint16_t target = 0;
  std::string published;  // "8080", "8000-8010", or empty for a random host port
  std::string protocol = "tcp";
  std::string mode = "ingress";
  std::string name;
  std::string app_protocol;
  Where where;
};

struct VolumeMount {
  std::string type;    // volume, bind, tmpfs, npipe, image
  std::string source;  // volume name (unprefixed), absolute host path, or empty (anonymous)
  std::string target;
  bool read_only = false;
  std::string consistency;
  // bind
  std::string propagation;
  std::optional<bool> create_host_path;
  std::string selinux;
  // volume
  bool nocopy = false;
  std::string subpath;
  // tmpfs
  std::optional<int64_t> tmpfs_size;
  std::optional<uint32_t> tmpfs_mode;
  Where where;
};

struct ServiceNetwork {
  std::vector<std::string> aliases;
  std::string ipv4_address;
  std::string ipv6_address;
  std::string mac_address;
  std::optional<int64_t> priority;
  StringMap driver_opts;
  Where where;
};

enum class DependencyCondition { Started, Healthy, CompletedSuccessfully };

struct Dependency {
  DependencyCondition condition = DependencyCondition::Started;
  bool required = true;
  bool restart = false;
  Where where;
};

struct EnvFile {
  std::string path;  // absolute
  bool required = true;
  Where where;
};

struct Healthcheck {
  std::vector<std::string> test;  // ["CMD", ...], ["CMD-SHELL", cmd] or ["NONE"]
  std::optional<Duration> interval;
  std::optional<Duration> timeout;
  std::optional<Duration> start_period;
  std::optional<Duration> start_interval;
  std::optional<int64_t> retries;
  bool disable = false;
};

struct Ulimit {
  int64_t soft = 0;
  int64_t hard = 0;
};

struct ThrottleDevice {
  std::string path;
  int64_t rate = 0;  // bytes or I/O operations per second
};

struct WeightDevice {
  std::string path;
  uint16_t weight = 0;
};

struct BlkioConfig {
  std::optional<uint16_t> weight;
  std::vector<WeightDevice> weight_device;
  std::vector<ThrottleDevice> device_read_bps;
  std::vector<ThrottleDevice> device_write_bps;
  std::vector<ThrottleDevice> device_read_iops;
  std::vector<ThrottleDevice> device_write_iops;
};

struct ResourceSet {
  std::optional<double> cpus;
  std::optional<int64_t> memory;
  std::optional<int64_t> pids;
};

struct RestartPolicy {
  std::string condition;  // none, on-failure, any
  std::optional<Duration> delay;
  std::optional<int64_t> max_attempts;
  std::optional<Duration> window;
};

struct DeployConfig {
  std::string mode;  // replicated (the only one a single host runs)
  std::optional<int64_t> replicas;
  ResourceSet limits;
  ResourceSet reservations;
  std::optional<RestartPolicy> restart_policy;
  StringMap labels;
};

// A secret or config granted to a service.
struct FileReference {
  std::string source;
  std::string target;
  std::string uid;
  std::string gid;
  std::optional<uint32_t> mode;
  Where where;
};

struct LoggingConfig {
  std::string driver;
  StringMap options;
};

// x-boxcompose: options only boxcompose offers.
struct BoxcomposeExtension {
  std::optional<int64_t> egress_bits_per_second;
  std::optional<int64_t> ingress_bits_per_second;
};

struct Service {
  std::string name;
  Where where;

  std::string image;
  std::optional<BuildConfig> build;
  std::optional<std::vector<std::string>> command;     // nullopt: from the image
  std::optional<std::vector<std::string>> entrypoint;  // nullopt: from the image
  OptionalStringMap environment;   // env_file and environment merged, environment wins
  std::vector<EnvFile> env_files;  // read by the loader into `environment`
  std::vector<PortConfig> ports;
  std::vector<std::string> expose;
  std::vector<VolumeMount> volumes;
  std::vector<std::string> volumes_from;
  std::vector<std::string> tmpfs;
  std::map<std::string, ServiceNetwork> networks;
  std::string network_mode;
  Where network_mode_where;
  std::map<std::string, Dependency> depends_on;
  std::vector<std::string> links;
  std::vector<std::string> external_links;
  std::optional<Healthcheck> healthcheck;
  std::string restart;  // no, always, on-failure[:N], unless-stopped
  std::string user;
  std::vector<std::string> group_add;
  std::string working_dir;
  std::string hostname;
  std::string domainname;
  std::string container_name;
  std::string mac_address;
  StringMap labels;
  StringMap annotations;
  std::optional<bool> init;
  std::string stop_signal;
  std::optional<Duration> stop_grace_period;
  bool read_only = false;
  bool privileged = false;
  bool tty = false;
  bool stdin_open = false;
  std::vector<std::string> cap_add;
  std::vector<std::string> cap_drop;
  std::vector<std::string> security_opt;
  std::map<std::string, Ulimit> ulimits;
  StringMap sysctls;
  std::vector<std::string> extra_hosts;  // "host:ip", in order
  std::vector<std::string> dns;
  std::vector<std::string> dns_search;
  std::vector<std::string> dns_opt;
  std::vector<std::string> devices;
  std::string pid;
  std::string ipc;
  std::string uts;
  std::string userns_mode;
  std::string cgroup_parent;
  std::string platform;
  std::string pull_policy;
  std::optional<LoggingConfig> logging;
  // Resources.
  std::optional<int64_t> shm_size;
  std::optional<int64_t> mem_limit;
  std::optional<int64_t> memswap_limit;  // -1: unlimited swap
  std::optional<int64_t> mem_reservation;
  std::optional<int64_t> mem_swappiness;
  std::optional<double> cpus;
  std::optional<int64_t> cpu_shares;
  std::optional<int64_t> cpu_quota;
  std::optional<int64_t> cpu_period;
  std::string cpuset;
  std::optional<int64_t> pids_limit;
  std::optional<BlkioConfig> blkio_config;
  std::optional<int64_t> oom_score_adj;
  std::optional<bool> oom_kill_disable;
  std::optional<DeployConfig> deploy;
  std::optional<int64_t> scale;
  std::vector<std::string> profiles;
  std::vector<FileReference> secrets;
  std::vector<FileReference> configs;
  std::optional<BoxcomposeExtension> boxcompose;
  nlohmann::json extensions = nlohmann::json::object();  // other x-* keys

  // How many containers the service runs: deploy.replicas, else scale, else 1.
  int64_t replicas() const;
};

struct IpamPool {
  std::string subnet;
  std::string gateway;
  std::string ip_range;
  StringMap aux_addresses;
};

struct Network {
  std::string key;   // the key in the file's `networks:`
  std::string name;  // the real name: `name:` as written, else <project>_<key>
  std::string driver = "bridge";
  StringMap driver_opts;
  bool internal = false;
  bool attachable = false;
  bool enable_ipv6 = false;
  bool external = false;
  std::string ipam_driver;
  std::vector<IpamPool> ipam_config;
  StringMap ipam_options;
  StringMap labels;
  nlohmann::json extensions = nlohmann::json::object();
  Where where;
};

struct Volume {
  std::string key;
  std::string name;  // `name:` as written, else <project>_<key>
  std::string driver = "local";
  StringMap driver_opts;
  bool external = false;
  StringMap labels;
  nlohmann::json extensions = nlohmann::json::object();
  Where where;
};

// A top-level secret or config: read from a file, an environment variable or, for configs,
// inline content.
struct FileObject {
  std::string key;
  std::string name;
  std::string file;  // absolute path
  std::string environment;
  std::optional<std::string> content;
  bool external = false;
  StringMap labels;
  Where where;
};

struct Project {
  std::string name;
  std::string working_dir;                     // the project directory (absolute)
  std::vector<std::string> files;              // the compose files, in merge order
  std::map<std::string, Service> services;     // enabled services only, by name
  std::vector<std::string> disabled_services;  // defined, but not enabled by profiles
  std::map<std::string, Network> networks;
  std::map<std::string, Volume> volumes;
  std::map<std::string, FileObject> secrets;
  std::map<std::string, FileObject> configs;
  nlohmann::json extensions = nlohmann::json::object();
  StringMap environment;  // the variables interpolation saw (.env, then the OS's)

  const Service* find_service(const std::string& name) const;
};

std::string_view to_string(DependencyCondition condition);

}  // namespace compose
