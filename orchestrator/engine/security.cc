#include "engine/security.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "boxrt/oci_config.h"
#include "engine/error.h"

namespace engine {
namespace {

std::string upper(std::string_view s) {
  std::string out;
  for (char c : s)
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (!contains(v, s)) v.push_back(s);
}

std::vector<std::string> normalize_all(const std::vector<std::string>& names, const char* key) {
  std::vector<std::string> out;
  for (const auto& n : names) {
    try {
      add_unique(out, normalize_capability(n));
    } catch (const Error& e) {
      throw e.with_context(key);
    }
  }
  return out;
}

// "no-new-privileges", "no-new-privileges:true", "seccomp=unconfined", "label:disable".
// Docker splits on '=' and falls back to ':' for the legacy spelling.
std::pair<std::string, std::string> split_opt(const std::string& opt) {
  size_t eq = opt.find('=');
  if (eq != std::string::npos) return {opt.substr(0, eq), opt.substr(eq + 1)};
  size_t colon = opt.find(':');
  if (colon != std::string::npos) return {opt.substr(0, colon), opt.substr(colon + 1)};
  return {opt, ""};
}

bool parse_bool(const std::string& opt, const std::string& value) {
  if (value.empty() || value == "true" || value == "1") return true;
  if (value == "false" || value == "0") return false;
  throw Error("security_opt \"" + opt + "\": expected true or false");
}

bool is_ipc_sysctl(const std::string& key) {
  static const char* const kKeys[] = {"kernel.msgmax", "kernel.msgmnb",         "kernel.msgmni",
                                      "kernel.sem",    "kernel.shmall",         "kernel.shmmax",
                                      "kernel.shmmni", "kernel.shm_rmid_forced"};
  for (const char* k : kKeys)
    if (key == k) return true;
  return key.starts_with("fs.mqueue.");
}

}  // namespace

const std::vector<std::string>& all_capabilities() {
  static const std::vector<std::string> kAll = {"CAP_CHOWN",
                                                "CAP_DAC_OVERRIDE",
                                                "CAP_DAC_READ_SEARCH",
                                                "CAP_FOWNER",
                                                "CAP_FSETID",
                                                "CAP_KILL",
                                                "CAP_SETGID",
                                                "CAP_SETUID",
                                                "CAP_SETPCAP",
                                                "CAP_LINUX_IMMUTABLE",
                                                "CAP_NET_BIND_SERVICE",
                                                "CAP_NET_BROADCAST",
                                                "CAP_NET_ADMIN",
                                                "CAP_NET_RAW",
                                                "CAP_IPC_LOCK",
                                                "CAP_IPC_OWNER",
                                                "CAP_SYS_MODULE",
                                                "CAP_SYS_RAWIO",
                                                "CAP_SYS_CHROOT",
                                                "CAP_SYS_PTRACE",
                                                "CAP_SYS_PACCT",
                                                "CAP_SYS_ADMIN",
                                                "CAP_SYS_BOOT",
                                                "CAP_SYS_NICE",
                                                "CAP_SYS_RESOURCE",
                                                "CAP_SYS_TIME",
                                                "CAP_SYS_TTY_CONFIG",
                                                "CAP_MKNOD",
                                                "CAP_LEASE",
                                                "CAP_AUDIT_WRITE",
                                                "CAP_AUDIT_CONTROL",
                                                "CAP_SETFCAP",
                                                "CAP_MAC_OVERRIDE",
                                                "CAP_MAC_ADMIN",
                                                "CAP_SYSLOG",
                                                "CAP_WAKE_ALARM",
                                                "CAP_BLOCK_SUSPEND",
                                                "CAP_AUDIT_READ",
                                                "CAP_PERFMON",
                                                "CAP_BPF",
                                                "CAP_CHECKPOINT_RESTORE"};
  return kAll;
}

std::string normalize_capability(std::string_view name) {
  std::string cap = upper(name);
  if (cap == "ALL") return cap;
  if (!cap.starts_with("CAP_")) cap = "CAP_" + cap;
  if (!contains(all_capabilities(), cap))
    throw Error("unknown capability \"" + std::string(name) +
                "\" (expected e.g. NET_ADMIN or ALL)");
  return cap;
}

std::vector<std::string> tweak_capabilities(const std::vector<std::string>& cap_add,
                                            const std::vector<std::string>& cap_drop,
                                            bool privileged) {
  // Names are checked even when privileged makes them moot: a typo is still a typo.
  std::vector<std::string> adds = normalize_all(cap_add, "cap_add");
  std::vector<std::string> drops = normalize_all(cap_drop, "cap_drop");
  if (privileged) return all_capabilities();
  std::vector<std::string> caps;
  if (contains(adds, "ALL")) {
    for (const auto& c : all_capabilities())
      if (!contains(drops, c)) caps.push_back(c);
    return caps;
  }
  if (contains(drops, "ALL")) return adds;
  for (const auto& c : boxrt::docker_default_capabilities())
    if (!contains(drops, c)) caps.push_back(c);
  for (const auto& c : adds)
    add_unique(caps, c);
  return caps;
}

boxrt::Capabilities capability_sets(const std::vector<std::string>& caps, uid_t uid) {
  boxrt::Capabilities sets;
  sets.bounding = caps;
  if (uid == 0) {
    sets.effective = caps;
    sets.permitted = caps;
  }
  return sets;
}

SecurityOptions parse_security_opts(const std::vector<std::string>& opts,
                                    const std::string& project_dir) {
  SecurityOptions out;
  for (const std::string& opt : opts) {
    auto [key, value] = split_opt(opt);
    if (key == "no-new-privileges") {
      out.no_new_privileges = parse_bool(opt, value);
    } else if (key == "seccomp") {
      if (value.empty()) throw Error("security_opt \"" + opt + "\": missing the profile");
      if (value == "unconfined") {
        out.seccomp = SeccompMode::Unconfined;
      } else {
        std::filesystem::path p(value);
        if (p.is_relative()) p = std::filesystem::path(project_dir) / p;
        out.seccomp = SeccompMode::Profile;
        out.seccomp_profile = p.lexically_normal().string();
      }
    } else if (key == "systempaths" && value == "unconfined") {
      out.unmask_system_paths = true;
    } else if (key == "label" || key == "apparmor") {
      out.warnings.push_back("security_opt \"" + opt +
                             "\" is ignored: " + (key == "label" ? "SELinux" : "AppArmor") +
                             " is not supported by boxcompose");
    } else {
      throw Error("security_opt \"" + opt +
                  "\": unsupported (expected no-new-privileges, seccomp=unconfined, "
                  "seccomp=PROFILE.json, systempaths=unconfined, label=... or apparmor=...)");
    }
  }
  return out;
}

std::map<std::string, std::string> check_sysctls(const std::map<std::string, std::string>& sysctls,
                                                 bool own_netns, bool own_ipcns) {
  for (const auto& [key, value] : sysctls) {
    if (key.starts_with("net.")) {
      if (!own_netns)
        throw Error("sysctl \"" + key + "\" is not allowed in the host's network namespace");
    } else if (is_ipc_sysctl(key)) {
      if (!own_ipcns)
        throw Error("sysctl \"" + key + "\" is not allowed in the host's IPC namespace");
    } else {
      throw Error("sysctl \"" + key +
                  "\" is not namespaced (only net.*, kernel.msg*, kernel.sem, kernel.shm* "
                  "and fs.mqueue.* can be set per container)");
    }
  }
  return sysctls;
}

}  // namespace engine
