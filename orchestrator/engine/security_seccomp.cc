// The seccomp filter of a container: Docker's profile JSON read into boxrt::Seccomp, and
// the built-in default adjusted to the container's capabilities as Docker's default is.
#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "boximg/image_config.h"
#include "boxrt/seccomp.h"
#include "engine/error.h"
#include "engine/security.h"

namespace engine {
namespace {

using nlohmann::json;

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// libseccomp's name of GOARCH's native architecture.
std::string seccomp_arch(const std::string& goarch) {
  static const std::pair<const char*, const char*> kArches[] = {
      {"amd64", "SCMP_ARCH_X86_64"},       {"386", "SCMP_ARCH_X86"},
      {"arm64", "SCMP_ARCH_AARCH64"},      {"arm", "SCMP_ARCH_ARM"},
      {"ppc64le", "SCMP_ARCH_PPC64LE"},    {"s390x", "SCMP_ARCH_S390X"},
      {"riscv64", "SCMP_ARCH_RISCV64"},    {"mips64le", "SCMP_ARCH_MIPSEL64"},
      {"loong64", "SCMP_ARCH_LOONGARCH64"}};
  for (const auto& [go, scmp] : kArches)
    if (goarch == go) return scmp;
  return "";
}

// "6.1.0-18-amd64" >= "4.8"?
bool kernel_at_least(const std::string& release, const std::string& min) {
  int rmaj = 0, rmin = 0, mmaj = 0, mmin = 0;
  if (std::sscanf(min.c_str(), "%d.%d", &mmaj, &mmin) < 1)
    throw Error("minKernel \"" + min + "\": expected MAJOR.MINOR");
  std::sscanf(release.c_str(), "%d.%d", &rmaj, &rmin);
  return rmaj != mmaj ? rmaj > mmaj : rmin >= mmin;
}

std::vector<std::string> strings(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return {};
  return j[key].get<std::vector<std::string>>();
}

struct Host {
  const std::vector<std::string>& caps;
  const std::string& goarch;
  const std::string& release;
};

// Docker's includes/excludes: a rule applies only on matching arches, with all the
// included capabilities, none of the excluded ones, and a recent enough kernel.
bool applies(const json& rule, const Host& host) {
  if (rule.contains("excludes") && !rule["excludes"].is_null()) {
    const json& ex = rule["excludes"];
    if (contains(strings(ex, "arches"), host.goarch)) return false;
    for (const auto& c : strings(ex, "caps"))
      if (contains(host.caps, c)) return false;
    if (ex.contains("minKernel") && !ex["minKernel"].is_null() &&
        kernel_at_least(host.release, ex["minKernel"].get<std::string>()))
      return false;
  }
  if (rule.contains("includes") && !rule["includes"].is_null()) {
    const json& in = rule["includes"];
    auto arches = strings(in, "arches");
    if (!arches.empty() && !contains(arches, host.goarch)) return false;
    for (const auto& c : strings(in, "caps"))
      if (!contains(host.caps, c)) return false;
    if (in.contains("minKernel") && !in["minKernel"].is_null() &&
        !kernel_at_least(host.release, in["minKernel"].get<std::string>()))
      return false;
  }
  return true;
}

boxrt::SeccompSyscall syscall_rule(const json& rule) {
  boxrt::SeccompSyscall sc;
  std::string name = rule.value("name", "");
  sc.names = strings(rule, "names");
  if (!name.empty()) {
    if (!sc.names.empty()) throw Error("both \"name\" and \"names\" are set; use one");
    sc.names.push_back(name);
  }
  if (sc.names.empty()) throw Error("a rule without \"names\"");
  sc.action = rule.at("action").get<std::string>();
  if (rule.contains("errnoRet") && !rule["errnoRet"].is_null())
    sc.errno_ret = rule["errnoRet"].get<unsigned>();
  if (rule.contains("args") && !rule["args"].is_null()) {
    for (const json& a : rule["args"])
      sc.args.push_back({a.at("index").get<unsigned>(), a.value("value", uint64_t{0}),
                         a.value("valueTwo", uint64_t{0}), a.at("op").get<std::string>()});
  }
  return sc;
}

std::vector<std::string> architectures(const json& profile, const std::string& goarch) {
  std::vector<std::string> out = strings(profile, "architectures");
  if (!profile.contains("archMap") || profile["archMap"].is_null()) return out;
  if (!out.empty()) throw Error("both \"architectures\" and \"archMap\" are set; use one");
  std::string native = seccomp_arch(goarch);
  for (const json& m : profile["archMap"]) {
    if (m.at("architecture").get<std::string>() != native) continue;
    out.push_back(native);
    for (const auto& sub : strings(m, "subArchitectures"))
      out.push_back(sub);
  }
  return out;
}

std::string kernel_release() {
  struct utsname u;
  if (uname(&u) < 0) return "0.0";
  return u.release;
}

// What Docker's default profile allows to a container holding each capability.
const std::vector<std::pair<const char*, std::vector<std::string>>>& granted_by_capability() {
  static const std::vector<std::pair<const char*, std::vector<std::string>>> kTable = {
      {"CAP_DAC_READ_SEARCH", {"open_by_handle_at"}},
      {"CAP_SYS_ADMIN",
       {"bpf", "fsconfig", "fsmount", "fsopen", "fspick", "lookup_dcookie", "mount",
        "mount_setattr", "move_mount", "name_to_handle_at", "open_tree", "perf_event_open",
        "quotactl", "setns", "syslog", "umount", "umount2", "unshare"}},
      {"CAP_SYS_BOOT", {"reboot"}},
      {"CAP_SYS_MODULE", {"delete_module", "init_module", "finit_module"}},
      {"CAP_SYS_PACCT", {"acct"}},
      {"CAP_SYS_PTRACE", {"kcmp", "process_vm_readv", "process_vm_writev", "ptrace"}},
      {"CAP_SYS_RAWIO", {"iopl", "ioperm"}},
      {"CAP_SYS_TIME", {"settimeofday", "stime", "clock_settime", "clock_adjtime"}},
      {"CAP_SYS_NICE", {"get_mempolicy", "mbind", "set_mempolicy"}},
      {"CAP_SYSLOG", {"syslog"}},
      {"CAP_BPF", {"bpf"}},
      {"CAP_PERFMON", {"perf_event_open"}},
  };
  return kTable;
}

}  // namespace

boxrt::Seccomp seccomp_from_docker_profile(const json& profile,
                                           const std::vector<std::string>& caps,
                                           const std::string& goarch, const std::string& release) {
  if (!profile.is_object()) throw Error("expected a JSON object");
  Host host{caps, goarch, release};
  boxrt::Seccomp out;
  try {
    out.default_action = profile.at("defaultAction").get<std::string>();
    if (profile.contains("defaultErrnoRet") && !profile["defaultErrnoRet"].is_null())
      out.default_errno_ret = profile["defaultErrnoRet"].get<unsigned>();
    out.architectures = architectures(profile, goarch);
    out.flags = strings(profile, "flags");
    if (profile.contains("syscalls") && !profile["syscalls"].is_null()) {
      const json& rules = profile["syscalls"];
      for (size_t i = 0; i < rules.size(); ++i) {
        try {
          if (applies(rules[i], host)) out.syscalls.push_back(syscall_rule(rules[i]));
        } catch (const Error& e) {
          throw e.with_context("syscalls[" + std::to_string(i) + "]");
        }
      }
    }
  } catch (const json::exception& e) {
    throw Error(std::string("invalid profile: ") + e.what());
  }
  try {
    boxrt::validate_seccomp(out);
  } catch (const boxrt::Error& e) {
    throw Error(e.what());
  }
  return out;
}

boxrt::Seccomp load_seccomp_profile(const std::string& path, const std::vector<std::string>& caps) {
  const std::string context = "seccomp profile " + path;
  std::ifstream in(path);
  if (!in) throw Error::sys("open", context, errno);
  std::stringstream text;
  text << in.rdbuf();
  json profile = json::parse(text.str(), nullptr, false);
  if (profile.is_discarded()) throw Error(context + ": not valid JSON");
  try {
    return seccomp_from_docker_profile(profile, caps, image::host_architecture(), kernel_release());
  } catch (const Error& e) {
    throw e.with_context(context);
  }
}

boxrt::Seccomp default_seccomp_for(const std::vector<std::string>& caps) {
  boxrt::Seccomp profile = boxrt::default_seccomp_profile();
  std::vector<std::string> allowed;
  for (const auto& [cap, names] : granted_by_capability())
    if (contains(caps, cap)) allowed.insert(allowed.end(), names.begin(), names.end());
  bool sys_admin = contains(caps, "CAP_SYS_ADMIN");
  std::vector<boxrt::SeccompSyscall> kept;
  for (auto& rule : profile.syscalls) {
    if (rule.action != "SCMP_ACT_ERRNO") {
      kept.push_back(std::move(rule));
      continue;
    }
    // clone with namespace flags and clone3 (ENOSYS) are denied only without CAP_SYS_ADMIN.
    bool clone_rule = contains(rule.names, "clone") || contains(rule.names, "clone3");
    if (clone_rule && sys_admin) continue;
    std::erase_if(rule.names, [&](const std::string& n) { return contains(allowed, n); });
    if (!rule.names.empty()) kept.push_back(std::move(rule));
  }
  profile.syscalls = std::move(kept);
  return profile;
}

}  // namespace engine
