// The cgroup v2 device program on this host's real cgroup2 hierarchy (mounted beside the
// v1 controllers here; the device program needs no v2 controller): a process in the
// cgroup gets exactly the device access the rules give, and nothing is left behind.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "boxrt/cgroup.h"
#include "boxrt/cgroup_bpf.h"
#include "boxrt/fd.h"

namespace {

using boxrt::DeviceRule;
namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Where our own cgroup is in the v2 hierarchy; empty when the host has none.
std::string own_v2_cgroup() {
  for (const auto& m : boxrt::parse_cgroup_mounts(slurp("/proc/self/mountinfo"))) {
    if (!m.v2) continue;
    auto own = boxrt::parse_proc_cgroup(slurp("/proc/self/cgroup"));
    std::string path = own.count("") ? own[""] : "/";
    return m.mount_point + (path == "/" ? "" : path);
  }
  return "";
}

DeviceRule rule(bool allow, std::string type, std::optional<int64_t> major,
                std::optional<int64_t> minor, std::string access) {
  return DeviceRule{allow, std::move(type), major, minor, std::move(access)};
}

// What a process in the cgroup gets: 0 or the errno of each step, in order.
std::vector<int> probe_in(boxrt::Cgroup& cg, const std::vector<std::function<int()>>& steps) {
  int go[2], out[2];
  if (pipe2(go, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    if (read(go[0], &c, 1) != 1) _exit(1);
    for (const auto& step : steps) {
      int err = step();
      if (write(out[1], &err, sizeof err) != sizeof err) _exit(1);
    }
    _exit(0);
  }
  close(go[0]);
  close(out[1]);
  cg.attach(pid);
  EXPECT_EQ(write(go[1], "g", 1), 1);
  close(go[1]);
  std::vector<int> results;
  int err;
  while (read(out[0], &err, sizeof err) == sizeof err)
    results.push_back(err);
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return results;
}

std::function<int()> opens(const char* path, int flags) {
  return [=] {
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0) return errno;
    close(fd);
    return 0;
  };
}

std::function<int()> makes_node(std::string path, dev_t dev) {
  return [=] {
    if (mknod(path.c_str(), S_IFCHR | 0600, dev) < 0) return errno;
    unlink(path.c_str());
    return 0;
  };
}

class DeviceFilterOnCgroup2 : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    parent_ = own_v2_cgroup();
    if (parent_.empty()) GTEST_SKIP() << "this host has no cgroup2 hierarchy";
    dir_ = parent_ + "/boxrt-devices-" + std::to_string(getpid());
    cg_ = boxrt::make_cgroup_v2(parent_, dir_);
    cg_->create();
    node_dir_ = fs::temp_directory_path() / ("boxrt-devnode-" + std::to_string(getpid()));
    fs::create_directories(node_dir_);
  }
  void TearDown() override {
    if (cg_) {
      EXPECT_TRUE(cg_->destroy());
      EXPECT_FALSE(fs::exists(dir_)) << "cgroup left behind: " << dir_;
    }
    if (!node_dir_.empty()) fs::remove_all(node_dir_);
  }
  size_t programs_attached() {
    boxrt::UniqueFd fd(open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    return boxrt::attached_device_programs(fd.get(), dir_).size();
  }
  void apply(std::vector<DeviceRule> rules) {
    boxrt::Resources r;
    r.devices = std::move(rules);
    cg_->apply(r);
  }

  std::string parent_, dir_, node_dir_;
  std::unique_ptr<boxrt::Cgroup> cg_;
};

TEST_F(DeviceFilterOnCgroup2, DockerDefaultsGiveTheStandardNodesOnly) {
  apply({rule(false, "a", std::nullopt, std::nullopt, "rwm")});
  EXPECT_EQ(programs_attached(), 1u);
  auto got = probe_in(*cg_, {opens("/dev/null", O_RDWR), opens("/dev/urandom", O_RDONLY),
                             opens("/dev/kmsg", O_RDONLY),  // 1:11, not a default node
                             makes_node(node_dir_ + "/n", makedev(1, 11))});
  EXPECT_EQ(got, (std::vector<int>{0, 0, EPERM, 0}));
  // The same from outside the cgroup: the filter is what refused.
  EXPECT_EQ(opens("/dev/kmsg", O_RDONLY)(), 0);
}

TEST_F(DeviceFilterOnCgroup2, SpecRulesComeAfterTheDefaultsAndWin) {
  apply({rule(false, "a", std::nullopt, std::nullopt, "rwm"), rule(true, "c", 1, 11, "r"),
         rule(false, "c", 1, 3, "w"), rule(false, "c", std::nullopt, std::nullopt, "m")});
  auto got = probe_in(*cg_, {opens("/dev/kmsg", O_RDONLY), opens("/dev/null", O_RDONLY),
                             opens("/dev/null", O_WRONLY), opens("/dev/zero", O_RDWR),
                             makes_node(node_dir_ + "/n", makedev(1, 3))});
  EXPECT_EQ(got, (std::vector<int>{0, 0, EPERM, 0, EPERM}));
}

TEST_F(DeviceFilterOnCgroup2, ApplyingAgainReplacesTheProgram) {
  apply({rule(false, "a", std::nullopt, std::nullopt, "rwm")});
  apply({rule(true, "a", std::nullopt, std::nullopt, "rwm")});
  EXPECT_EQ(programs_attached(), 1u);
  EXPECT_EQ(probe_in(*cg_, {opens("/dev/kmsg", O_RDONLY)}), (std::vector<int>{0}));
}

// A device program someone else attached (unnamed here) is not ours to replace.
TEST_F(DeviceFilterOnCgroup2, ProgramsOfOthersStay) {
  // r0 = 1; exit: allows everything, so only ours decides.
  std::vector<bpf_insn> allow_all(2);
  allow_all[0].code = BPF_ALU64 | BPF_MOV | BPF_K;
  allow_all[0].imm = 1;
  allow_all[1].code = BPF_JMP | BPF_EXIT;
  bpf_attr load{};
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = reinterpret_cast<uintptr_t>(allow_all.data());
  load.insn_cnt = 2;
  load.license = reinterpret_cast<uintptr_t>("GPL");
  boxrt::UniqueFd other(static_cast<int>(syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof load)));
  ASSERT_TRUE(other) << strerror(errno);
  boxrt::UniqueFd dir(open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  boxrt::attach_device_program(dir.get(), other.get(), dir_);
  apply({rule(false, "a", std::nullopt, std::nullopt, "rwm")});
  apply({rule(false, "a", std::nullopt, std::nullopt, "rwm")});
  EXPECT_EQ(programs_attached(), 2u);
  EXPECT_EQ(probe_in(*cg_, {opens("/dev/kmsg", O_RDONLY)}), (std::vector<int>{EPERM}));
}

}  // namespace
