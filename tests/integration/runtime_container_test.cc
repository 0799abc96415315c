// Real containers from a busybox rootfs (root, real kernel): what the probe sees inside,
// limits that bite, and that nothing is left after delete.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/keyctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "boxrt/cgroup.h"
#include "boxrt/container.h"
#include "boxrt/error.h"
#include "boxrt/seccomp.h"
#include "boxrt_testing/container_test.h"
#include "boxrt_testing/rootfs.h"

namespace {

using boxrt::ContainerSpec;
using boxrt::Runtime;
using boxrt::Status;
using nlohmann::json;
namespace bt = boxrt::testing;

std::string own_mountinfo() {
  return bt::read_text("/proc/self/mountinfo");
}

class RuntimeContainerTest : public bt::ContainerTest {};

bool has_mount(const json& info, const std::string& path) {
  for (const auto& m : info["mounts"])
    if (m["path"] == path) return true;
  return false;
}

TEST_F(RuntimeContainerTest, ProbeSeesIsolatedDefaults) {
  json info = probe("defaults", spec());
  EXPECT_EQ(info["uid"], 0);
  EXPECT_EQ(info["pid"], 1);
  EXPECT_EQ(info["hostname"], "boxrun");
  EXPECT_EQ(info["cwd"], "/");
  EXPECT_EQ(info["no_new_privs"], 1);
  // Docker's 14 default capabilities.
  EXPECT_EQ(info["cap_eff"], "00000000a80425fb");
  EXPECT_EQ(info["cap_bnd"], "00000000a80425fb");
  EXPECT_TRUE(has_mount(info, "/proc"));
  EXPECT_TRUE(has_mount(info, "/dev"));
  EXPECT_TRUE(has_mount(info, "/dev/pts"));
  EXPECT_TRUE(has_mount(info, "/proc/keys")) << "masked path";
  EXPECT_TRUE(has_mount(info, "/proc/sys")) << "read-only path";
  for (const auto& m : info["mounts"])
    if (m["path"] == "/") {
      EXPECT_EQ(m["options"].get<std::string>().substr(0, 2), "ro");
    }
}

TEST_F(RuntimeContainerTest, DevHasDefaultNodesAndLinks) {
  ContainerSpec s =
      spec({"/bin/sh", "-c",
            "for d in null zero full random urandom tty; do test -c /dev/$d || exit 1; done;"
            " test -L /dev/ptmx && test -L /dev/fd && echo hi > /dev/null && test -d /dev/shm"});
  EXPECT_EQ(run("dev", s), 0);
}

TEST_F(RuntimeContainerTest, UserGroupsCapsAndUmask) {
  ContainerSpec s = spec();
  s.process.user = {1000, 1000, 027, {10, 20}};
  s.process.cwd = "/tmp";
  s.hostname = "probe-host";
  std::vector<std::string> caps = {"CAP_NET_BIND_SERVICE"};
  s.process.capabilities = boxrt::Capabilities{caps, caps, caps, caps, caps};
  json info = probe("user", s);
  EXPECT_EQ(info["uid"], 1000);
  EXPECT_EQ(info["gid"], 1000);
  EXPECT_EQ(info["groups"], json({10, 20}));
  EXPECT_EQ(info["umask"], 027);
  EXPECT_EQ(info["cwd"], "/tmp");
  EXPECT_EQ(info["hostname"], "probe-host");
  EXPECT_EQ(info["cap_eff"], "0000000000000400");
  EXPECT_EQ(info["cap_amb"], "0000000000000400");
  EXPECT_EQ(info["cap_bnd"], "0000000000000400");
}

// As with runc: a spec without process.capabilities gets none, even as root.
TEST_F(RuntimeContainerTest, NoCapabilitiesInTheSpecMeansNone) {
  ContainerSpec s = spec();
  s.process.capabilities.reset();
  json info = probe("user", s);
  EXPECT_EQ(info["uid"], 0);
  EXPECT_EQ(info["cap_eff"], "0000000000000000");
  EXPECT_EQ(info["cap_prm"], "0000000000000000");
  EXPECT_EQ(info["cap_bnd"], "0000000000000000");
  EXPECT_EQ(info["cap_amb"], "0000000000000000");
}

TEST_F(RuntimeContainerTest, LifecycleCreateStartStateKillDelete) {
  std::string cid = id("life");
  rt_->create(cid, spec({"/probe", "sleep", "60"}));
  EXPECT_EQ(rt_->state(cid).status, Status::kCreated);
  EXPECT_THROW(rt_->create(cid, spec()), boxrt::Error) << "duplicate id";
  rt_->start(cid);
  EXPECT_EQ(rt_->state(cid).status, Status::kRunning);
  EXPECT_THROW(rt_->remove(cid), boxrt::Error) << "running needs --force";
  EXPECT_EQ(rt_->ps(cid).size(), 1u);
  rt_->pause(cid);
  EXPECT_EQ(rt_->state(cid).status, Status::kPaused);
  rt_->resume(cid);
  EXPECT_EQ(rt_->state(cid).status, Status::kRunning);
  rt_->kill(cid, SIGKILL);
  EXPECT_EQ(rt_->wait(cid), 128 + SIGKILL);
  EXPECT_EQ(rt_->state(cid).status, Status::kStopped);
  rt_->remove(cid);
  EXPECT_THROW(rt_->state(cid), boxrt::Error);
}

TEST_F(RuntimeContainerTest, DeleteCreatedContainerKillsInit) {
  std::string cid = id("created");
  auto st = rt_->create(cid, spec());
  rt_->remove(cid);
  EXPECT_NE(kill(st.pid, 0), 0);
  EXPECT_FALSE(std::filesystem::exists(rt_->store().dir(cid)));
}

TEST_F(RuntimeContainerTest, ExecJoinsTheContainer) {
  std::string cid = id("exec");
  rt_->create(cid, spec({"/probe", "sleep", "60"}));
  rt_->start(cid);
  boxrt::Process p = rt_->config(cid).process;
  p.args = {"/probe"};
  boxrt::ExecOptions eo;
  eo.stdout_path = dir_.path() + "/exec.out";
  pid_t pid = rt_->exec(cid, p, eo);
  EXPECT_EQ(boxrt::wait_exit_code(pid), 0);
  json info = bt::last_json_line(eo.stdout_path);
  EXPECT_EQ(info["hostname"], "boxrun");
  EXPECT_NE(info["pid"], 1);
  rt_->remove(cid, true);
}

// No linux.resources at all: the cgroup still allows the default devices only.
TEST_F(RuntimeContainerTest, NoResourcesStillMeansDefaultDevicesOnly) {
  ContainerSpec s = spec({"/probe", "sleep", "60"});
  s.linux.resources.reset();
  // The host's /dev/kmsg (1:11, not a default node), so that only the cgroup can refuse it.
  s.mounts.push_back({"/dev/kmsg", "bind", "/dev/kmsg", {"bind"}});
  std::string cid = id("nores");
  auto st = rt_->create(cid, s);
  if (!st.cgroup.v2 && st.cgroup.dirs.count("devices")) {
    std::string list = bt::read_text(st.cgroup.dirs.at("devices") + "/devices.list");
    EXPECT_EQ(list.find("a *:* rwm"), std::string::npos) << list;
    EXPECT_NE(list.find("c 1:3 rwm"), std::string::npos) << list;
  }
  boxrt::Process p = rt_->config(cid).process;
  p.args = {"/probe", "write", "/dev/kmsg"};
  rt_->start(cid);
  boxrt::ExecOptions eo;
  eo.stdout_path = dir_.path() + "/kmsg.out";
  boxrt::wait_exit_code(rt_->exec(cid, p, eo));
  EXPECT_NE(bt::read_text(eo.stdout_path).find("\"errno\":1,"), std::string::npos)
      << bt::read_text(eo.stdout_path);
  rt_->remove(cid, true);
}

// linux.rootfsPropagation reaches the container's root mount (and the default leaks nothing
// of the container's mounts to the host: it is a slave at most).
TEST_F(RuntimeContainerTest, RootfsPropagation) {
  auto root_propagation = [&](const std::string& value) {
    ContainerSpec s = spec();
    s.linux.rootfs_propagation = value;
    json info = probe("prop-" + (value.empty() ? "default" : value), s);
    for (const auto& m : info["mounts"])
      if (m["path"] == "/") return m["propagation"].get<std::string>();
    return std::string("no root mount");
  };
  EXPECT_NE(root_propagation("rshared").find("shared:"), std::string::npos);
  EXPECT_EQ(root_propagation("rprivate"), "");
  EXPECT_EQ(root_propagation("").find("shared:"), std::string::npos);
  // A rootfs that is a shared mount point itself (an overlay of an image store): still
  // shared inside, and the container's own bind of it never propagates back here.
  ASSERT_EQ(mount(rootfs_.c_str(), rootfs_.c_str(), nullptr, MS_BIND, nullptr), 0);
  struct Unmount {  // whatever fails below, and what propagated here with it
    std::string path;
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
  } unmount{rootfs_};
  ASSERT_EQ(mount(nullptr, rootfs_.c_str(), nullptr, MS_SHARED, nullptr), 0);
  auto mounts_here = [&] {
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    int n = 0;
    while (std::getline(in, line))
      n += line.find(" " + rootfs_ + " ") != std::string::npos;
    return n;
  };
  int before = mounts_here();
  EXPECT_NE(root_propagation("rshared").find("shared:"), std::string::npos);
  EXPECT_EQ(mounts_here(), before);
}

// Without a pid namespace the init can exit and leave children in the cgroup: delete
// (without --force: the container is stopped) kills them and removes everything.
TEST_F(RuntimeContainerTest, DeleteKillsWhatAStoppedInitLeftBehind) {
  ContainerSpec s = spec({"/probe", "spawn-sleeper"});
  auto& ns = s.linux.namespaces;
  ns.erase(std::remove_if(ns.begin(), ns.end(), [](const auto& n) { return n.type == "pid"; }),
           ns.end());
  std::string cid = id("nopid");
  auto st = rt_->create(cid, s);
  rt_->start(cid);
  EXPECT_EQ(rt_->wait(cid), 0);
  auto left = rt_->ps(cid);
  ASSERT_EQ(left.size(), 1u) << "the sleeper should outlive the init";
  EXPECT_EQ(rt_->state(cid).status, Status::kStopped);
  rt_->remove(cid);
  EXPECT_FALSE(std::filesystem::exists(rt_->store().dir(cid)));
  // Gone, or a zombie that the host's init has yet to reap (it is nobody's child here).
  std::string stat = bt::read_text("/proc/" + std::to_string(left[0]) + "/stat");
  EXPECT_TRUE(stat.empty() || stat.find(") Z ") != std::string::npos) << stat;
}

// Without a mount namespace the init only chroots into the rootfs: an exec'd process goes
// to the same root (/probe is only there), and what would need mounts is refused.
TEST_F(RuntimeContainerTest, WithoutAMountNamespace) {
  ContainerSpec s = spec({"/probe", "sleep", "60"});
  auto& ns = s.linux.namespaces;
  ns.erase(std::remove_if(ns.begin(), ns.end(), [](const auto& n) { return n.type == "mount"; }),
           ns.end());
  std::string cid = id("nomnt");
  try {
    rt_->create(cid, s);
    FAIL() << "masked paths without a mount namespace were accepted";
  } catch (const boxrt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("without a mount namespace"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(rt_->store().dir(cid)));
  s.mounts.clear();
  s.linux.masked_paths.clear();
  s.linux.readonly_paths.clear();
  s.root.readonly = false;
  rt_->create(cid, s);
  rt_->start(cid);
  boxrt::Process p = rt_->config(cid).process;
  p.args = {"/probe", "exit", "7"};
  EXPECT_EQ(boxrt::wait_exit_code(rt_->exec(cid, p, {})), 7);
  rt_->remove(cid, true);
}

TEST_F(RuntimeContainerTest, SeccompDefaultProfileBlocksUnshareAndMount) {
  ContainerSpec s = spec({"/probe", "unshare"});
  s.linux.seccomp = boxrt::default_seccomp_profile();
  s.process.capabilities->bounding.push_back("CAP_SYS_ADMIN");
  s.process.capabilities->effective.push_back("CAP_SYS_ADMIN");
  s.process.capabilities->permitted.push_back("CAP_SYS_ADMIN");
  json r = probe("seccomp-unshare", s);
  EXPECT_EQ(r["rc"], -1);
  EXPECT_EQ(r["errno"], EPERM);
  s.process.args = {"/probe", "mount"};
  r = probe("seccomp-mount", s);
  EXPECT_EQ(r["errno"], EPERM);
  s.process.args = {"/probe"};
  EXPECT_EQ(probe("seccomp-info", s)["seccomp"], 2);
}

// Whether the kernel log has a seccomp audit record (type=1326) of `syscall` by `pid`.
bool seccomp_logged(pid_t pid, int syscall_nr) {
  std::string needle = " pid=" + std::to_string(pid) + " ";
  std::string sys = " syscall=" + std::to_string(syscall_nr) + " ";
  for (int i = 0; i < 50; ++i) {  // kauditd prints asynchronously
    FILE* p = popen("dmesg 2>/dev/null", "r");
    if (!p) return false;
    char line[2048];
    bool found = false;
    while (fgets(line, sizeof line, p)) {
      std::string l = line;
      if (l.find("type=1326") != std::string::npos && l.find(needle) != std::string::npos &&
          l.find(sys) != std::string::npos)
        found = true;
    }
    pclose(p);
    if (found) return true;
    usleep(20000);
  }
  return false;
}

TEST_F(RuntimeContainerTest, SeccompFlagsReachTheFilter) {
  if (system("dmesg >/dev/null 2>&1") != 0) GTEST_SKIP() << "the kernel log is not readable";
  ContainerSpec s = spec({"/probe", "unshare"});
  s.linux.seccomp = boxrt::Seccomp{};
  s.linux.seccomp->syscalls.push_back({{"unshare"}, "SCMP_ACT_ERRNO", 42u, {}});
  // SECCOMP_FILTER_FLAG_LOG: an ERRNO action is logged (audit type 1326) only with it.
  for (bool log : {false, true}) {
    s.linux.seccomp->flags.clear();
    if (log)
      s.linux.seccomp->flags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_TSYNC",
                                "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
    std::string cid = id(log ? "seccomp-log" : "seccomp-nolog");
    boxrt::CreateOptions opts;
    opts.stdout_path = path(cid + ".out");
    auto st = rt_->create(cid, s, opts);
    rt_->start(cid);
    EXPECT_EQ(rt_->wait(cid), 0);
    rt_->remove(cid);
    EXPECT_EQ(bt::last_json_line(opts.stdout_path)["errno"], 42);
    EXPECT_EQ(seccomp_logged(st.pid, SYS_unshare), log) << (log ? "not logged" : "logged");
  }
  s.linux.seccomp->flags = {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
  try {
    rt_->create(id("seccomp-flag"), s);
    FAIL() << "an unsupported flag must be refused";
  } catch (const boxrt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("unsupported flag"), std::string::npos) << e.what();
  }
}

TEST_F(RuntimeContainerTest, SeccompProfileFromSpecWithErrnoRet) {
  ContainerSpec s = spec({"/probe", "unshare"});
  s.linux.seccomp = boxrt::Seccomp{};
  s.linux.seccomp->syscalls.push_back({{"unshare"}, "SCMP_ACT_ERRNO", 42u, {}});
  s.process.no_new_privileges = false;  // loaded while still privileged
  EXPECT_EQ(probe("seccomp-errno", s)["errno"], 42);
}

TEST_F(RuntimeContainerTest, PidsLimitMakesForkFail) {
  ContainerSpec s = spec({"/probe", "fork", "50"});
  s.linux.resources->pids = boxrt::PidsResources{8};
  json r = probe("pids", s);
  EXPECT_LT(r["forked"].get<int>(), 8);
  EXPECT_EQ(r["errno"], EAGAIN);
}

TEST_F(RuntimeContainerTest, MemoryLimitOomKills) {
  ContainerSpec s = spec({"/probe", "alloc", "256"});
  s.linux.resources->memory = boxrt::MemoryResources{};
  s.linux.resources->memory->limit = 32 << 20;
  if (std::filesystem::exists("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"))
    s.linux.resources->memory->swap = 32 << 20;
  std::string cid = id("oom");
  auto st = rt_->create(cid, s);
  rt_->start(cid);
  EXPECT_EQ(rt_->wait(cid), 128 + SIGKILL);
  // Killed by the cgroup's OOM killer, not by anything else: it counted the kill.
  EXPECT_GE(boxrt::open_cgroup(st.cgroup)->stats().oom_kills, 1u);
  rt_->remove(cid);
}

TEST_F(RuntimeContainerTest, RlimitsLowerButNeverRaise) {
  ContainerSpec s = spec();
  s.process.rlimits = {{"RLIMIT_NOFILE", 512, 256}};
  json info = probe("rlimit", s);
  EXPECT_EQ(info["nofile_soft"], 256);
  EXPECT_EQ(info["nofile_hard"], 512);
  struct rlimit cur;
  getrlimit(RLIMIT_NOFILE, &cur);
  s.process.rlimits = {{"RLIMIT_NOFILE", cur.rlim_max + 1, 10}};
  try {
    rt_->create(id("raise"), s);
    FAIL() << "raising a hard limit must fail";
  } catch (const boxrt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("would raise"), std::string::npos) << e.what();
  }
}

TEST_F(RuntimeContainerTest, ReadonlyRootAndBindMounts) {
  std::string data = dir_.path() + "/data";
  std::filesystem::create_directories(data);
  std::ofstream(data + "/hello") << "world";
  ContainerSpec s = spec({"/bin/sh", "-c",
                          "cat /data/hello && ! touch /x 2>/dev/null && ! touch /data/y 2>/dev/null"
                          " && touch /scratch/z"});
  s.mounts.push_back({"/data", "bind", data, {"rbind", "ro", "nosuid", "nodev"}});
  s.mounts.push_back({"/scratch", "tmpfs", "tmpfs", {"size=1m", "mode=1777"}});
  std::string out;
  EXPECT_EQ(run("ro", s, &out), 0) << bt::read_text(dir_.path() + "/ro.err");
  EXPECT_EQ(bt::read_text(out), "world");
  EXPECT_FALSE(std::filesystem::exists(data + "/y"));
}

TEST_F(RuntimeContainerTest, UserNamespaceMapsRoot) {
  ContainerSpec s = spec({"/probe", "cat", "/proc/self/uid_map"});
  s.linux.namespaces.push_back({"user", ""});
  s.linux.uid_mappings = {{0, 100000, 65536}};
  s.linux.gid_mappings = {{0, 100000, 65536}};
  json r = probe("userns", s);
  std::string map = r["content"];
  EXPECT_NE(map.find("100000"), std::string::npos) << map;
  s.process.args = {"/probe"};
  json info = probe("userns-info", s);
  EXPECT_EQ(info["uid"], 0);
  EXPECT_EQ(info["cap_eff"], "00000000a80425fb");
}

TEST_F(RuntimeContainerTest, JoinsNamespaceByPath) {
  std::string cid = id("host-uts");
  rt_->create(cid, spec({"/probe", "sleep", "60"}));
  rt_->start(cid);
  ContainerSpec s = spec();
  for (auto& ns : s.linux.namespaces)
    if (ns.type == "uts") ns.path = "/proc/" + std::to_string(rt_->state(cid).pid) + "/ns/uts";
  s.hostname.clear();
  EXPECT_EQ(probe("join-uts", s)["hostname"], "boxrun");
  rt_->remove(cid, true);
}

TEST_F(RuntimeContainerTest, OomScoreAdjIsSetButNeverNegative) {
  ContainerSpec s = spec({"/probe", "sleep", "60"});
  s.process.oom_score_adj = 500;
  std::string cid = id("oom-adj");
  auto st = rt_->create(cid, s);
  EXPECT_EQ(bt::read_text("/proc/" + std::to_string(st.pid) + "/oom_score_adj"), "500\n");
  rt_->remove(cid);
  s.process.oom_score_adj = -100;
  try {
    rt_->create(id("oom-negative"), s);
    FAIL() << "a negative oomScoreAdj must be refused";
  } catch (const boxrt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("this host may not allow it"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(rt_->store().dir(id("oom-negative"))));
}

TEST_F(RuntimeContainerTest, PidFileIsWrittenWhole) {
  std::string cid = id("pidfile");
  boxrt::CreateOptions opts;
  opts.pid_file = dir_.path() + "/run/init.pid";
  std::filesystem::create_directories(dir_.path() + "/run");
  auto st = rt_->create(cid, spec(), opts);
  EXPECT_EQ(bt::read_text(opts.pid_file), std::to_string(st.pid));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/run/.init.pid"))
      << "the temporary was renamed";
  rt_->remove(cid);
}

TEST_F(RuntimeContainerTest, PidFileFailureKillsTheInitAndCleansUp) {
  std::string cid = id("pidfile-fails");
  boxrt::CreateOptions opts;
  opts.pid_file = dir_.path() + "/no-such-dir/init.pid";
  auto cg = boxrt::make_host_cgroup("", cid);  // where create puts it
  try {
    rt_->create(cid, spec({"/probe", "sleep", "60"}), opts);
    FAIL() << "create must fail";
  } catch (const boxrt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("write pid file"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(rt_->store().dir(cid)));
  for (const auto& [c, d] : cg->paths().dirs)
    EXPECT_FALSE(std::filesystem::exists(d)) << d;
  EXPECT_EQ(bt::children_of_self(), std::vector<pid_t>{}) << "the init was killed and reaped";
}

// --- security -------------------------------------------------------------------------

TEST_F(RuntimeContainerTest, LeakedHostFdsAreClosedBeforeExec) {
  int leaked = open(dir_.path().c_str(), O_RDONLY | O_DIRECTORY);  // no O_CLOEXEC on purpose
  ASSERT_GE(leaked, 0);
  json info = probe("fds", spec());
  close(leaked);
  std::vector<int> fds;
  for (const auto& f : info["fds"])
    fds.push_back(f["fd"]);
  EXPECT_EQ(fds, (std::vector<int>{0, 1, 2}));
}

TEST_F(RuntimeContainerTest, CwdUnderProcSelfFdIsRefused) {
  ContainerSpec s = spec();
  s.process.cwd = "/proc/self/fd/7";
  try {
    rt_->create(id("cwd"), s);
    FAIL() << "must refuse";
  } catch (const boxrt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/proc/self/fd"), std::string::npos) << e.what();
  }
}

TEST_F(RuntimeContainerTest, SymlinkedMountDestinationStaysInsideRootfs) {
  std::string outside = dir_.path() + "/outside";
  std::filesystem::create_directories(outside);
  // An absolute symlink in the image pointing at a host directory.
  std::filesystem::create_symlink(outside, rootfs_ + "/evil");
  ContainerSpec s = spec();
  s.mounts.push_back({"/evil", "tmpfs", "tmpfs", {"size=1m"}});
  json info = probe("symlink", s);
  // The mount landed on <rootfs>/<outside>, seen inside as <outside>...
  EXPECT_TRUE(has_mount(info, outside));
  EXPECT_TRUE(std::filesystem::is_directory(rootfs_ + outside));
  // ...and never on the host directory.
  EXPECT_EQ(own_mountinfo().find(outside), std::string::npos);
}

TEST_F(RuntimeContainerTest, WritesToProcRequireARealProcfs) {
  // A directory that looks like /proc (as an image could ship, or a bind could place)
  // instead of a procfs: the sysctl write must be refused, not land in the file.
  std::string fake = dir_.path() + "/fakeproc";
  std::filesystem::create_directories(fake + "/sys/kernel");
  std::ofstream(fake + "/sys/kernel/domainname") << "";
  ContainerSpec s = spec();
  for (auto& m : s.mounts)
    if (m.destination == "/proc") m = {"/proc", "bind", fake, {"rbind"}};
  s.linux.masked_paths.clear();
  s.linux.readonly_paths.clear();
  s.linux.sysctl = {{"kernel.domainname", "evil"}};
  try {
    rt_->create(id("fakeproc"), s);
    FAIL() << "must refuse";
  } catch (const boxrt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("not on a procfs"), std::string::npos) << e.what();
  }
  EXPECT_EQ(bt::read_text(fake + "/sys/kernel/domainname"), "");
}

TEST_F(RuntimeContainerTest, SysctlAndDomainname) {
  ContainerSpec s = spec();
  s.domainname = "example.org";
  s.linux.sysctl = {{"kernel.msgmax", "4096"}};
  json info = probe("sysctl", s);
  EXPECT_EQ(info["domainname"], "example.org\n");
}

// No cgroup directory of container `cid` exists (where create puts them).
void expect_no_cgroup(const std::string& cid) {
  auto cg = boxrt::make_host_cgroup("", cid);
  for (const auto& [c, d] : cg->paths().dirs)
    EXPECT_FALSE(std::filesystem::exists(d)) << d;
}

TEST_F(RuntimeContainerTest, MountFailureNamesTheStepAndErrnoAndCleansUp) {
  // A new user namespace without a pid namespace of its own: mounting proc for the host's
  // pid namespace needs CAP_SYS_ADMIN over it, which the container's root lacks: EPERM.
  ContainerSpec s = spec();
  s.linux.namespaces.push_back({"user", ""});
  std::erase_if(s.linux.namespaces, [](const auto& ns) { return ns.type == "pid"; });
  s.linux.uid_mappings = {{0, 100000, 65536}};
  s.linux.gid_mappings = {{0, 100000, 65536}};
  std::string cid = id("mount-fails");
  try {
    rt_->create(cid, s);
    FAIL() << "create must fail";
  } catch (const boxrt::Error& e) {
    EXPECT_EQ(std::string(e.what()), "create " + cid + ": mount proc on /proc: EPERM");
    EXPECT_EQ(e.code(), EPERM);
  }
  EXPECT_FALSE(std::filesystem::exists(rt_->store().dir(cid)));
  expect_no_cgroup(cid);
}

TEST_F(RuntimeContainerTest, MissingCommandFailsStartWithExec127) {
  for (std::string cmd : {"foo", "/no/such/cmd"}) {
    std::string cid = id("missing");
    rt_->create(cid, spec({cmd, "arg"}));  // as runc: the command is looked up at start
    try {
      rt_->start(cid);
      FAIL() << "start must fail";
    } catch (const boxrt::ExecError& e) {
      EXPECT_EQ(std::string(e.what()),
                "start " + cid + ": exec \"" + cmd + "\": no such file or directory");
      EXPECT_EQ(e.exit_status(), 127);
      EXPECT_EQ(e.code(), ENOENT);
    }
    EXPECT_EQ(rt_->state(cid).status, Status::kStopped);
    rt_->remove(cid);
    EXPECT_FALSE(std::filesystem::exists(rt_->store().dir(cid)));
    expect_no_cgroup(cid);
  }
}

TEST_F(RuntimeContainerTest, CreateWithStartExecsAtOnce) {
  std::string cid = id("start-now");
  boxrt::CreateOptions opts;
  opts.start = true;
  opts.stdout_path = path("start-now.out");
  auto st = rt_->create(cid, spec({"/probe", "exit", "3"}), opts);
  EXPECT_EQ(st.status, Status::kRunning);
  EXPECT_FALSE(std::filesystem::exists(rt_->store().fifo(cid))) << "no exec fifo to wait on";
  EXPECT_EQ(rt_->wait(cid), 3);
  rt_->remove(cid);

  std::string missing = id("start-now-missing");
  try {
    rt_->create(missing, spec({"foo"}), opts);
    FAIL() << "create must fail";
  } catch (const boxrt::ExecError& e) {
    EXPECT_EQ(std::string(e.what()),
              "start " + missing + ": exec \"foo\": no such file or directory");
    EXPECT_EQ(e.exit_status(), 127);
  } catch (const boxrt::Error& e) {
    FAIL() << "not an ExecError: " << e.what();
  }
  EXPECT_EQ(rt_->state(missing).status, Status::kStopped) << "kept for delete, as after start";
  rt_->remove(missing);
  expect_no_cgroup(missing);
}

TEST_F(RuntimeContainerTest, DeleteForceRemovesAStateDirThatCreateLeftWithoutState) {
  // A create killed between making its directory and its first state save.
  std::string cid = id("unrecorded");
  rt_->store().make_dir(cid);
  boxrt::save_config(spec(), rt_->store().dir(cid) + "/config.json");
  EXPECT_THROW(rt_->remove(cid), boxrt::Error) << "only with force";
  rt_->remove(cid, true);
  EXPECT_FALSE(std::filesystem::exists(rt_->store().dir(cid)));
}

TEST_F(RuntimeContainerTest, MaskedPathsReadEmptyAndWritesNeverReachThem) {
  std::filesystem::create_directories(rootfs_ + "/etc/secret.d");
  std::ofstream(rootfs_ + "/etc/secret") << "secret";
  std::ofstream(rootfs_ + "/etc/secret.d/key") << "key";
  ContainerSpec s = spec({"/bin/sh", "-c",
                          "test -c /etc/secret && test -z \"$(cat /etc/secret)\" &&"
                          " echo overwritten > /etc/secret && ! ls /etc/secret.d/key &&"
                          " ! touch /etc/secret.d/x"});
  s.linux.masked_paths.push_back("/etc/secret");
  s.linux.masked_paths.push_back("/etc/secret.d");
  EXPECT_EQ(run("masked", s), 0) << bt::read_text(path("masked.err"));
  EXPECT_EQ(bt::read_text(rootfs_ + "/etc/secret"), "secret");
  EXPECT_FALSE(std::filesystem::exists(rootfs_ + "/etc/secret.d/x"));
}

// CVE-2025-31133: masking binds /dev/null over files; a /dev/null that is something
// else would put that thing, writable, where the masked file was.
TEST_F(RuntimeContainerTest, MaskingRefusesADevNullThatIsABindOfAFile) {
  std::string fake = path("fake-null");
  std::ofstream(fake) << "not a device";
  ContainerSpec s = spec();
  s.mounts.push_back({"/dev/null", "bind", fake, {"bind"}});
  std::string cid = id("fake-null");
  try {
    rt_->create(cid, s);
    FAIL() << "create must refuse";
  } catch (const boxrt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/dev/null in the container is not the null device"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(bt::read_text(fake), "not a device");
  EXPECT_FALSE(std::filesystem::exists(rt_->store().dir(cid)));
  expect_no_cgroup(cid);
}

TEST_F(RuntimeContainerTest, MaskingRefusesADevNullThatIsASymlink) {
  // No /dev tmpfs: /dev comes from the image, whose /dev/null points at a host knob.
  ContainerSpec s = spec();
  std::erase_if(s.mounts, [](const auto& m) { return m.destination.rfind("/dev", 0) == 0; });
  std::filesystem::create_symlink("/proc/sys/kernel/core_pattern", rootfs_ + "/dev/null");
  std::string cid = id("symlink-null");
  try {
    rt_->create(cid, s);
    FAIL() << "create must refuse";
  } catch (const boxrt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/dev/null in the container is not the null device"),
              std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(rt_->store().dir(cid)));
  expect_no_cgroup(cid);
}

TEST_F(RuntimeContainerTest, NewSessionKeyringUnlessAskedNotTo) {
  long ours = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
  ContainerSpec s = spec({"/probe", "keyring"});
  s.linux.seccomp.reset();  // Docker's profile blocks keyctl
  json own = probe("keyring", s);
  ASSERT_TRUE(own.contains("session_keyring")) << own;
  EXPECT_NE(own["session_keyring"].get<long>(), ours);

  std::string cid = id("same-keyring");
  boxrt::CreateOptions opts;
  opts.no_new_keyring = true;
  opts.stdout_path = path("same-keyring.out");
  rt_->create(cid, s, opts);
  rt_->start(cid);
  EXPECT_EQ(rt_->wait(cid), 0);
  rt_->remove(cid);
  EXPECT_EQ(bt::last_json_line(opts.stdout_path)["session_keyring"].get<long>(), ours);
}

TEST_F(RuntimeContainerTest, NoPivotMovesTheRootAndChroots) {
  std::string cid = id("no-pivot");
  boxrt::CreateOptions opts;
  opts.no_pivot = true;
  opts.stdout_path = path("no-pivot.out");
  rt_->create(cid, spec(), opts);
  rt_->start(cid);
  EXPECT_EQ(rt_->wait(cid), 0);
  rt_->remove(cid);
  json info = bt::last_json_line(opts.stdout_path);
  EXPECT_EQ(info["cwd"], "/");
  EXPECT_TRUE(has_mount(info, "/"));
  EXPECT_TRUE(has_mount(info, "/proc"));
  EXPECT_TRUE(has_mount(info, "/proc/keys")) << "masked paths still applied";
  for (const auto& m : info["mounts"])
    EXPECT_EQ(m["path"].get<std::string>().find(dir_.path()), std::string::npos)
        << "a host path is visible: " << m["path"];
}

TEST_F(RuntimeContainerTest, BoxrunRunsFromASealedCopy) {
  // boxrun create leaves its init waiting: until start, that process is boxrun itself.
  std::string bundle = dir_.path();
  boxrt::ContainerSpec s = spec({"/probe"});
  s.root.path = "rootfs";
  boxrt::save_config(s, bundle + "/config.json");
  std::string root = dir_.path() + "/boxrun-state";
  std::string cid = id("sealed");
  std::string cmd = std::string(bt::kBoxrunPath) + " --root " + root + " create --bundle " +
                    bundle + " --pid-file " + bundle + "/pid " + cid;
  ASSERT_EQ(system(cmd.c_str()), 0);
  pid_t pid = std::stoi(bt::read_text(bundle + "/pid"));
  std::string exe = "/proc/" + std::to_string(pid) + "/exe";
  // The attack: hold the runtime's exe while it runs, reopen it for writing once it
  // no longer does (ETXTBSY only protects a binary that is executing).
  int held = open(exe.c_str(), O_PATH | O_CLOEXEC);
  ASSERT_GE(held, 0);
  struct statvfs vfs;
  ASSERT_EQ(fstatvfs(held, &vfs), 0);
  char target[256] = {};
  EXPECT_GT(readlink(exe.c_str(), target, sizeof target - 1), 0);
  EXPECT_TRUE((vfs.f_flag & ST_RDONLY) || std::string(target).find("memfd:boxrun") == 0)
      << target << ": neither a read-only clone nor a sealed copy";
  std::string del = std::string(bt::kBoxrunPath) + " --root " + root + " delete --force " + cid;
  EXPECT_EQ(system(del.c_str()), 0);
  int fd = open(("/proc/self/fd/" + std::to_string(held)).c_str(), O_WRONLY | O_CLOEXEC);
  int err = errno;
  EXPECT_LT(fd, 0) << "the runtime binary must not be writable through /proc/<pid>/exe";
  // EROFS (read-only clone) or EPERM (sealed memfd); ETXTBSY would only mean that some
  // other boxrun happened to be running the same binary.
  EXPECT_TRUE(err == EROFS || err == EPERM) << strerrorname_np(err);
  if (fd >= 0) close(fd);  // nothing written
  close(held);
  EXPECT_TRUE(std::filesystem::is_empty(root));
}

}  // namespace
