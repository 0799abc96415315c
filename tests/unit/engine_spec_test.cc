// build_container_plan: a compose service over an image config, on a temporary rootfs, to
// the runtime's ContainerSpec with Docker's semantics.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <climits>
#include <csignal>
#include <filesystem>
#include <fstream>

#include "boxrt/oci_config.h"
#include "engine/config_hash.h"
#include "engine/container_spec.h"
#include "engine/error.h"

namespace engine {
namespace {

namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

const std::string kId = "0123456789ab" + std::string(52, 'c');
constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

class EngineSpec : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/engine-spec-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    rootfs_ = dir_ / "rootfs";
    fs::create_directories(rootfs_ / "etc");
    std::ofstream(rootfs_ / "etc/passwd") << "root:x:0:0:root:/root:/bin/sh\n"
                                             "app:x:1000:1000::/home/app:/bin/sh\n";
    std::ofstream(rootfs_ / "etc/group") << "root:x:0:\nwheel:x:10:root\nstaff:x:50:app\n";
    project_.name = "proj";
    project_.working_dir = dir_.string();
    project_.files = {dir_.string() + "/compose.yaml"};
    service_.name = "web";
    image_.cmd = {"/bin/server"};
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  SpecInputs inputs() {
    SpecInputs in;
    in.project = &project_;
    in.service = &service_;
    in.image = &image_;
    in.container_name = "proj-web-1";
    in.container_id = kId;
    in.rootfs = rootfs_;
    in.cgroups_path = "/boxcompose/proj/proj-web-1";
    in.init_binary = "/usr/lib/boxcompose/init";
    return in;
  }
  ContainerPlan plan() { return build_container_plan(inputs()); }
  boxrt::Resources resources() { return plan().spec.linux.resources.value(); }
  boxrt::MemoryResources memory() { return resources().memory.value(); }
  ContainerPlan plan(const SpecInputs& in) { return build_container_plan(in); }
  std::string error_of(const SpecInputs& in) {
    try {
      build_container_plan(in);
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  }
  std::string error() { return error_of(inputs()); }
  const boxrt::Mount* mount(const boxrt::ContainerSpec& spec, const std::string& dest) {
    for (const auto& m : spec.mounts)
      if (m.destination == dest) return &m;
    return nullptr;
  }

  fs::path dir_;
  fs::path rootfs_;
  compose::Project project_;
  compose::Service service_;
  image::ImageConfig image_;
};

// ---- command and entrypoint ----

TEST_F(EngineSpec, ImageEntrypointAndCmd) {
  image_.entrypoint = {"/entry.sh"};
  image_.cmd = {"nginx", "-g", "daemon off;"};
  EXPECT_EQ(plan().spec.process.args, (Strings{"/entry.sh", "nginx", "-g", "daemon off;"}));
}

TEST_F(EngineSpec, CommandReplacesCmdKeepsEntrypoint) {
  image_.entrypoint = {"/entry.sh"};
  image_.cmd = {"nginx"};
  service_.command = Strings{"sleep", "infinity"};
  EXPECT_EQ(plan().spec.process.args, (Strings{"/entry.sh", "sleep", "infinity"}));
}

TEST_F(EngineSpec, EntrypointResetsImageCmd) {
  image_.entrypoint = {"/entry.sh"};
  image_.cmd = {"nginx"};
  service_.entrypoint = Strings{"/bin/sh", "-c", "echo hi"};
  EXPECT_EQ(plan().spec.process.args, (Strings{"/bin/sh", "-c", "echo hi"}));
}

TEST_F(EngineSpec, EntrypointAndCommand) {
  image_.entrypoint = {"/entry.sh"};
  service_.entrypoint = Strings{"/bin/sh", "-c"};
  service_.command = Strings{"echo hi"};
  EXPECT_EQ(plan().spec.process.args, (Strings{"/bin/sh", "-c", "echo hi"}));
}

TEST_F(EngineSpec, EmptyEntrypointDropsImageEntrypointKeepsCmd) {
  image_.entrypoint = {"/entry.sh"};
  image_.cmd = {"nginx"};
  service_.entrypoint = Strings{};
  EXPECT_EQ(plan().spec.process.args, (Strings{"nginx"}));
}

TEST_F(EngineSpec, EmptyCommandClearsImageCmd) {
  image_.entrypoint = {"/entry.sh"};
  image_.cmd = {"nginx"};
  service_.command = Strings{};
  EXPECT_EQ(plan().spec.process.args, (Strings{"/entry.sh"}));
}

TEST_F(EngineSpec, NoCommandAtAll) {
  image_.cmd.clear();
  EXPECT_EQ(error(), "service web: no command specified");
  image_.cmd = {"x"};
  service_.entrypoint = Strings{};
  service_.command = Strings{};
  EXPECT_EQ(error(), "service web: no command specified");
}

TEST_F(EngineSpec, InitWrapsTheCommandAndMountsTheBinaryLast) {
  service_.init = true;
  SpecInputs in = inputs();
  in.mounts = {{"/data", "bind", "/srv/data", {"rbind"}}};
  ContainerPlan p = plan(in);
  EXPECT_EQ(p.spec.process.args, (Strings{"/sbin/boxcompose-init", "--", "/bin/server"}));
  ASSERT_FALSE(p.spec.mounts.empty());
  const boxrt::Mount& m = p.spec.mounts.back();
  EXPECT_EQ(m.destination, "/sbin/boxcompose-init");
  EXPECT_EQ(m.type, "bind");
  EXPECT_EQ(m.source, "/usr/lib/boxcompose/init");
  EXPECT_EQ(m.options, (Strings{"bind", "ro", "nosuid", "nodev"}));
  in.init_binary.clear();
  EXPECT_EQ(error_of(in),
            "service web: init: true needs boxcompose's init binary, and none was found");
}

TEST_F(EngineSpec, InitFalseChangesNothing) {
  service_.init = false;
  ContainerPlan p = plan();
  EXPECT_EQ(p.spec.process.args, (Strings{"/bin/server"}));
  EXPECT_EQ(mount(p.spec, "/sbin/boxcompose-init"), nullptr);
}

// ---- stop signal and grace period ----

TEST_F(EngineSpec, StopSignalDefaultsAndGrace) {
  ContainerPlan p = plan();
  EXPECT_EQ(p.stop_signal, SIGTERM);
  EXPECT_EQ(p.stop_grace, std::chrono::seconds(10));
}

TEST_F(EngineSpec, StopSignalFromImageThenService) {
  image_.stop_signal = "SIGQUIT";
  EXPECT_EQ(plan().stop_signal, SIGQUIT);
  for (const char* text : {"SIGUSR1", "USR1", "usr1", "10"}) {
    service_.stop_signal = text;
    EXPECT_EQ(plan().stop_signal, SIGUSR1) << text;
  }
  service_.stop_signal = "SIGRTMIN+2";
  EXPECT_EQ(plan().stop_signal, 36);
  service_.stop_signal = "RTMAX-1";
  EXPECT_EQ(plan().stop_signal, 63);
  service_.stop_grace_period = std::chrono::seconds(3);
  EXPECT_EQ(plan().stop_grace, std::chrono::seconds(3));
}

TEST_F(EngineSpec, UnknownStopSignal) {
  service_.stop_signal = "SIGFOO";
  EXPECT_EQ(error(),
            "service web: stop_signal: unknown signal \"SIGFOO\" (expected e.g. SIGTERM, TERM or "
            "15)");
  service_.stop_signal = "0";
  EXPECT_EQ(error(), "service web: stop_signal: unknown signal \"0\" (valid numbers: 1-64)");
  service_.stop_signal = "";
  image_.stop_signal = "65";
  EXPECT_EQ(error(),
            "service web: the image's STOPSIGNAL: unknown signal \"65\" (valid numbers: 1-64)");
}

// ---- environment ----

TEST_F(EngineSpec, EnvironmentOrderAndPrecedence) {
  image_.env = {"PATH=/opt/bin:/bin", "A=1", "B=2"};
  service_.environment = {{"B", "3"}, {"Z", "26"}, {"C", "4"}, {"UNSET", std::nullopt}};
  EXPECT_EQ(plan().spec.process.env, (Strings{"PATH=/opt/bin:/bin", "HOSTNAME=0123456789ab", "A=1",
                                              "B=3", "C=4", "Z=26", "HOME=/root"}));
}

TEST_F(EngineSpec, EnvironmentDefaults) {
  EXPECT_EQ(plan().spec.process.env,
            (Strings{std::string("PATH=") + kDefaultPath, "HOSTNAME=0123456789ab", "HOME=/root"}));
}

TEST_F(EngineSpec, EnvironmentOverridesHostnameAndHome) {
  service_.user = "app";
  service_.environment = {{"HOME", "/srv"}, {"HOSTNAME", "mine"}, {"EMPTY", ""}};
  EXPECT_EQ(plan().spec.process.env,
            (Strings{std::string("PATH=") + kDefaultPath, "HOSTNAME=mine", "EMPTY=", "HOME=/srv"}));
}

TEST_F(EngineSpec, HomeFromThePasswdEntry) {
  service_.user = "app";
  EXPECT_EQ(plan().spec.process.env.back(), "HOME=/home/app");
  service_.user = "4242";
  EXPECT_EQ(plan().spec.process.env.back(), "HOME=/");
}

// ---- user ----

TEST_F(EngineSpec, DefaultUserIsRootWithGroups) {
  ContainerPlan p = plan();
  const boxrt::User& u = p.spec.process.user;
  EXPECT_EQ(u.uid, 0u);
  EXPECT_EQ(u.gid, 0u);
  EXPECT_EQ(u.additional_gids, (std::vector<gid_t>{10}));
}

TEST_F(EngineSpec, ImageUserWhenServiceSetsNone) {
  image_.user = "app";
  boxrt::User u = plan().spec.process.user;
  EXPECT_EQ(u.uid, 1000u);
  EXPECT_EQ(u.gid, 1000u);
  EXPECT_EQ(u.additional_gids, (std::vector<gid_t>{50}));
  service_.user = "4242:4343";
  service_.group_add = {"wheel", "7"};
  u = plan().spec.process.user;
  EXPECT_EQ(u.uid, 4242u);
  EXPECT_EQ(u.gid, 4343u);
  EXPECT_EQ(u.additional_gids, (std::vector<gid_t>{10, 7}));
}

TEST_F(EngineSpec, UnknownUserNamesTheService) {
  service_.user = "bob";
  EXPECT_EQ(error(), "service web: user \"bob\": no such user in the image's /etc/passwd");
}

// ---- working dir, hostname, domainname, root ----

TEST_F(EngineSpec, WorkingDir) {
  EXPECT_EQ(plan().spec.process.cwd, "/");
  image_.working_dir = "/app";
  EXPECT_EQ(plan().spec.process.cwd, "/app");
  service_.working_dir = "/srv";
  EXPECT_EQ(plan().spec.process.cwd, "/srv");
}

TEST_F(EngineSpec, HostnameAndDomainname) {
  ContainerPlan p = plan();
  EXPECT_EQ(p.spec.hostname, "0123456789ab");
  EXPECT_EQ(p.spec.domainname, "");
  service_.hostname = "db";
  service_.domainname = "example.com";
  p = plan();
  EXPECT_EQ(p.spec.hostname, "db");
  EXPECT_EQ(p.spec.domainname, "example.com");
}

TEST_F(EngineSpec, HostNetworkUsesTheHostsName) {
  char buf[HOST_NAME_MAX + 1] = {};
  ASSERT_EQ(gethostname(buf, sizeof buf - 1), 0);
  SpecInputs in = inputs();
  in.namespaces.network = NamespacePlan::kHost;
  ContainerPlan p = plan(in);
  EXPECT_EQ(p.spec.hostname, buf);
  EXPECT_EQ(p.spec.process.env[1], std::string("HOSTNAME=") + buf);
}

TEST_F(EngineSpec, HostUtsSetsNoHostnameAndRefusesOne) {
  SpecInputs in = inputs();
  in.namespaces.uts = NamespacePlan::kHost;
  EXPECT_EQ(plan(in).spec.hostname, "");
  EXPECT_EQ(plan(in).spec.find_namespace("uts"), nullptr);
  service_.hostname = "x";
  EXPECT_EQ(error_of(in), "service web: hostname cannot be set together with uts: host");
}

TEST_F(EngineSpec, RootAndReadOnly) {
  ContainerPlan p = plan();
  EXPECT_EQ(p.spec.root.path, rootfs_.string());
  EXPECT_FALSE(p.spec.root.readonly);
  service_.read_only = true;
  EXPECT_TRUE(plan().spec.root.readonly);
}

// ---- namespaces ----

TEST_F(EngineSpec, NewNamespacesByDefault) {
  ContainerPlan p = plan();
  Strings types;
  for (const auto& ns : p.spec.linux.namespaces) {
    types.push_back(ns.type);
    EXPECT_EQ(ns.path, "") << ns.type;
  }
  EXPECT_EQ(types, (Strings{"pid", "network", "ipc", "uts", "mount", "cgroup"}));
}

TEST_F(EngineSpec, JoinedAndHostNamespaces) {
  SpecInputs in = inputs();
  in.namespaces.network = "/proc/42/ns/net";
  in.namespaces.pid = NamespacePlan::kHost;
  in.namespaces.ipc = "/proc/42/ns/ipc";
  ContainerPlan p = plan(in);
  ASSERT_NE(p.spec.find_namespace("network"), nullptr);
  EXPECT_EQ(p.spec.find_namespace("network")->path, "/proc/42/ns/net");
  EXPECT_EQ(p.spec.find_namespace("ipc")->path, "/proc/42/ns/ipc");
  EXPECT_EQ(p.spec.find_namespace("pid"), nullptr);
  EXPECT_NE(p.spec.find_namespace("mount"), nullptr);
  EXPECT_NE(p.spec.find_namespace("cgroup"), nullptr);
  in.namespaces.network = NamespacePlan::kHost;
  EXPECT_EQ(plan(in).spec.find_namespace("network"), nullptr);
}

TEST_F(EngineSpec, UsernsMode) {
  service_.userns_mode = "host";
  EXPECT_NO_THROW(plan());
  service_.userns_mode = "private";
  EXPECT_EQ(error(), "service web: userns_mode \"private\" is not supported (only \"host\")");
}

// ---- mounts ----

TEST_F(EngineSpec, SystemMountsThenTheEnginesInOrder) {
  SpecInputs in = inputs();
  in.mounts = {{"/data", "bind", "/srv/data", {"rbind", "ro"}},
               {"/etc/hosts", "bind", "/run/x/hosts", {"rbind"}}};
  ContainerPlan p = plan(in);
  Strings dests;
  for (const auto& m : p.spec.mounts)
    dests.push_back(m.destination);
  EXPECT_EQ(dests, (Strings{"/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys",
                            "/sys/fs/cgroup", "/data", "/etc/hosts"}));
  EXPECT_EQ(p.spec.mounts[7].options, (Strings{"rbind", "ro"}));
  EXPECT_EQ(mount(p.spec, "/sys")->options, (Strings{"nosuid", "noexec", "nodev", "ro"}));
}

TEST_F(EngineSpec, ShmSize) {
  EXPECT_EQ(mount(plan().spec, "/dev/shm")->options,
            (Strings{"nosuid", "noexec", "nodev", "mode=1777", "size=67108864"}));
  service_.shm_size = 128 << 20;
  EXPECT_EQ(mount(plan().spec, "/dev/shm")->options,
            (Strings{"nosuid", "noexec", "nodev", "mode=1777", "size=134217728"}));
}

TEST_F(EngineSpec, HostIpcBindsTheHostsShm) {
  SpecInputs in = inputs();
  in.namespaces.ipc = NamespacePlan::kHost;
  ContainerPlan p = plan(in);
  const boxrt::Mount* shm = mount(p.spec, "/dev/shm");
  ASSERT_NE(shm, nullptr);
  EXPECT_EQ(shm->type, "bind");
  EXPECT_EQ(shm->source, "/dev/shm");
}

TEST_F(EngineSpec, MaskedAndReadonlyPathsAreDockers) {
  ContainerPlan p = plan();
  boxrt::ContainerSpec d = boxrt::default_spec();
  EXPECT_EQ(p.spec.linux.masked_paths, d.linux.masked_paths);
  EXPECT_EQ(p.spec.linux.readonly_paths, d.linux.readonly_paths);
  EXPECT_FALSE(p.spec.linux.masked_paths.empty());
  service_.security_opt = {"systempaths=unconfined"};
  p = plan();
  EXPECT_TRUE(p.spec.linux.masked_paths.empty());
  EXPECT_TRUE(p.spec.linux.readonly_paths.empty());
}

// ---- privileged ----

TEST_F(EngineSpec, PrivilegedGrantsEverythingButDevicesAndWarns) {
  service_.privileged = true;
  service_.cap_drop = {"ALL"};
  ContainerPlan p = plan();
  ASSERT_TRUE(p.spec.process.capabilities.has_value());
  EXPECT_EQ(p.spec.process.capabilities->bounding.size(), 41u);
  EXPECT_EQ(p.spec.process.capabilities->effective.size(), 41u);
  EXPECT_FALSE(p.spec.linux.seccomp.has_value());
  EXPECT_TRUE(p.spec.linux.masked_paths.empty());
  EXPECT_TRUE(p.spec.linux.readonly_paths.empty());
  EXPECT_EQ(mount(p.spec, "/sys")->options, (Strings{"nosuid", "noexec", "nodev"}));
  EXPECT_EQ(mount(p.spec, "/sys/fs/cgroup")->options,
            (Strings{"nosuid", "noexec", "nodev", "relatime"}));
  ASSERT_EQ(p.spec.linux.resources->devices.size(), 1u);
  EXPECT_TRUE(p.spec.linux.resources->devices[0].allow);
  EXPECT_EQ(p.spec.linux.resources->devices[0].type, "a");
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_TRUE(
      p.warnings[0].starts_with("service web: privileged: true gives the container every "
                                "capability, no seccomp filter"))
      << p.warnings[0];
  EXPECT_NE(p.warnings[0].find("does NOT pass the host's devices"), std::string::npos);
}

// ---- capabilities ----

TEST_F(EngineSpec, DockerDefaultCapabilitiesForRoot) {
  ContainerPlan p = plan();
  const boxrt::Capabilities& c = *p.spec.process.capabilities;
  EXPECT_EQ(c.bounding, boxrt::docker_default_capabilities());
  EXPECT_EQ(c.effective, c.bounding);
  EXPECT_EQ(c.permitted, c.bounding);
  EXPECT_TRUE(c.inheritable.empty());
  EXPECT_TRUE(c.ambient.empty());
}

TEST_F(EngineSpec, NonRootGetsBoundingOnly) {
  service_.user = "app";
  ContainerPlan p = plan();
  const boxrt::Capabilities& c = *p.spec.process.capabilities;
  EXPECT_EQ(c.bounding, boxrt::docker_default_capabilities());
  EXPECT_TRUE(c.effective.empty());
  EXPECT_TRUE(c.permitted.empty());
  EXPECT_TRUE(c.inheritable.empty());
  EXPECT_TRUE(c.ambient.empty());
}

TEST_F(EngineSpec, CapAddAndDrop) {
  service_.cap_add = {"net_admin", "CAP_SYS_PTRACE", "chown"};
  service_.cap_drop = {"NET_RAW", "cap_mknod"};
  Strings expected;
  for (const auto& c : boxrt::docker_default_capabilities())
    if (c != "CAP_NET_RAW" && c != "CAP_MKNOD") expected.push_back(c);
  expected.push_back("CAP_NET_ADMIN");
  expected.push_back("CAP_SYS_PTRACE");
  EXPECT_EQ(plan().spec.process.capabilities->bounding, expected);
}

TEST_F(EngineSpec, CapDropAllThenAdd) {
  service_.cap_drop = {"ALL"};
  service_.cap_add = {"net_bind_service"};
  EXPECT_EQ(plan().spec.process.capabilities->bounding, (Strings{"CAP_NET_BIND_SERVICE"}));
}

TEST_F(EngineSpec, CapAddAllMinusDrops) {
  service_.cap_add = {"all"};
  service_.cap_drop = {"SYS_ADMIN"};
  ContainerPlan p = plan();
  const Strings& caps = p.spec.process.capabilities->bounding;
  EXPECT_EQ(caps.size(), 40u);
  EXPECT_EQ(std::find(caps.begin(), caps.end(), "CAP_SYS_ADMIN"), caps.end());
  EXPECT_NE(std::find(caps.begin(), caps.end(), "CAP_BPF"), caps.end());
}

TEST_F(EngineSpec, UnknownCapability) {
  service_.cap_add = {"FLY"};
  EXPECT_EQ(error(),
            "service web: cap_add: unknown capability \"FLY\" (expected e.g. NET_ADMIN or ALL)");
  service_.cap_add.clear();
  service_.cap_drop = {"CAP_TELEPORT"};
  EXPECT_EQ(error(),
            "service web: cap_drop: unknown capability \"CAP_TELEPORT\" (expected e.g. "
            "NET_ADMIN or ALL)");
}

// ---- security_opt and seccomp ----

TEST_F(EngineSpec, NoNewPrivileges) {
  EXPECT_FALSE(plan().spec.process.no_new_privileges);
  for (const char* opt :
       {"no-new-privileges", "no-new-privileges:true", "no-new-privileges=true"}) {
    service_.security_opt = {opt};
    EXPECT_TRUE(plan().spec.process.no_new_privileges) << opt;
  }
  service_.security_opt = {"no-new-privileges:false"};
  EXPECT_FALSE(plan().spec.process.no_new_privileges);
  service_.security_opt = {"no-new-privileges:maybe"};
  EXPECT_EQ(error(),
            "service web: security_opt \"no-new-privileges:maybe\": expected true or false");
}

bool denies(const boxrt::Seccomp& s, const std::string& name) {
  for (const auto& rule : s.syscalls)
    if (rule.action == "SCMP_ACT_ERRNO" &&
        std::find(rule.names.begin(), rule.names.end(), name) != rule.names.end())
      return true;
  return false;
}

TEST_F(EngineSpec, DefaultSeccompFollowsCapabilities) {
  ContainerPlan p = plan();
  ASSERT_TRUE(p.spec.linux.seccomp.has_value());
  EXPECT_TRUE(denies(*p.spec.linux.seccomp, "mount"));
  EXPECT_TRUE(denies(*p.spec.linux.seccomp, "clone"));
  EXPECT_TRUE(denies(*p.spec.linux.seccomp, "clone3"));
  EXPECT_TRUE(denies(*p.spec.linux.seccomp, "ptrace"));
  service_.cap_add = {"SYS_ADMIN"};
  p = plan();
  EXPECT_FALSE(denies(*p.spec.linux.seccomp, "mount"));
  EXPECT_FALSE(denies(*p.spec.linux.seccomp, "unshare"));
  EXPECT_FALSE(denies(*p.spec.linux.seccomp, "clone"));
  EXPECT_FALSE(denies(*p.spec.linux.seccomp, "clone3"));
  EXPECT_TRUE(denies(*p.spec.linux.seccomp, "ptrace"));
  EXPECT_TRUE(denies(*p.spec.linux.seccomp, "reboot"));
}

TEST_F(EngineSpec, SeccompUnconfined) {
  for (const char* opt : {"seccomp=unconfined", "seccomp:unconfined"}) {
    service_.security_opt = {opt};
    EXPECT_FALSE(plan().spec.linux.seccomp.has_value()) << opt;
  }
}

TEST_F(EngineSpec, SeccompProfileRelativeToProject) {
  fs::create_directories(dir_ / "sec");
  std::ofstream(dir_ / "sec/profile.json") << R"({
    "defaultAction": "SCMP_ACT_ERRNO",
    "defaultErrnoRet": 1,
    "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [
      {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}}
    ]})";
  service_.security_opt = {"seccomp=sec/profile.json"};
  ContainerPlan p = plan();
  ASSERT_TRUE(p.spec.linux.seccomp.has_value());
  const boxrt::Seccomp& s = *p.spec.linux.seccomp;
  EXPECT_EQ(s.default_action, "SCMP_ACT_ERRNO");
  EXPECT_EQ(s.default_errno_ret, 1u);
  EXPECT_EQ(s.architectures, (Strings{"SCMP_ARCH_X86_64"}));
  ASSERT_EQ(s.syscalls.size(), 1u);
  EXPECT_EQ(s.syscalls[0].names, (Strings{"read", "write"}));
  service_.cap_add = {"SYS_ADMIN"};
  EXPECT_EQ(plan().spec.linux.seccomp->syscalls.size(), 2u);
}

TEST_F(EngineSpec, SeccompProfileMissingOrBad) {
  service_.security_opt = {"seccomp=nope.json"};
  EXPECT_EQ(error(), "service web: open seccomp profile " + dir_.string() + "/nope.json: ENOENT");
  std::ofstream(dir_ / "bad.json") << "{ not json";
  service_.security_opt = {"seccomp=" + (dir_ / "bad.json").string()};
  EXPECT_EQ(error(), "service web: seccomp profile " + dir_.string() + "/bad.json: not valid JSON");
}

TEST_F(EngineSpec, LabelAndApparmorAreIgnoredWithAWarning) {
  service_.security_opt = {"label=disable", "apparmor:unconfined"};
  ContainerPlan p = plan();
  EXPECT_EQ(p.warnings,
            (Strings{"service web: security_opt \"label=disable\" is ignored: SELinux is not "
                     "supported by boxcompose",
                     "service web: security_opt \"apparmor:unconfined\" is ignored: AppArmor is "
                     "not supported by boxcompose"}));
}

TEST_F(EngineSpec, UnknownSecurityOpt) {
  service_.security_opt = {"seccomp"};
  EXPECT_EQ(error(), "service web: security_opt \"seccomp\": missing the profile");
  service_.security_opt = {"mask=/proc/x"};
  EXPECT_TRUE(error().starts_with("service web: security_opt \"mask=/proc/x\": unsupported"))
      << error();
}

// ---- sysctls ----

TEST_F(EngineSpec, NamespacedSysctls) {
  service_.sysctls = {{"net.core.somaxconn", "1024"},
                      {"kernel.shmmax", "68719476736"},
                      {"kernel.msgmax", "65536"},
                      {"kernel.sem", "250 32000 100 128"},
                      {"fs.mqueue.msg_max", "100"}};
  EXPECT_EQ(plan().spec.linux.sysctl, service_.sysctls);
}

TEST_F(EngineSpec, SysctlsThatAreNotNamespacedOrOnHostNamespaces) {
  service_.sysctls = {{"vm.swappiness", "10"}};
  EXPECT_EQ(error(),
            "service web: sysctl \"vm.swappiness\" is not namespaced (only net.*, kernel.msg*, "
            "kernel.sem, kernel.shm* and fs.mqueue.* can be set per container)");
  service_.sysctls = {{"net.ipv4.ip_forward", "1"}};
  SpecInputs in = inputs();
  in.namespaces.network = NamespacePlan::kHost;
  EXPECT_EQ(error_of(in),
            "service web: sysctl \"net.ipv4.ip_forward\" is not allowed in the host's network "
            "namespace");
  in.namespaces.network = "/proc/42/ns/net";  // another container's: fine
  EXPECT_NO_THROW(plan(in));
  service_.sysctls = {{"kernel.shmall", "1"}};
  in.namespaces.ipc = NamespacePlan::kHost;
  EXPECT_EQ(error_of(in),
            "service web: sysctl \"kernel.shmall\" is not allowed in the host's IPC namespace");
}

// ---- rlimits and oom_score_adj ----

TEST_F(EngineSpec, NoUlimitsMeansInherited) {
  EXPECT_TRUE(plan().spec.process.rlimits.empty());
}

TEST_F(EngineSpec, Ulimits) {
  struct rlimit nofile;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &nofile), 0);
  ASSERT_GE(nofile.rlim_max, 64u);
  service_.ulimits = {{"nofile", {32, 64}}, {"core", {0, 0}}};
  auto rl = plan().spec.process.rlimits;
  ASSERT_EQ(rl.size(), 2u);
  EXPECT_EQ(rl[0].type, "RLIMIT_CORE");
  EXPECT_EQ(rl[0].soft, 0u);
  EXPECT_EQ(rl[0].hard, 0u);
  EXPECT_EQ(rl[1].type, "RLIMIT_NOFILE");
  EXPECT_EQ(rl[1].soft, 32u);
  EXPECT_EQ(rl[1].hard, 64u);
}

TEST_F(EngineSpec, UlimitAboveTheHostsHardLimit) {
  struct rlimit nofile;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &nofile), 0);
  ASSERT_NE(nofile.rlim_max, RLIM_INFINITY);
  int64_t above = static_cast<int64_t>(nofile.rlim_max) + 1;
  service_.ulimits = {{"nofile", {1024, above}}};
  EXPECT_EQ(error(), "service web: ulimit nofile: hard limit " + std::to_string(above) +
                         " is above this host's " + std::to_string(nofile.rlim_max) +
                         " (raising needs CAP_SYS_RESOURCE)");
  service_.ulimits = {{"nofile", {-1, -1}}};
  EXPECT_EQ(error(), "service web: ulimit nofile: hard limit unlimited is above this host's " +
                         std::to_string(nofile.rlim_max) + " (raising needs CAP_SYS_RESOURCE)");
}

TEST_F(EngineSpec, OomScoreAdj) {
  EXPECT_FALSE(plan().spec.process.oom_score_adj.has_value());
  service_.oom_score_adj = 500;
  EXPECT_EQ(plan().spec.process.oom_score_adj, 500);
  service_.oom_score_adj = -100;
  EXPECT_EQ(error(),
            "service web: oom_score_adj -100: negative values are not supported (not every host "
            "allows lowering it)");
}

// ---- resources ----

TEST_F(EngineSpec, NoLimitsByDefault) {
  ContainerPlan p = plan();
  const boxrt::Resources& r = *p.spec.linux.resources;
  EXPECT_FALSE(r.memory.has_value());
  EXPECT_FALSE(r.cpu.has_value());
  EXPECT_FALSE(r.pids.has_value());
  EXPECT_FALSE(r.block_io.has_value());
}

TEST_F(EngineSpec, DefaultDeviceRules) {
  ContainerPlan p = plan();
  const auto& d = p.spec.linux.resources->devices;
  ASSERT_EQ(d.size(), 12u);
  EXPECT_FALSE(d[0].allow);
  EXPECT_EQ(d[0].type, "a");
  EXPECT_EQ(d[0].access, "rwm");
  EXPECT_TRUE(d[11].allow);
  EXPECT_EQ(d[11].type, "c");
  EXPECT_EQ(d[11].major, 10);
  EXPECT_EQ(d[11].minor, 200);
  EXPECT_EQ(d[9].major, 136);
  EXPECT_FALSE(d[9].minor.has_value());
}

TEST_F(EngineSpec, MemoryLimits) {
  service_.mem_limit = 256 << 20;
  service_.mem_reservation = 128 << 20;
  service_.mem_swappiness = 10;
  service_.oom_kill_disable = true;
  boxrt::MemoryResources m = memory();
  EXPECT_EQ(m.limit, int64_t{256 << 20});
  EXPECT_EQ(m.swap, int64_t{512 << 20});  // Docker: as much swap as memory
  EXPECT_EQ(m.reservation, int64_t{128 << 20});
  EXPECT_EQ(m.swappiness, 10u);
  EXPECT_EQ(m.disable_oom_killer, true);
  service_.memswap_limit = -1;
  EXPECT_EQ(memory().swap, -1);
  service_.memswap_limit = 300 << 20;
  EXPECT_EQ(memory().swap, int64_t{300 << 20});
}

TEST_F(EngineSpec, CpuLimits) {
  service_.cpus = 1.5;
  service_.cpu_shares = 512;
  service_.cpuset = "0-1";
  boxrt::CpuResources c = resources().cpu.value();
  EXPECT_EQ(c.quota, 150000);
  EXPECT_EQ(c.period, 100000u);
  EXPECT_EQ(c.shares, 512u);
  EXPECT_EQ(c.cpus, "0-1");
  service_.cpus.reset();
  service_.cpu_quota = 50000;
  service_.cpu_period = 200000;
  c = resources().cpu.value();
  EXPECT_EQ(c.quota, 50000);
  EXPECT_EQ(c.period, 200000u);
  service_.cpus = 1;
  EXPECT_EQ(error(),
            "service web: cpus cannot be combined with cpu_quota or cpu_period (Docker refuses "
            "it too)");
}

TEST_F(EngineSpec, PidsLimit) {
  service_.pids_limit = 100;
  EXPECT_EQ(resources().pids.value().limit, 100);
  for (int64_t unlimited : {0, -1}) {
    service_.pids_limit = unlimited;
    EXPECT_EQ(resources().pids.value().limit, -1);
  }
}

TEST_F(EngineSpec, DeployResourcesWin) {
  service_.deploy = compose::DeployConfig{};
  service_.deploy->limits = {0.5, int64_t{64 << 20}, int64_t{20}};
  service_.deploy->reservations.memory = 32 << 20;
  service_.mem_limit = 1 << 30;
  boxrt::Resources r = resources();
  EXPECT_EQ(r.cpu->quota, 50000);
  EXPECT_EQ(r.cpu->period, 100000u);
  EXPECT_EQ(r.memory->limit, int64_t{64 << 20});
  EXPECT_EQ(r.memory->swap, int64_t{128 << 20});
  EXPECT_EQ(r.memory->reservation, int64_t{32 << 20});
  EXPECT_EQ(r.pids->limit, 20);
}

// The device paths are the host's block devices, by their numbers; /dev/loop0 is one on
// any Linux host with the loop driver (skipped where there is none).
TEST_F(EngineSpec, BlkioWeightAndDeviceLimits) {
  struct stat st;
  if (::stat("/dev/loop0", &st) != 0 || !S_ISBLK(st.st_mode)) GTEST_SKIP() << "no /dev/loop0";
  service_.blkio_config = compose::BlkioConfig{};
  service_.blkio_config->weight = 300;
  service_.blkio_config->device_read_bps = {{"/dev/loop0", 1 << 20}};
  service_.blkio_config->device_write_iops = {{"/dev/loop0", 30}};
  service_.blkio_config->weight_device = {{"/dev/loop0", 200}};
  ContainerPlan p = plan();
  const auto& io = *p.spec.linux.resources->block_io;
  EXPECT_EQ(io.weight, 300);
  ASSERT_EQ(io.throttle_read_bps_device.size(), 1u);
  EXPECT_EQ(io.throttle_read_bps_device[0].major, static_cast<int64_t>(major(st.st_rdev)));
  EXPECT_EQ(io.throttle_read_bps_device[0].minor, static_cast<int64_t>(minor(st.st_rdev)));
  EXPECT_EQ(io.throttle_read_bps_device[0].rate, 1u << 20);
  ASSERT_EQ(io.throttle_write_iops_device.size(), 1u);
  EXPECT_EQ(io.throttle_write_iops_device[0].rate, 30u);
  ASSERT_EQ(io.weight_device.size(), 1u);
  EXPECT_EQ(io.weight_device[0].weight, 200);
  EXPECT_TRUE(p.warnings.empty());
}

TEST_F(EngineSpec, BlkioDeviceThatIsNoBlockDeviceIsAClearError) {
  service_.blkio_config = compose::BlkioConfig{};
  service_.blkio_config->device_write_bps = {{"/dev/null", 1 << 20}};
  try {
    plan();
    FAIL() << "a character device was taken";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "blkio_config.device_write_bps: /dev/null is not a block device"),
              std::string::npos)
        << e.what();
  }
}

// ---- the rest of the spec ----

TEST_F(EngineSpec, CgroupsPathAndTerminal) {
  service_.tty = true;
  ContainerPlan p = plan();
  EXPECT_EQ(p.spec.linux.cgroups_path, "/boxcompose/proj/proj-web-1");
  EXPECT_FALSE(p.spec.process.terminal);
}

TEST_F(EngineSpec, Annotations) {
  image_.labels = {{"org.opencontainers.image.title", "server"}, {"tier", "image"}};
  service_.labels = {{"tier", "front"}};
  service_.annotations = {{"io.example/x", "y"}};
  SpecInputs in = inputs();
  in.container_number = 2;
  auto a = plan(in).spec.annotations;
  EXPECT_EQ(a["org.opencontainers.image.title"], "server");
  EXPECT_EQ(a["tier"], "front");
  EXPECT_EQ(a["io.example/x"], "y");
  EXPECT_EQ(a["com.docker.compose.project"], "proj");
  EXPECT_EQ(a["com.docker.compose.service"], "web");
  EXPECT_EQ(a["com.docker.compose.container-number"], "2");
  EXPECT_EQ(a["com.docker.compose.oneoff"], "False");
  EXPECT_EQ(a["com.docker.compose.project.working_dir"], dir_.string());
  EXPECT_EQ(a["com.docker.compose.project.config_files"], dir_.string() + "/compose.yaml");
  EXPECT_EQ(a.count("com.docker.compose.config-hash"), 0u);
  in.image_id = "sha256:" + std::string(64, 'e');
  a = plan(in).spec.annotations;
  EXPECT_EQ(a["com.docker.compose.image"], in.image_id);
  EXPECT_EQ(a["com.docker.compose.config-hash"], config_hash(service_, in.image_id));
}

TEST_F(EngineSpec, MissingInputs) {
  SpecInputs in = inputs();
  in.image = nullptr;
  EXPECT_THROW(build_container_plan(in), Error);
}

// ---- config hash ----

TEST(EngineSpecConfigHash, StableHexAndSensitiveToConfigAndImage) {
  compose::Service s;
  s.name = "web";
  s.image = "nginx";
  s.command = Strings{"a"};
  const std::string id = "sha256:" + std::string(64, '1');
  std::string h = config_hash(s, id);
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(config_hash(s, id), h);
  EXPECT_NE(config_hash(s, "sha256:" + std::string(64, '2')), h);
  compose::Service changed = s;
  changed.command = Strings{"b"};
  EXPECT_NE(config_hash(changed, id), h);
  changed = s;
  changed.environment["X"] = "1";
  EXPECT_NE(config_hash(changed, id), h);
  changed = s;
  changed.mem_limit = 1 << 20;
  EXPECT_NE(config_hash(changed, id), h);
}

TEST(EngineSpecConfigHash, IgnoresWhatDoesNotChangeTheContainer) {
  compose::Service s;
  s.name = "web";
  s.image = "nginx";
  const std::string id = "sha256:" + std::string(64, '1');
  std::string h = config_hash(s, id);
  compose::Service same = s;
  same.scale = 3;
  same.depends_on["db"] = compose::Dependency{};
  same.profiles = {"debug"};
  same.pull_policy = "always";
  same.where.path = "services.web";
  same.where.mark.line = 42;
  EXPECT_EQ(config_hash(same, id), h);
}

}  // namespace
}  // namespace engine
