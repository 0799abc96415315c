// ContainerSpec -> config.json, and the template that `boxrun spec` writes.
#include <fstream>
#include <nlohmann/json.hpp>

#include "boxrt/block_io.h"
#include "boxrt/error.h"
#include "boxrt/oci_config.h"
#include "boxrt/os_error.h"

namespace boxrt {
namespace {

using nlohmann::json;

template <typename T>
void put(json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}
void put(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}
void put(json& j, const char* key, const std::vector<std::string>& v) {
  if (!v.empty()) j[key] = v;
}

json process_to_json(const Process& p) {
  json j;
  j["terminal"] = p.terminal;
  if (p.console_size)
    j["consoleSize"] = {{"height", p.console_size->height}, {"width", p.console_size->width}};
  json user = {{"uid", p.user.uid}, {"gid", p.user.gid}};
  put(user, "umask", p.user.umask);
  if (!p.user.additional_gids.empty()) user["additionalGids"] = p.user.additional_gids;
  j["user"] = user;
  j["args"] = p.args;
  put(j, "env", p.env);
  j["cwd"] = p.cwd;
  if (p.capabilities) {
    const auto& c = *p.capabilities;
    j["capabilities"] = {{"bounding", c.bounding},       {"effective", c.effective},
                         {"inheritable", c.inheritable}, {"permitted", c.permitted},
                         {"ambient", c.ambient}};
  }
  for (const auto& r : p.rlimits)
    j["rlimits"].push_back({{"type", r.type}, {"hard", r.hard}, {"soft", r.soft}});
  j["noNewPrivileges"] = p.no_new_privileges;
  put(j, "oomScoreAdj", p.oom_score_adj);
  put(j, "apparmorProfile", p.apparmor_profile);
  return j;
}

json block_io_to_json(const BlockIoResources& b) {
  json j = json::object();
  put(j, "weight", b.weight);
  for (const auto& d : b.weight_device) {
    json dj = {{"major", d.major}, {"minor", d.minor}};
    put(dj, "weight", d.weight);
    put(dj, "leafWeight", d.leaf_weight);
    j["weightDevice"].push_back(dj);
  }
  for (const auto& t : kBlockIoThrottles)
    for (const auto& d : b.*t.devices)
      j[t.oci_field].push_back({{"major", d.major}, {"minor", d.minor}, {"rate", d.rate}});
  return j;
}

json resources_to_json(const Resources& r) {
  json j = json::object();
  for (const auto& d : r.devices) {
    json dj = {{"allow", d.allow}};
    put(dj, "type", d.type);
    put(dj, "major", d.major);
    put(dj, "minor", d.minor);
    put(dj, "access", d.access);
    j["devices"].push_back(dj);
  }
  if (r.memory) {
    json& m = j["memory"] = json::object();
    put(m, "limit", r.memory->limit);
    put(m, "reservation", r.memory->reservation);
    put(m, "swap", r.memory->swap);
    put(m, "kernel", r.memory->kernel);
    put(m, "swappiness", r.memory->swappiness);
    put(m, "disableOOMKiller", r.memory->disable_oom_killer);
  }
  if (r.cpu) {
    json& c = j["cpu"] = json::object();
    put(c, "shares", r.cpu->shares);
    put(c, "quota", r.cpu->quota);
    put(c, "period", r.cpu->period);
    put(c, "cpus", r.cpu->cpus);
    put(c, "mems", r.cpu->mems);
  }
  if (r.pids) j["pids"] = {{"limit", r.pids->limit}};
  if (r.block_io) j["blockIO"] = block_io_to_json(*r.block_io);
  if (!r.unified.empty()) j["unified"] = r.unified;
  return j;
}

json seccomp_to_json(const Seccomp& s) {
  json j = {{"defaultAction", s.default_action}};
  put(j, "defaultErrnoRet", s.default_errno_ret);
  put(j, "architectures", s.architectures);
  put(j, "flags", s.flags);
  for (const auto& sc : s.syscalls) {
    json c = {{"names", sc.names}, {"action", sc.action}};
    put(c, "errnoRet", sc.errno_ret);
    for (const auto& a : sc.args)
      c["args"].push_back({{"index", a.index}, {"value", a.value}, {"valueTwo", a.value_two}, {"op", a.op}});
    j["syscalls"].push_back(c);
  }
  return j;
}

json id_maps_to_json(const std::vector<IdMapping>& maps) {
  json j = json::array();
  for (const auto& m : maps)
    j.push_back({{"containerID", m.container_id}, {"hostID", m.host_id}, {"size", m.size}});
  return j;
}

json linux_to_json(const Linux& l) {
  json j = json::object();
  for (const auto& ns : l.namespaces) {
    json n = {{"type", ns.type}};
    put(n, "path", ns.path);
    j["namespaces"].push_back(n);
  }
  if (!l.uid_mappings.empty()) j["uidMappings"] = id_maps_to_json(l.uid_mappings);
  if (!l.gid_mappings.empty()) j["gidMappings"] = id_maps_to_json(l.gid_mappings);
  for (const auto& d : l.devices) {
    json dj = {{"path", d.path}, {"type", d.type}, {"major", d.major}, {"minor", d.minor}};
    put(dj, "fileMode", d.file_mode);
    put(dj, "uid", d.uid);
    put(dj, "gid", d.gid);
    j["devices"].push_back(dj);
  }
  put(j, "cgroupsPath", l.cgroups_path);
  if (l.resources) j["resources"] = resources_to_json(*l.resources);
  if (l.seccomp) j["seccomp"] = seccomp_to_json(*l.seccomp);
  if (!l.sysctl.empty()) j["sysctl"] = l.sysctl;
  put(j, "rootfsPropagation", l.rootfs_propagation);
  put(j, "maskedPaths", l.masked_paths);
  put(j, "readonlyPaths", l.readonly_paths);
  put(j, "mountLabel", l.mount_label);
  return j;
}

json hooks_to_json(const std::vector<Hook>& hooks) {
  json j = json::array();
  for (const auto& h : hooks) {
    json hj = {{"path", h.path}};
    put(hj, "args", h.args);
    put(hj, "env", h.env);
    put(hj, "timeout", h.timeout);
    j.push_back(hj);
  }
  return j;
}

}  // namespace

json spec_to_json(const ContainerSpec& s) {
  json j;
  j["ociVersion"] = s.oci_version;
  j["process"] = process_to_json(s.process);
  j["root"] = {{"path", s.root.path}, {"readonly", s.root.readonly}};
  put(j, "hostname", s.hostname);
  put(j, "domainname", s.domainname);
  j["mounts"] = json::array();
  for (const auto& m : s.mounts) {
    json mj = {{"destination", m.destination}};
    put(mj, "type", m.type);
    put(mj, "source", m.source);
    put(mj, "options", m.options);
    j["mounts"].push_back(mj);
  }
  const Hooks& h = s.hooks;
  std::pair<const char*, const std::vector<Hook>*> hook_lists[] = {
      {"prestart", &h.prestart},           {"createRuntime", &h.create_runtime},
      {"createContainer", &h.create_container}, {"startContainer", &h.start_container},
      {"poststart", &h.poststart},         {"poststop", &h.poststop}};
  for (const auto& [name, list] : hook_lists)
    if (!list->empty()) j["hooks"][name] = hooks_to_json(*list);
  if (!s.annotations.empty()) j["annotations"] = s.annotations;
  j["linux"] = linux_to_json(s.linux);
  return j;
}

void save_config(const ContainerSpec& spec, const std::string& path) {
  std::ofstream out(path);
  if (!out) throw os_error("create", path, errno);
  out << spec_to_json(spec).dump(1, '\t') << '\n';
  if (!out) throw os_error("write", path, errno);
}

std::vector<std::string> docker_default_capabilities() {
  return {"CAP_CHOWN",      "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
          "CAP_MKNOD",      "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
          "CAP_SETFCAP",    "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
          "CAP_KILL",       "CAP_AUDIT_WRITE"};
}

ContainerSpec default_spec() {
  ContainerSpec s;
  s.process.args = {"sh"};
  s.process.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"};
  s.process.cwd = "/";
  auto caps = docker_default_capabilities();
  s.process.capabilities = Capabilities{caps, caps, {}, caps, {}};
  s.process.rlimits = {{"RLIMIT_NOFILE", 1024, 1024}};
  s.process.no_new_privileges = true;
  s.root = {"rootfs", true};
  s.hostname = "boxrun";
  s.mounts = {
      {"/proc", "proc", "proc", {}},
      {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}},
      {"/dev/pts", "devpts", "devpts",
       {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
      {"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
      {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}},
      {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}},
      {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}},
  };
  s.linux.resources = Resources{};
  s.linux.resources->devices = {{false, "", std::nullopt, std::nullopt, "rwm"}};
  for (const char* ns : {"pid", "network", "ipc", "uts", "mount", "cgroup"})
    s.linux.namespaces.push_back({ns, ""});
  s.linux.masked_paths = {"/proc/asound",        "/proc/acpi",        "/proc/kcore",
                          "/proc/keys",          "/proc/latency_stats", "/proc/timer_list",
                          "/proc/timer_stats",   "/proc/sched_debug", "/proc/scsi",
                          "/sys/firmware",       "/sys/devices/virtual/powercap"};
  s.linux.readonly_paths = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                            "/proc/sysrq-trigger"};
  return s;
}

}  // namespace boxrt
