// config.json -> ContainerSpec. Each reader takes the JSON value and its path so that a
// type error can say exactly which field is wrong.
#include <fstream>
#include <nlohmann/json.hpp>

#include "boxrt/block_io.h"
#include "boxrt/error.h"
#include "boxrt/oci_config.h"
#include "boxrt/os_error.h"

namespace boxrt {
namespace {

using nlohmann::json;

[[noreturn]] void type_error(const std::string& path, const char* expected, const json& v) {
  throw Error(path + ": expected " + expected + ", got " + v.type_name());
}

const json* member(const json& obj, const char* key, const std::string& path) {
  if (!obj.is_object()) type_error(path, "an object", obj);
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string sub(const std::string& path, const char* key) {
  return path.empty() ? key : path + "." + key;
}
std::string idx(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

std::string as_string(const json& v, const std::string& path) {
  if (!v.is_string()) type_error(path, "a string", v);
  return v.get<std::string>();
}
bool as_bool(const json& v, const std::string& path) {
  if (!v.is_boolean()) type_error(path, "a boolean", v);
  return v.get<bool>();
}
int64_t as_int(const json& v, const std::string& path) {
  if (!v.is_number_integer()) type_error(path, "an integer", v);
  return v.get<int64_t>();
}
uint64_t as_uint(const json& v, const std::string& path) {
  if (!v.is_number_unsigned()) type_error(path, "an unsigned integer", v);
  return v.get<uint64_t>();
}
uint32_t as_u32(const json& v, const std::string& path) {
  uint64_t n = as_uint(v, path);
  if (n > UINT32_MAX) throw Error(path + ": " + std::to_string(n) + " is out of range");
  return static_cast<uint32_t>(n);
}
std::vector<std::string> as_strings(const json& v, const std::string& path) {
  if (!v.is_array()) type_error(path, "an array of strings", v);
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) out.push_back(as_string(v[i], idx(path, i)));
  return out;
}
std::map<std::string, std::string> as_string_map(const json& v, const std::string& path) {
  if (!v.is_object()) type_error(path, "an object of strings", v);
  std::map<std::string, std::string> out;
  for (auto it = v.begin(); it != v.end(); ++it)
    out[it.key()] = as_string(it.value(), sub(path, it.key().c_str()));
  return out;
}

// Calls fn(element, element_path) for each element of the array at obj[key].
template <typename Fn>
void each(const json& obj, const char* key, const std::string& path, Fn fn) {
  const json* arr = member(obj, key, path);
  if (!arr) return;
  std::string p = sub(path, key);
  if (!arr->is_array()) type_error(p, "an array", *arr);
  for (size_t i = 0; i < arr->size(); ++i) fn((*arr)[i], idx(p, i));
}

#define OPT(obj, key, path, reader, target)                   \
  if (const json* v_ = member(obj, key, path)) {              \
    target = reader(*v_, sub(path, key));                     \
  }

User parse_user(const json& j, const std::string& p) {
  User u;
  OPT(j, "uid", p, as_u32, u.uid);
  OPT(j, "gid", p, as_u32, u.gid);
  OPT(j, "umask", p, as_u32, u.umask);
  if (const json* g = member(j, "additionalGids", p)) {
    std::string gp = sub(p, "additionalGids");
    if (!g->is_array()) type_error(gp, "an array", *g);
    for (size_t i = 0; i < g->size(); ++i) u.additional_gids.push_back(as_u32((*g)[i], idx(gp, i)));
  }
  return u;
}

Capabilities parse_caps(const json& j, const std::string& p) {
  Capabilities c;
  OPT(j, "bounding", p, as_strings, c.bounding);
  OPT(j, "effective", p, as_strings, c.effective);
  OPT(j, "inheritable", p, as_strings, c.inheritable);
  OPT(j, "permitted", p, as_strings, c.permitted);
  OPT(j, "ambient", p, as_strings, c.ambient);
  return c;
}

Process parse_process(const json& j, const std::string& p) {
  Process pr;
  OPT(j, "terminal", p, as_bool, pr.terminal);
  if (const json* c = member(j, "consoleSize", p)) {
    ConsoleSize cs;
    OPT(*c, "height", sub(p, "consoleSize"), as_u32, cs.height);
    OPT(*c, "width", sub(p, "consoleSize"), as_u32, cs.width);
    pr.console_size = cs;
  }
  if (const json* u = member(j, "user", p)) pr.user = parse_user(*u, sub(p, "user"));
  OPT(j, "args", p, as_strings, pr.args);
  OPT(j, "env", p, as_strings, pr.env);
  OPT(j, "cwd", p, as_string, pr.cwd);
  if (const json* c = member(j, "capabilities", p))
    pr.capabilities = parse_caps(*c, sub(p, "capabilities"));
  each(j, "rlimits", p, [&](const json& r, const std::string& rp) {
    Rlimit rl;
    OPT(r, "type", rp, as_string, rl.type);
    OPT(r, "hard", rp, as_uint, rl.hard);
    OPT(r, "soft", rp, as_uint, rl.soft);
    pr.rlimits.push_back(rl);
  });
  OPT(j, "noNewPrivileges", p, as_bool, pr.no_new_privileges);
  if (const json* o = member(j, "oomScoreAdj", p))
    pr.oom_score_adj = static_cast<int>(as_int(*o, sub(p, "oomScoreAdj")));
  OPT(j, "apparmorProfile", p, as_string, pr.apparmor_profile);
  return pr;
}

Mount parse_mount(const json& j, const std::string& p) {
  Mount m;
  OPT(j, "destination", p, as_string, m.destination);
  OPT(j, "type", p, as_string, m.type);
  OPT(j, "source", p, as_string, m.source);
  OPT(j, "options", p, as_strings, m.options);
  if (m.destination.empty()) throw Error(sub(p, "destination") + ": required");
  return m;
}

std::vector<IdMapping> parse_id_maps(const json& j, const char* key, const std::string& p) {
  std::vector<IdMapping> out;
  each(j, key, p, [&](const json& m, const std::string& mp) {
    IdMapping im;
    OPT(m, "containerID", mp, as_u32, im.container_id);
    OPT(m, "hostID", mp, as_u32, im.host_id);
    OPT(m, "size", mp, as_u32, im.size);
    out.push_back(im);
  });
  return out;
}

MemoryResources parse_memory(const json& j, const std::string& p) {
  MemoryResources m;
  OPT(j, "limit", p, as_int, m.limit);
  OPT(j, "reservation", p, as_int, m.reservation);
  OPT(j, "swap", p, as_int, m.swap);
  OPT(j, "kernel", p, as_int, m.kernel);
  OPT(j, "swappiness", p, as_uint, m.swappiness);
  OPT(j, "disableOOMKiller", p, as_bool, m.disable_oom_killer);
  return m;
}

CpuResources parse_cpu(const json& j, const std::string& p) {
  CpuResources c;
  OPT(j, "shares", p, as_uint, c.shares);
  OPT(j, "quota", p, as_int, c.quota);
  OPT(j, "period", p, as_uint, c.period);
  OPT(j, "cpus", p, as_string, c.cpus);
  OPT(j, "mems", p, as_string, c.mems);
  return c;
}

// blkio weights top out at 1000; the low end depends on the scheduler (CFQ 10, BFQ 1),
// so that bound is left to the kernel.
uint16_t as_blkio_weight(const json& v, const std::string& path) {
  uint64_t weight = as_uint(v, path);
  if (weight > 1000) throw Error(path + ": must be at most 1000");
  return static_cast<uint16_t>(weight);
}

// A device entry's major or minor. Without one the kernel would get "0:0", and its
// refusal would not say which entry was wrong.
int64_t device_number_part(const json& d, const char* key, const std::string& dp) {
  const json* v = member(d, key, dp);
  if (!v) throw Error(sub(dp, key) + ": required");
  int64_t n = as_int(*v, sub(dp, key));
  if (n < 0) throw Error(sub(dp, key) + ": must not be negative");
  return n;
}

std::vector<ThrottleDevice> parse_throttle_devices(const json& j, const char* key,
                                                   const std::string& p) {
  std::vector<ThrottleDevice> out;
  each(j, key, p, [&](const json& d, const std::string& dp) {
    ThrottleDevice td;
    td.major = device_number_part(d, "major", dp);
    td.minor = device_number_part(d, "minor", dp);
    OPT(d, "rate", dp, as_uint, td.rate);
    out.push_back(td);
  });
  return out;
}

BlockIoResources parse_block_io(const json& j, const std::string& p) {
  BlockIoResources b;
  OPT(j, "weight", p, as_blkio_weight, b.weight);
  each(j, "weightDevice", p, [&](const json& d, const std::string& dp) {
    WeightDevice wd;
    wd.major = device_number_part(d, "major", dp);
    wd.minor = device_number_part(d, "minor", dp);
    OPT(d, "weight", dp, as_blkio_weight, wd.weight);
    OPT(d, "leafWeight", dp, as_blkio_weight, wd.leaf_weight);
    b.weight_device.push_back(wd);
  });
  for (const auto& t : kBlockIoThrottles)
    b.*t.devices = parse_throttle_devices(j, t.oci_field, p);
  return b;
}

Resources parse_resources(const json& j, const std::string& p) {
  Resources r;
  each(j, "devices", p, [&](const json& d, const std::string& dp) {
    DeviceRule rule;
    OPT(d, "allow", dp, as_bool, rule.allow);
    OPT(d, "type", dp, as_string, rule.type);
    OPT(d, "major", dp, as_int, rule.major);
    OPT(d, "minor", dp, as_int, rule.minor);
    OPT(d, "access", dp, as_string, rule.access);
    r.devices.push_back(rule);
  });
  if (const json* m = member(j, "memory", p)) r.memory = parse_memory(*m, sub(p, "memory"));
  if (const json* c = member(j, "cpu", p)) r.cpu = parse_cpu(*c, sub(p, "cpu"));
  if (const json* pi = member(j, "pids", p)) {
    PidsResources pids;
    OPT(*pi, "limit", sub(p, "pids"), as_int, pids.limit);
    r.pids = pids;
  }
  if (const json* b = member(j, "blockIO", p)) r.block_io = parse_block_io(*b, sub(p, "blockIO"));
  OPT(j, "unified", p, as_string_map, r.unified);
  return r;
}

Seccomp parse_seccomp(const json& j, const std::string& p) {
  Seccomp s;
  OPT(j, "defaultAction", p, as_string, s.default_action);
  OPT(j, "defaultErrnoRet", p, as_u32, s.default_errno_ret);
  OPT(j, "architectures", p, as_strings, s.architectures);
  OPT(j, "flags", p, as_strings, s.flags);
  each(j, "syscalls", p, [&](const json& sc, const std::string& sp) {
    SeccompSyscall call;
    OPT(sc, "names", sp, as_strings, call.names);
    OPT(sc, "action", sp, as_string, call.action);
    OPT(sc, "errnoRet", sp, as_u32, call.errno_ret);
    each(sc, "args", sp, [&](const json& a, const std::string& ap) {
      SeccompArg arg;
      OPT(a, "index", ap, as_u32, arg.index);
      OPT(a, "value", ap, as_uint, arg.value);
      OPT(a, "valueTwo", ap, as_uint, arg.value_two);
      OPT(a, "op", ap, as_string, arg.op);
      call.args.push_back(arg);
    });
    s.syscalls.push_back(call);
  });
  return s;
}

Linux parse_linux(const json& j, const std::string& p) {
  Linux l;
  each(j, "namespaces", p, [&](const json& n, const std::string& np) {
    Namespace ns;
    OPT(n, "type", np, as_string, ns.type);
    OPT(n, "path", np, as_string, ns.path);
    static const char* kKnown[] = {"pid", "network", "mount", "ipc", "uts", "user", "cgroup"};
    bool known = false;
    for (const char* k : kKnown) known |= ns.type == k;
    if (!known) throw Error(sub(np, "type") + ": unknown namespace type \"" + ns.type + "\"");
    l.namespaces.push_back(ns);
  });
  l.uid_mappings = parse_id_maps(j, "uidMappings", p);
  l.gid_mappings = parse_id_maps(j, "gidMappings", p);
  each(j, "devices", p, [&](const json& d, const std::string& dp) {
    Device dev;
    OPT(d, "path", dp, as_string, dev.path);
    OPT(d, "type", dp, as_string, dev.type);
    OPT(d, "major", dp, as_int, dev.major);
    OPT(d, "minor", dp, as_int, dev.minor);
    OPT(d, "fileMode", dp, as_u32, dev.file_mode);
    OPT(d, "uid", dp, as_u32, dev.uid);
    OPT(d, "gid", dp, as_u32, dev.gid);
    l.devices.push_back(dev);
  });
  OPT(j, "cgroupsPath", p, as_string, l.cgroups_path);
  if (const json* r = member(j, "resources", p)) l.resources = parse_resources(*r, sub(p, "resources"));
  if (const json* s = member(j, "seccomp", p)) l.seccomp = parse_seccomp(*s, sub(p, "seccomp"));
  OPT(j, "sysctl", p, as_string_map, l.sysctl);
  OPT(j, "rootfsPropagation", p, as_string, l.rootfs_propagation);
  OPT(j, "maskedPaths", p, as_strings, l.masked_paths);
  OPT(j, "readonlyPaths", p, as_strings, l.readonly_paths);
  OPT(j, "mountLabel", p, as_string, l.mount_label);
  return l;
}

std::vector<Hook> parse_hooks(const json& j, const char* key, const std::string& p) {
  std::vector<Hook> out;
  each(j, key, p, [&](const json& h, const std::string& hp) {
    Hook hook;
    OPT(h, "path", hp, as_string, hook.path);
    OPT(h, "args", hp, as_strings, hook.args);
    OPT(h, "env", hp, as_strings, hook.env);
    if (const json* t = member(h, "timeout", hp)) hook.timeout = static_cast<int>(as_int(*t, sub(hp, "timeout")));
    out.push_back(hook);
  });
  return out;
}

Hooks parse_all_hooks(const json& j, const std::string& p) {
  Hooks h;
  h.prestart = parse_hooks(j, "prestart", p);
  h.create_runtime = parse_hooks(j, "createRuntime", p);
  h.create_container = parse_hooks(j, "createContainer", p);
  h.start_container = parse_hooks(j, "startContainer", p);
  h.poststart = parse_hooks(j, "poststart", p);
  h.poststop = parse_hooks(j, "poststop", p);
  return h;
}

}  // namespace

ContainerSpec spec_from_json(const json& j) {
  const std::string p;
  if (!j.is_object()) type_error("(root)", "an object", j);
  ContainerSpec s;
  OPT(j, "ociVersion", p, as_string, s.oci_version);
  if (const json* pr = member(j, "process", p)) s.process = parse_process(*pr, "process");
  if (const json* r = member(j, "root", p)) {
    OPT(*r, "path", "root", as_string, s.root.path);
    OPT(*r, "readonly", "root", as_bool, s.root.readonly);
  }
  OPT(j, "hostname", p, as_string, s.hostname);
  OPT(j, "domainname", p, as_string, s.domainname);
  each(j, "mounts", p, [&](const json& m, const std::string& mp) { s.mounts.push_back(parse_mount(m, mp)); });
  if (const json* l = member(j, "linux", p)) s.linux = parse_linux(*l, "linux");
  if (const json* h = member(j, "hooks", p)) s.hooks = parse_all_hooks(*h, "hooks");
  OPT(j, "annotations", p, as_string_map, s.annotations);
  return s;
}

namespace {

json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw os_error("open", path, errno);
  try {
    return json::parse(in);
  } catch (const json::parse_error& e) {
    throw Error(path + ": invalid JSON: " + e.what());
  }
}

}  // namespace

ContainerSpec load_config(const std::string& path) {
  json j = read_json_file(path);
  try {
    return spec_from_json(j);
  } catch (const Error& e) {
    throw e.with_context(path);
  }
}

Process process_from_json(const json& j) {
  if (!j.is_object()) type_error("(root)", "an object", j);
  return parse_process(j, "");
}

Process load_process(const std::string& path) {
  json j = read_json_file(path);
  try {
    return process_from_json(j);
  } catch (const Error& e) {
    throw e.with_context(path);
  }
}

}  // namespace boxrt
