#include "compose/serialize.h"

#include <algorithm>

#include "compose/units.h"

namespace compose {
namespace {

using Json = nlohmann::json;

template <class Map>
Json map_json(const Map& map) {
  Json out = Json::object();
  for (const auto& [k, v] : map)
    out[k] = v;
  return out;
}

Json optional_map_json(const OptionalStringMap& map) {
  Json out = Json::object();
  for (const auto& [k, v] : map)
    out[k] = v ? Json(*v) : Json(nullptr);
  return out;
}

void put_duration(Json& out, const char* key, const std::optional<Duration>& d) {
  if (d) out[key] = format_duration(*d);
}

template <class T>
void put(Json& out, const char* key, const std::optional<T>& value) {
  if (value) out[key] = *value;
}

void put(Json& out, const char* key, const std::string& value) {
  if (!value.empty()) out[key] = value;
}

void put(Json& out, const char* key, const std::vector<std::string>& value) {
  if (!value.empty()) out[key] = value;
}

void put_flag(Json& out, const char* key, bool value) {
  if (value) out[key] = true;
}

Json port_json(const PortConfig& p) {
  Json out = Json::object();
  put(out, "name", p.name);
  out["mode"] = p.mode;
  put(out, "host_ip", p.host_ip);
  out["target"] = p.target;
  put(out, "published", p.published);
  out["protocol"] = p.protocol;
  put(out, "app_protocol", p.app_protocol);
  return out;
}

Json volume_json(const VolumeMount& m) {
  Json out = Json::object();
  out["type"] = m.type;
  put(out, "source", m.source);
  out["target"] = m.target;
  put_flag(out, "read_only", m.read_only);
  put(out, "consistency", m.consistency);
  if (m.type == "bind") {
    Json bind = Json::object();
    put(bind, "propagation", m.propagation);
    put(bind, "create_host_path", m.create_host_path);
    put(bind, "selinux", m.selinux);
    if (!bind.empty()) out["bind"] = bind;
  } else if (m.type == "volume" && (m.nocopy || !m.subpath.empty())) {
    Json volume = Json::object();
    put_flag(volume, "nocopy", m.nocopy);
    put(volume, "subpath", m.subpath);
    out["volume"] = volume;
  } else if (m.type == "tmpfs" && (m.tmpfs_size || m.tmpfs_mode)) {
    Json tmpfs = Json::object();
    put(tmpfs, "size", m.tmpfs_size);
    put(tmpfs, "mode", m.tmpfs_mode);
    out["tmpfs"] = tmpfs;
  }
  return out;
}

Json build_json(const BuildConfig& b) {
  Json out = Json::object();
  out["context"] = b.context;
  put(out, "dockerfile", b.dockerfile);
  put(out, "dockerfile_inline", b.dockerfile_inline);
  if (!b.args.empty()) out["args"] = optional_map_json(b.args);
  put(out, "target", b.target);
  if (!b.labels.empty()) out["labels"] = map_json(b.labels);
  put(out, "cache_from", b.cache_from);
  put(out, "network", b.network);
  put(out, "shm_size", b.shm_size);
  put(out, "tags", b.tags);
  put_flag(out, "no_cache", b.no_cache);
  put_flag(out, "pull", b.pull);
  return out;
}

Json healthcheck_json(const Healthcheck& h) {
  Json out = Json::object();
  put(out, "test", h.test);
  put_duration(out, "interval", h.interval);
  put_duration(out, "timeout", h.timeout);
  put(out, "retries", h.retries);
  put_duration(out, "start_period", h.start_period);
  put_duration(out, "start_interval", h.start_interval);
  put_flag(out, "disable", h.disable);
  return out;
}

Json networks_json(const std::map<std::string, ServiceNetwork>& networks) {
  Json out = Json::object();
  for (const auto& [name, n] : networks) {
    Json attachment = Json::object();
    put(attachment, "aliases", n.aliases);
    put(attachment, "ipv4_address", n.ipv4_address);
    put(attachment, "ipv6_address", n.ipv6_address);
    put(attachment, "mac_address", n.mac_address);
    put(attachment, "priority", n.priority);
    if (!n.driver_opts.empty()) attachment["driver_opts"] = map_json(n.driver_opts);
    out[name] = attachment.empty() ? Json(nullptr) : attachment;
  }
  return out;
}

Json depends_on_json(const std::map<std::string, Dependency>& deps) {
  Json out = Json::object();
  for (const auto& [name, d] : deps) {
    out[name] = Json{{"condition", std::string(to_string(d.condition))}, {"required", d.required}};
    if (d.restart) out[name]["restart"] = true;
  }
  return out;
}

Json resource_set_json(const ResourceSet& r) {
  Json out = Json::object();
  if (r.cpus) out["cpus"] = format_cpus(*r.cpus);
  put(out, "memory", r.memory);
  put(out, "pids", r.pids);
  return out;
}

Json deploy_json(const DeployConfig& d) {
  Json out = Json::object();
  put(out, "mode", d.mode);
  put(out, "replicas", d.replicas);
  Json resources = Json::object();
  if (Json l = resource_set_json(d.limits); !l.empty()) resources["limits"] = l;
  if (Json r = resource_set_json(d.reservations); !r.empty()) resources["reservations"] = r;
  if (!resources.empty()) out["resources"] = resources;
  if (d.restart_policy) {
    Json rp = Json::object();
    put(rp, "condition", d.restart_policy->condition);
    put_duration(rp, "delay", d.restart_policy->delay);
    put(rp, "max_attempts", d.restart_policy->max_attempts);
    put_duration(rp, "window", d.restart_policy->window);
    out["restart_policy"] = rp;
  }
  if (!d.labels.empty()) out["labels"] = map_json(d.labels);
  return out;
}

Json throttle_json(const std::vector<ThrottleDevice>& devices) {
  Json out = Json::array();
  for (const auto& d : devices)
    out.push_back(Json{{"path", d.path}, {"rate", d.rate}});
  return out;
}

Json blkio_json(const BlkioConfig& b) {
  Json out = Json::object();
  put(out, "weight", b.weight);
  if (!b.weight_device.empty()) {
    out["weight_device"] = Json::array();
    for (const auto& d : b.weight_device)
      out["weight_device"].push_back(Json{{"path", d.path}, {"weight", d.weight}});
  }
  if (!b.device_read_bps.empty()) out["device_read_bps"] = throttle_json(b.device_read_bps);
  if (!b.device_write_bps.empty()) out["device_write_bps"] = throttle_json(b.device_write_bps);
  if (!b.device_read_iops.empty()) out["device_read_iops"] = throttle_json(b.device_read_iops);
  if (!b.device_write_iops.empty()) out["device_write_iops"] = throttle_json(b.device_write_iops);
  return out;
}

Json references_json(const std::vector<FileReference>& refs) {
  Json out = Json::array();
  for (const auto& r : refs) {
    Json ref = Json{{"source", r.source}};
    put(ref, "target", r.target);
    put(ref, "uid", r.uid);
    put(ref, "gid", r.gid);
    put(ref, "mode", r.mode);
    out.push_back(ref);
  }
  return out;
}

void put_resources(Json& out, const Service& s) {
  put(out, "shm_size", s.shm_size);
  put(out, "mem_limit", s.mem_limit);
  put(out, "memswap_limit", s.memswap_limit);
  put(out, "mem_reservation", s.mem_reservation);
  put(out, "mem_swappiness", s.mem_swappiness);
  if (s.cpus) out["cpus"] = *s.cpus;
  put(out, "cpu_shares", s.cpu_shares);
  put(out, "cpu_quota", s.cpu_quota);
  put(out, "cpu_period", s.cpu_period);
  put(out, "cpuset", s.cpuset);
  put(out, "pids_limit", s.pids_limit);
  put(out, "oom_score_adj", s.oom_score_adj);
  put(out, "oom_kill_disable", s.oom_kill_disable);
  if (s.blkio_config) out["blkio_config"] = blkio_json(*s.blkio_config);
  if (s.deploy) out["deploy"] = deploy_json(*s.deploy);
  if (!s.ulimits.empty()) {
    Json ulimits = Json::object();
    for (const auto& [name, u] : s.ulimits)
      ulimits[name] = u.soft == u.hard ? Json(u.soft) : Json{{"soft", u.soft}, {"hard", u.hard}};
    out["ulimits"] = ulimits;
  }
}

void put_process(Json& out, const Service& s) {
  if (s.command) out["command"] = *s.command;
  if (s.entrypoint) out["entrypoint"] = *s.entrypoint;
  if (!s.environment.empty()) out["environment"] = optional_map_json(s.environment);
  put(out, "user", s.user);
  put(out, "group_add", s.group_add);
  put(out, "working_dir", s.working_dir);
  put(out, "hostname", s.hostname);
  put(out, "domainname", s.domainname);
  put(out, "container_name", s.container_name);
  put(out, "init", s.init);
  put(out, "stop_signal", s.stop_signal);
  put_duration(out, "stop_grace_period", s.stop_grace_period);
  put(out, "restart", s.restart);
  put_flag(out, "read_only", s.read_only);
  put_flag(out, "privileged", s.privileged);
  put_flag(out, "tty", s.tty);
  put_flag(out, "stdin_open", s.stdin_open);
  put(out, "cap_add", s.cap_add);
  put(out, "cap_drop", s.cap_drop);
  put(out, "security_opt", s.security_opt);
  if (!s.sysctls.empty()) out["sysctls"] = map_json(s.sysctls);
  put(out, "pid", s.pid);
  put(out, "ipc", s.ipc);
  put(out, "uts", s.uts);
  put(out, "userns_mode", s.userns_mode);
  put(out, "cgroup_parent", s.cgroup_parent);
  put(out, "devices", s.devices);
  if (s.healthcheck) out["healthcheck"] = healthcheck_json(*s.healthcheck);
}

void put_network(Json& out, const Service& s) {
  if (!s.networks.empty()) out["networks"] = networks_json(s.networks);
  put(out, "network_mode", s.network_mode);
  if (!s.ports.empty()) {
    out["ports"] = Json::array();
    for (const auto& p : s.ports)
      out["ports"].push_back(port_json(p));
  }
  put(out, "expose", s.expose);
  put(out, "links", s.links);
  put(out, "external_links", s.external_links);
  put(out, "extra_hosts", s.extra_hosts);
  put(out, "dns", s.dns);
  put(out, "dns_search", s.dns_search);
  put(out, "dns_opt", s.dns_opt);
  put(out, "mac_address", s.mac_address);
}

void put_storage(Json& out, const Service& s) {
  if (!s.volumes.empty()) {
    out["volumes"] = Json::array();
    for (const auto& v : s.volumes)
      out["volumes"].push_back(volume_json(v));
  }
  put(out, "volumes_from", s.volumes_from);
  put(out, "tmpfs", s.tmpfs);
  if (!s.secrets.empty()) out["secrets"] = references_json(s.secrets);
  if (!s.configs.empty()) out["configs"] = references_json(s.configs);
}

Json extension_json(const BoxcomposeExtension& x) {
  Json bandwidth = Json::object();
  if (x.egress_bits_per_second)
    bandwidth["egress"] = std::to_string(*x.egress_bits_per_second) + "bit";
  if (x.ingress_bits_per_second)
    bandwidth["ingress"] = std::to_string(*x.ingress_bits_per_second) + "bit";
  return Json{{"bandwidth", bandwidth}};
}

Json network_json(const Network& n) {
  Json out = Json{{"name", n.name}};
  if (n.driver != "bridge" || !n.driver_opts.empty()) out["driver"] = n.driver;
  if (!n.driver_opts.empty()) out["driver_opts"] = map_json(n.driver_opts);
  put_flag(out, "internal", n.internal);
  put_flag(out, "attachable", n.attachable);
  put_flag(out, "enable_ipv6", n.enable_ipv6);
  put_flag(out, "external", n.external);
  if (!n.ipam_config.empty() || !n.ipam_driver.empty()) {
    Json ipam = Json::object();
    put(ipam, "driver", n.ipam_driver);
    Json pools = Json::array();
    for (const IpamPool& p : n.ipam_config) {
      Json pool = Json::object();
      put(pool, "subnet", p.subnet);
      put(pool, "gateway", p.gateway);
      put(pool, "ip_range", p.ip_range);
      if (!p.aux_addresses.empty()) pool["aux_addresses"] = map_json(p.aux_addresses);
      pools.push_back(pool);
    }
    if (!pools.empty()) ipam["config"] = pools;
    out["ipam"] = ipam;
  }
  if (!n.labels.empty()) out["labels"] = map_json(n.labels);
  for (auto it = n.extensions.begin(); it != n.extensions.end(); ++it)
    out[it.key()] = it.value();
  return out;
}

Json volume_object_json(const Volume& v) {
  Json out = Json{{"name", v.name}};
  if (!v.driver_opts.empty()) out["driver"] = v.driver;
  if (!v.driver_opts.empty()) out["driver_opts"] = map_json(v.driver_opts);
  put_flag(out, "external", v.external);
  if (!v.labels.empty()) out["labels"] = map_json(v.labels);
  for (auto it = v.extensions.begin(); it != v.extensions.end(); ++it)
    out[it.key()] = it.value();
  return out;
}

Json file_object_json(const FileObject& f) {
  Json out = Json{{"name", f.name}};
  put(out, "file", f.file);
  put(out, "environment", f.environment);
  put(out, "content", f.content);
  put_flag(out, "external", f.external);
  if (!f.labels.empty()) out["labels"] = map_json(f.labels);
  return out;
}

template <class Map, class Fn>
Json section_json(const Map& map, Fn fn) {
  Json out = Json::object();
  for (const auto& [key, value] : map)
    out[key] = fn(value);
  return out;
}

}  // namespace

Json to_json(const Service& s) {
  Json out = Json::object();
  put(out, "image", s.image);
  if (s.build) out["build"] = build_json(*s.build);
  put_process(out, s);
  put_network(out, s);
  put_storage(out, s);
  put_resources(out, s);
  if (!s.depends_on.empty()) out["depends_on"] = depends_on_json(s.depends_on);
  if (!s.labels.empty()) out["labels"] = map_json(s.labels);
  if (!s.annotations.empty()) out["annotations"] = map_json(s.annotations);
  put(out, "profiles", s.profiles);
  put(out, "scale", s.scale);
  put(out, "platform", s.platform);
  put(out, "pull_policy", s.pull_policy);
  if (s.logging) {
    Json logging = Json::object();
    put(logging, "driver", s.logging->driver);
    if (!s.logging->options.empty()) logging["options"] = map_json(s.logging->options);
    out["logging"] = logging;
  }
  if (s.boxcompose) out["x-boxcompose"] = extension_json(*s.boxcompose);
  for (auto it = s.extensions.begin(); it != s.extensions.end(); ++it)
    out[it.key()] = it.value();
  return out;  // keys sorted, as Docker Compose prints them
}

Json to_json(const Project& project) {
  Json out = Json::object();
  out["name"] = project.name;
  out["services"] = section_json(project.services, [](const Service& s) { return to_json(s); });
  if (!project.networks.empty()) out["networks"] = section_json(project.networks, network_json);
  if (!project.volumes.empty()) out["volumes"] = section_json(project.volumes, volume_object_json);
  if (!project.secrets.empty()) out["secrets"] = section_json(project.secrets, file_object_json);
  if (!project.configs.empty()) out["configs"] = section_json(project.configs, file_object_json);
  for (auto it = project.extensions.begin(); it != project.extensions.end(); ++it)
    out[it.key()] = it.value();
  return out;
}

}  // namespace compose
