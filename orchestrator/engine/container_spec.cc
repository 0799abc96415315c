// build_container_plan: the steps in order, each concern in its own file (command.cc,
// env.cc, user_db.cc, limits.cc, security.cc, security_seccomp.cc).
#include "engine/container_spec.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>

#include "boxrt/oci_config.h"
#include "engine/command.h"
#include "engine/config_hash.h"
#include "engine/env.h"
#include "engine/error.h"
#include "engine/limits.h"
#include "engine/security.h"
#include "engine/user_db.h"

namespace engine {
namespace {

bool is_host(const std::string& mode) {
  return mode == NamespacePlan::kHost;
}

std::string host_name() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (gethostname(buf, sizeof buf - 1) < 0) throw Error::sys("gethostname", "", errno);
  return buf;
}

// Docker: `hostname`, else the short container id; with the host's network, the host's
// name (the container still gets its own UTS namespace carrying it).
std::string pick_hostname(const SpecInputs& in) {
  if (!in.service->hostname.empty()) return in.service->hostname;
  if (is_host(in.namespaces.network) || is_host(in.namespaces.uts)) return host_name();
  return in.container_id.substr(0, 12);
}

// pid, network, ipc and uts from the engine's plan ("" new, kHost none, else a path to
// join), then a new mount and cgroup namespace (Docker's private cgroupns on v2).
std::vector<boxrt::Namespace> namespaces(const NamespacePlan& plan) {
  std::vector<boxrt::Namespace> out;
  for (const auto& [type, mode] : {std::pair{"pid", &plan.pid}, std::pair{"network", &plan.network},
                                   std::pair{"ipc", &plan.ipc}, std::pair{"uts", &plan.uts}}) {
    if (!is_host(*mode)) out.push_back({type, *mode});
  }
  out.push_back({"mount", ""});
  out.push_back({"cgroup", ""});
  return out;
}

void drop_option(boxrt::Mount& m, const std::string& option) {
  std::erase(m.options, option);
}

// default_spec's /proc, /dev, /dev/pts, /dev/shm, /dev/mqueue, /sys and /sys/fs/cgroup,
// with /dev/shm sized by shm_size (or the host's, with ipc: host) and /sys writable when
// privileged.
std::vector<boxrt::Mount> system_mounts(const compose::Service& s, const NamespacePlan& plan) {
  std::vector<boxrt::Mount> mounts = boxrt::default_spec().mounts;
  int64_t shm = s.shm_size && *s.shm_size > 0 ? *s.shm_size : kDefaultShmSize;
  for (auto& m : mounts) {
    if (m.destination == "/dev/shm") {
      if (is_host(plan.ipc)) {
        m = {"/dev/shm", "bind", "/dev/shm", {"rbind", "nosuid", "noexec", "nodev"}};
        continue;
      }
      std::erase_if(m.options, [](const std::string& o) { return o.starts_with("size="); });
      m.options.push_back("size=" + std::to_string(shm));
    } else if (s.privileged && (m.destination == "/sys" || m.destination == "/sys/fs/cgroup")) {
      drop_option(m, "ro");
    }
  }
  return mounts;
}

void set_command(const SpecInputs& in, boxrt::ContainerSpec& spec) {
  spec.process.args = resolve_args(*in.service, *in.image);
  if (!in.service->init.value_or(false)) return;
  if (in.init_binary.empty())
    throw Error("init: true needs boxcompose's init binary, and none was found");
  spec.process.args.insert(spec.process.args.begin(), {kInitPath, "--"});
}

void set_user_and_env(const SpecInputs& in, const std::string& hostname,
                      boxrt::ContainerSpec& spec) {
  const compose::Service& s = *in.service;
  const std::string& user = s.user.empty() ? in.image->user : s.user;
  ResolvedUser u = resolve_user(user, s.group_add, load_user_db(in.rootfs));
  spec.process.user.uid = u.uid;
  spec.process.user.gid = u.gid;
  spec.process.user.additional_gids = u.additional_gids;
  spec.process.env = build_env(in.image->env, s.environment, hostname, u.home);
  std::string cwd = !s.working_dir.empty() ? s.working_dir : in.image->working_dir;
  if (cwd.empty()) cwd = "/";
  if (cwd.front() != '/') cwd = "/" + cwd;  // Docker resolves a relative WORKDIR from /
  spec.process.cwd = cwd;
}

void set_security(const SpecInputs& in, boxrt::ContainerSpec& spec,
                  std::vector<std::string>& warnings) {
  const compose::Service& s = *in.service;
  std::vector<std::string> caps = tweak_capabilities(s.cap_add, s.cap_drop, s.privileged);
  spec.process.capabilities = capability_sets(caps, spec.process.user.uid);
  SecurityOptions opts = parse_security_opts(s.security_opt, in.project->working_dir);
  warnings.insert(warnings.end(), opts.warnings.begin(), opts.warnings.end());
  spec.process.no_new_privileges = opts.no_new_privileges;
  if (s.privileged || opts.seccomp == SeccompMode::Unconfined)
    spec.linux.seccomp.reset();
  else if (opts.seccomp == SeccompMode::Profile)
    spec.linux.seccomp = load_seccomp_profile(opts.seccomp_profile, caps);
  else
    spec.linux.seccomp = default_seccomp_for(caps);
  if (s.privileged || opts.unmask_system_paths) {
    spec.linux.masked_paths.clear();
    spec.linux.readonly_paths.clear();
  }
}

void set_limits(const SpecInputs& in, boxrt::ContainerSpec& spec,
                std::vector<std::string>& warnings) {
  const compose::Service& s = *in.service;
  spec.linux.resources = build_resources(s, warnings);
  if (s.privileged)
    spec.linux.resources->devices = {{true, "a", std::nullopt, std::nullopt, "rwm"}};
  spec.process.rlimits = build_rlimits(s.ulimits);
  spec.process.oom_score_adj = check_oom_score_adj(s.oom_score_adj);
  spec.linux.sysctl =
      check_sysctls(s.sysctls, !is_host(in.namespaces.network), !is_host(in.namespaces.ipc));
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& x : v)
    out += (out.empty() ? "" : sep) + x;
  return out;
}

// Image labels, then the service's labels and annotations, then Docker Compose's own.
std::map<std::string, std::string> annotations(const SpecInputs& in) {
  const compose::Service& s = *in.service;
  std::map<std::string, std::string> out = in.image->labels;
  for (const auto& [k, v] : s.labels)
    out[k] = v;
  for (const auto& [k, v] : s.annotations)
    out[k] = v;
  out["com.docker.compose.project"] = in.project->name;
  out["com.docker.compose.service"] = s.name;
  out["com.docker.compose.container-number"] = std::to_string(in.container_number);
  out["com.docker.compose.oneoff"] = "False";
  out["com.docker.compose.project.working_dir"] = in.project->working_dir;
  out["com.docker.compose.project.config_files"] = join(in.project->files, ",");
  if (!in.image_id.empty()) {
    out["com.docker.compose.image"] = in.image_id;
    out["com.docker.compose.config-hash"] = config_hash(s, in.image_id);
  }
  return out;
}

std::string privileged_warning() {
  return "privileged: true gives the container every capability, no seccomp filter, no "
         "masked or read-only /proc and /sys paths, a writable /sys and /sys/fs/cgroup, and "
         "every device in its device cgroup: it can do almost anything root on this host can. "
         "Unlike Docker, boxcompose does NOT pass the host's devices through into its /dev "
         "(only the default nodes are there).";
}

ContainerPlan build(const SpecInputs& in) {
  const compose::Service& s = *in.service;
  if (!s.userns_mode.empty() && s.userns_mode != "host")
    throw Error("userns_mode \"" + s.userns_mode + "\" is not supported (only \"host\")");
  if (!s.hostname.empty() && is_host(in.namespaces.uts))
    throw Error("hostname cannot be set together with uts: host");
  ContainerPlan plan;
  boxrt::ContainerSpec& spec = plan.spec;
  spec = boxrt::default_spec();
  spec.process.rlimits.clear();  // inherited unless `ulimits` says otherwise
  spec.root = {in.rootfs.string(), s.read_only};
  std::string hostname = pick_hostname(in);
  if (!is_host(in.namespaces.uts)) {
    spec.hostname = hostname;
    spec.domainname = s.domainname;
  } else {
    spec.hostname.clear();  // the host's UTS namespace: nothing to set
  }
  set_command(in, spec);
  set_user_and_env(in, hostname, spec);
  set_security(in, spec, plan.warnings);
  set_limits(in, spec, plan.warnings);
  spec.linux.namespaces = namespaces(in.namespaces);
  spec.mounts = system_mounts(s, in.namespaces);
  spec.mounts.insert(spec.mounts.end(), in.mounts.begin(), in.mounts.end());
  if (s.init.value_or(false))
    spec.mounts.push_back({kInitPath, "bind", in.init_binary, {"bind", "ro", "nosuid", "nodev"}});
  spec.linux.cgroups_path = in.cgroups_path;
  spec.annotations = annotations(in);
  // tty: the engine has no console to hand the container yet, so terminal stays false;
  // stdin_open has nothing to attach to either.
  spec.process.terminal = false;
  std::string signal = !s.stop_signal.empty() ? s.stop_signal : in.image->stop_signal;
  try {
    plan.stop_signal = signal.empty() ? SIGTERM : parse_signal(signal);
  } catch (const Error& e) {
    throw e.with_context(s.stop_signal.empty() ? "the image's STOPSIGNAL" : "stop_signal");
  }
  if (s.stop_grace_period) plan.stop_grace = *s.stop_grace_period;
  if (s.privileged) plan.warnings.push_back(privileged_warning());
  return plan;
}

}  // namespace

ContainerPlan build_container_plan(const SpecInputs& in) {
  if (!in.project || !in.service || !in.image)
    throw Error("build_container_plan: project, service and image are required");
  const std::string context = "service " + in.service->name;
  try {
    ContainerPlan plan = build(in);
    for (auto& w : plan.warnings)
      w = context + ": " + w;
    return plan;
  } catch (const Error& e) {
    throw e.with_context(context);
  }
}

}  // namespace engine
