#include "engine/project_state.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>

#include <cerrno>

#include "boximg/fs.h"
#include "engine/error.h"

namespace engine {
namespace {

using nlohmann::json;

json endpoint_json(const EndpointRecord& e) {
  return {{"network", e.network},        {"host_veth", e.host_veth}, {"ifname", e.ifname},
          {"address", e.address},        {"aliases", e.aliases},     {"egress_bps", e.egress_bps},
          {"ingress_bps", e.ingress_bps}};
}

EndpointRecord endpoint_from(const json& j) {
  return {j.at("network"),
          j.at("host_veth"),
          j.at("ifname"),
          j.at("address"),
          j.value("aliases", std::vector<std::string>{}),
          j.value("egress_bps", uint64_t{0}),
          j.value("ingress_bps", uint64_t{0})};
}

json volume_json(const VolumeUse& v) {
  return {{"name", v.name}, {"anonymous", v.anonymous}, {"external", v.external}};
}

VolumeUse volume_from(const json& j) {
  return {j.at("name"), j.value("anonymous", false), j.value("external", false)};
}

json port_json(const PortRecord& p) {
  return {{"host_ip", p.host_ip},
          {"host_port", p.host_port},
          {"target", p.target},
          {"protocol", p.protocol}};
}

PortRecord port_from(const json& j) {
  return {j.value("host_ip", ""), j.value("host_port", uint16_t{0}), j.at("target"),
          j.value("protocol", "tcp")};
}

json network_json(const NetworkRecord& n) {
  return {{"key", n.key},          {"name", n.name},       {"bridge", n.bridge},
          {"subnet", n.subnet},    {"gateway", n.gateway}, {"internal", n.internal},
          {"external", n.external}};
}

NetworkRecord network_from(const json& j) {
  return {j.at("key"),
          j.at("name"),
          j.at("bridge"),
          j.value("subnet", ""),
          j.value("gateway", ""),
          j.value("internal", false),
          j.value("external", false)};
}

json container_json(const ContainerRecord& c) {
  json endpoints = json::array(), volumes = json::array(), ports = json::array();
  for (const auto& p : c.ports)
    ports.push_back(port_json(p));
  for (const auto& e : c.endpoints)
    endpoints.push_back(endpoint_json(e));
  for (const auto& v : c.volumes)
    volumes.push_back(volume_json(v));
  return {{"name", c.name},
          {"service", c.service},
          {"number", c.number},
          {"id", c.id},
          {"image", c.image},
          {"image_id", c.image_id},
          {"config_hash", c.config_hash},
          {"command", c.command},
          {"created", c.created},
          {"stop_signal", c.stop_signal},
          {"stop_grace_ns", c.stop_grace_ns},
          {"endpoints", endpoints},
          {"volumes", volumes},
          {"rootfs_mounted", c.rootfs_mounted},
          {"healthcheck", c.healthcheck ? to_json(*c.healthcheck) : json(nullptr)},
          {"restart_policy", to_json(c.restart_policy)},
          {"restart_count", c.restart_count},
          {"restart_with", c.restart_with},
          {"ports", ports}};
}

ContainerRecord container_from(const json& j) {
  ContainerRecord c;
  c.name = j.at("name");
  c.service = j.at("service");
  c.number = j.value("number", 1);
  c.id = j.value("id", "");
  c.image = j.value("image", "");
  c.image_id = j.value("image_id", "");
  c.config_hash = j.value("config_hash", "");
  c.command = j.value("command", std::vector<std::string>{});
  c.created = j.value("created", "");
  c.stop_signal = j.value("stop_signal", 15);
  c.stop_grace_ns = j.value("stop_grace_ns", int64_t{10'000'000'000});
  for (const auto& e : j.contains("endpoints") ? j.at("endpoints") : json::array())
    c.endpoints.push_back(endpoint_from(e));
  for (const auto& v : j.contains("volumes") ? j.at("volumes") : json::array())
    c.volumes.push_back(volume_from(v));
  c.rootfs_mounted = j.value("rootfs_mounted", false);
  if (j.contains("healthcheck") && j.at("healthcheck").is_object())
    c.healthcheck = health_spec_from_json(j.at("healthcheck"));
  if (j.contains("restart_policy"))
    c.restart_policy = restart_policy_from_json(j.at("restart_policy"));
  c.restart_count = j.value("restart_count", 0);
  c.restart_with = j.value("restart_with", std::vector<std::string>{});
  for (const auto& p : j.contains("ports") ? j.at("ports") : json::array())
    c.ports.push_back(port_from(p));
  return c;
}

}  // namespace

json to_json(const ContainerRecord& record) {
  return container_json(record);
}

ContainerRecord container_record_from_json(const json& j) {
  return container_from(j);
}

std::vector<const ContainerRecord*> ProjectState::containers_of(const std::string& service) const {
  std::vector<const ContainerRecord*> out;
  for (const auto& [name, c] : containers)
    if (c.service == service) out.push_back(&c);
  return out;
}

json to_json(const ProjectState& s) {
  json networks = json::object(), volumes = json::object(), containers = json::object();
  for (const auto& [k, n] : s.networks)
    networks[k] = network_json(n);
  for (const auto& [k, v] : s.volumes)
    volumes[k] = volume_json(v);
  for (const auto& [k, c] : s.containers)
    containers[k] = container_json(c);
  return {{"version", 1},
          {"name", s.name},
          {"working_dir", s.working_dir},
          {"files", s.files},
          {"networks", networks},
          {"volumes", volumes},
          {"containers", containers},
          {"nat_table", s.nat_table}};
}

ProjectState project_state_from_json(const json& j) {
  ProjectState s;
  s.name = j.at("name");
  s.working_dir = j.value("working_dir", "");
  s.files = j.value("files", std::vector<std::string>{});
  if (j.contains("networks"))
    for (const auto& [k, n] : j.at("networks").items())
      s.networks[k] = network_from(n);
  if (j.contains("volumes"))
    for (const auto& [k, v] : j.at("volumes").items())
      s.volumes[k] = volume_from(v);
  if (j.contains("containers"))
    for (const auto& [k, c] : j.at("containers").items())
      s.containers[k] = container_from(c);
  s.nat_table = j.value("nat_table", "");
  return s;
}

std::optional<ProjectState> load_project_state(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::nullopt;
  std::string text = image::read_file(file);
  try {
    return project_state_from_json(json::parse(text));
  } catch (const json::exception& e) {
    throw Error("state file " + file.string() + " is damaged: " + e.what());
  }
}

void save_project_state(const std::filesystem::path& file, const ProjectState& state) {
  image::write_file_atomic(file, to_json(state).dump(1), file.parent_path());
}

FileLock::FileLock(const std::filesystem::path& file, Mode mode)
    : file_(file), mode_(mode), fd_(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
  if (!fd_) throw Error::sys("open", file.string(), errno);
  acquire();
}

void FileLock::acquire() {
  struct flock lock {};
  lock.l_type = mode_ == Mode::kShared ? F_RDLCK : F_WRLCK;
  lock.l_whence = SEEK_SET;
  while (::fcntl(fd_.get(), F_SETLKW, &lock) != 0)
    if (errno != EINTR) throw Error::sys("lock", file_.string(), errno);
}

void FileLock::release() {
  struct flock lock {};
  lock.l_type = F_UNLCK;
  lock.l_whence = SEEK_SET;
  if (::fcntl(fd_.get(), F_SETLK, &lock) != 0) throw Error::sys("unlock", file_.string(), errno);
}

std::string new_container_id() {
  unsigned char bytes[32];
  if (::getrandom(bytes, sizeof bytes, 0) != sizeof bytes)
    throw Error::sys("getrandom", "container id", errno);
  static const char* hex = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) {
    id += hex[b >> 4];
    id += hex[b & 15];
  }
  return id;
}

}  // namespace engine
