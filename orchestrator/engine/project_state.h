// What `up` made for a project, written atomically after every step so that `down` can
// always finish what `up` began, even after the CLI or the supervisor was SIGKILLed. It is
// the only record `down` needs: every network, volume, container and the kernel names of
// their parts.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "boxrt/fd.h"
#include "engine/health_state.h"
#include "engine/restart_policy.h"

namespace engine {

struct NetworkRecord {
  std::string key;   // the compose key ("default", "back")
  std::string name;  // "<project>_<key>" or `name:`
  std::string bridge;
  std::string subnet;   // "10.89.3.0/24"
  std::string gateway;  // "10.89.3.1"
  bool internal = false;
  bool external = false;  // not ours: never deleted
};

struct EndpointRecord {
  std::string network;  // the compose key
  std::string host_veth;
  std::string ifname;   // eth0, ...
  std::string address;  // "10.89.3.2"
  std::vector<std::string> aliases;
  uint64_t egress_bps = 0;  // x-boxcompose rate limits, bits/s; 0 = none
  uint64_t ingress_bps = 0;
};

struct VolumeUse {
  std::string name;  // directory under <root>/volumes
  bool anonymous = false;
  bool external = false;
};

// A port of the container as the host sees it: published (host_port > 0, bound by us and
// proxied by the supervisor) or only exposed (host_ip empty, host_port 0).
struct PortRecord {
  std::string host_ip;  // "0.0.0.0", "::", "127.0.0.1"; empty when only exposed
  uint16_t host_port = 0;
  uint16_t target = 0;
  std::string protocol = "tcp";
};

struct ContainerRecord {
  std::string name;  // "<project>-<service>-<n>" or container_name; also the runtime id
  std::string service;
  int number = 1;
  std::string id;  // 64 hex digits
  std::string image;
  std::string image_id;
  std::string config_hash;
  std::vector<std::string> command;  // process.args, for `ps`
  std::string created;               // RFC 3339
  int stop_signal = 15;
  int64_t stop_grace_ns = 10'000'000'000;
  std::vector<EndpointRecord> endpoints;
  std::vector<VolumeUse> volumes;
  bool rootfs_mounted = false;
  std::optional<HealthSpec> healthcheck;  // what the supervisor runs; none when unset
  RestartPolicy restart_policy;
  int restart_count = 0;  // restarts by the policy since the container was created
  // Services it depends on with `restart: true`: restarted when one of them is.
  std::vector<std::string> restart_with;
  std::vector<PortRecord> ports;  // published ports keep their host port across restarts
};

struct ProjectState {
  std::string name;
  std::string working_dir;
  std::vector<std::string> files;
  std::map<std::string, NetworkRecord> networks;      // by compose key
  std::map<std::string, VolumeUse> volumes;           // named volumes, by real name
  std::map<std::string, ContainerRecord> containers;  // by name
  // The nftables table the nat port driver made (port_nat.h); empty when none.
  std::string nat_table;

  std::vector<const ContainerRecord*> containers_of(const std::string& service) const;
};

nlohmann::json to_json(const ProjectState& state);
nlohmann::json to_json(const ContainerRecord& record);
ContainerRecord container_record_from_json(const nlohmann::json& j);
ProjectState project_state_from_json(const nlohmann::json& j);

// Loads <file>; nullopt when there is none (the project was never up, or is down).
std::optional<ProjectState> load_project_state(const std::filesystem::path& file);
// Writes <file> atomically (temp file in the same directory, fsync, rename).
void save_project_state(const std::filesystem::path& file, const ProjectState& state);

// A process-owned (fcntl) lock on a file, held for the object's lifetime: one CLI at a time
// changes a project (another `up` or `down` waits). Not flock(2): a flock belongs to the
// open file, so a container init cloned while we hold it would hold it too, and one left
// behind by a killed `up` would block `down` forever. An fcntl lock is never inherited and
// dies with its process.
class FileLock {
 public:
  enum class Mode { kExclusive, kShared };
  explicit FileLock(const std::filesystem::path& file, Mode mode = Mode::kExclusive);

  // Lets go of the lock for a while (the file stays open), and takes it again.
  void release();
  void acquire();

 private:
  std::filesystem::path file_;
  Mode mode_;
  boxrt::UniqueFd fd_;
};

// A random container id: 64 lowercase hex digits, as Docker's.
std::string new_container_id();

}  // namespace engine
