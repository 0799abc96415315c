// Runtime helpers that need no privileges: cgroup file parsing, the v2 backend on a
// directory laid out like cgroup2 and the v1 blkio writes on one laid out like blkio, path
// resolution inside a root, the procfs check.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "boxrt/cgroup.h"
#include "boxrt/error.h"
#include "boxrt/init.h"
#include "boxrt/mounts.h"
#include "boxrt/procfs.h"
#include "boxrt_testing/rootfs.h"

namespace {

namespace fs = std::filesystem;
using boxrt::testing::read_text;
using boxrt::testing::TempDir;

const char* kHybridMountinfo =
    "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

TEST(RuntimeCgroup, ParsesMountinfoAndDetectsHybrid) {
  auto mounts = boxrt::parse_cgroup_mounts(kHybridMountinfo);
  ASSERT_EQ(mounts.size(), 4u);  // the named systemd hierarchy is skipped
  EXPECT_EQ(mounts[0].controllers, std::vector<std::string>{"cpu"});
  EXPECT_EQ(mounts[2].mount_point, "/sys/fs/cgroup/memory");
  EXPECT_TRUE(mounts[3].v2);
  EXPECT_EQ(boxrt::detect_cgroup_mode(mounts), boxrt::CgroupMode::kHybrid);
  mounts.pop_back();
  EXPECT_EQ(boxrt::detect_cgroup_mode(mounts), boxrt::CgroupMode::kV1);
  EXPECT_EQ(boxrt::detect_cgroup_mode(boxrt::parse_cgroup_mounts(
                "41 31 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n")),
            boxrt::CgroupMode::kV2);
}

TEST(RuntimeCgroup, ParsesProcSelfCgroupAndNests) {
  auto own = boxrt::parse_proc_cgroup("4:memory:/a/b\n2:cpu,cpuacct:/\n0::/user.slice\n");
  EXPECT_EQ(own["memory"], "/a/b");
  EXPECT_EQ(own["cpuacct"], "/");
  EXPECT_EQ(own[""], "/user.slice");
  EXPECT_EQ(boxrt::container_cgroup_path("/a/b", "", "web"), "/a/b/web");
  EXPECT_EQ(boxrt::container_cgroup_path("/a/b", "proj/web", "x"), "/a/b/proj/web");
  EXPECT_EQ(boxrt::container_cgroup_path("/a/b", "/abs/web", "x"), "/abs/web");
  EXPECT_EQ(boxrt::container_cgroup_path("/", "", "web"), "/web");
}

// A directory laid out like a cgroup2 mount whose root offers the usual controllers.
class FakeCgroup2 : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = tmp_.path();
    std::ofstream(root_ + "/cgroup.controllers") << "cpuset cpu io memory pids\n";
    std::ofstream(root_ + "/cgroup.subtree_control") << "";
    dir_ = root_ + "/proj";
    fs::create_directories(dir_);
    std::ofstream(dir_ + "/cgroup.controllers") << "cpuset cpu io memory pids\n";
    std::ofstream(dir_ + "/cgroup.subtree_control") << "";
    dir_ += "/web";
    fs::create_directories(dir_);  // what the kernel would fill in on mkdir:
    for (const char* f : {"memory.max", "memory.low", "memory.swap.max", "cpu.weight", "cpu.max",
                          "cpuset.cpus", "cpuset.mems", "pids.max", "io.weight", "io.max",
                          "cgroup.procs", "cgroup.freeze", "memory.current"})
      std::ofstream(dir_ + "/" + f) << "";
  }
  TempDir tmp_;
  std::string root_, dir_;
};

TEST_F(FakeCgroup2, WritesV2Limits) {
  auto cg = boxrt::make_cgroup_v2(root_, dir_);
  cg->create();
  boxrt::Resources r;
  r.memory = boxrt::MemoryResources{};
  r.memory->limit = 64 << 20;
  r.memory->reservation = 32 << 20;
  r.memory->swap = 128 << 20;
  r.cpu = boxrt::CpuResources{};
  r.cpu->shares = 1024;
  r.cpu->quota = 50000;
  r.cpu->period = 100000;
  r.cpu->cpus = "0-1";
  r.pids = boxrt::PidsResources{100};
  r.block_io = boxrt::BlockIoResources{500};
  cg->apply(r);
  EXPECT_EQ(read_text(dir_ + "/memory.max"), "67108864");
  EXPECT_EQ(read_text(dir_ + "/memory.low"), "33554432");
  EXPECT_EQ(read_text(dir_ + "/memory.swap.max"), "67108864");  // swap alone
  EXPECT_EQ(read_text(dir_ + "/cpu.weight"), "39");
  EXPECT_EQ(read_text(dir_ + "/cpu.max"), "50000 100000");
  EXPECT_EQ(read_text(dir_ + "/cpuset.cpus"), "0-1");
  EXPECT_EQ(read_text(dir_ + "/pids.max"), "100");
  EXPECT_EQ(read_text(dir_ + "/io.weight"), "default 4950");
  // A plain file keeps only the last "+controller" (the kernel accumulates them).
  EXPECT_EQ(read_text(root_ + "/cgroup.subtree_control").substr(0, 1), "+");
  EXPECT_EQ(read_text(root_ + "/proj/cgroup.subtree_control").substr(0, 1), "+");
  cg->freeze(true);
  EXPECT_TRUE(cg->frozen());
  EXPECT_EQ(cg->paths().unified_root, root_);
}

TEST_F(FakeCgroup2, MissingControllerIsAClearError) {
  std::ofstream(root_ + "/cgroup.controllers") << "memory\n";
  auto cg = boxrt::make_cgroup_v2(root_, dir_);
  boxrt::Resources r;
  r.pids = boxrt::PidsResources{10};
  try {
    cg->apply(r);
    FAIL();
  } catch (const boxrt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("lacks the pids controller"), std::string::npos) << e.what();
  }
}

boxrt::ThrottleDevice throttle(int64_t major, int64_t minor, uint64_t rate) {
  return {major, minor, rate};
}

TEST_F(FakeCgroup2, WritesAllOfADevicesThrottlesOnOneIoMaxLine) {
  auto cg = boxrt::make_cgroup_v2(root_, dir_);
  cg->create();
  boxrt::Resources r;
  r.block_io = boxrt::BlockIoResources{};
  r.block_io->throttle_read_bps_device = {throttle(8, 0, 1048576)};
  r.block_io->throttle_write_bps_device = {throttle(8, 0, 2097152)};
  r.block_io->throttle_read_iops_device = {throttle(8, 0, 100)};
  r.block_io->throttle_write_iops_device = {throttle(8, 0, 200)};
  cg->apply(r);
  EXPECT_EQ(read_text(dir_ + "/io.max"), "8:0 rbps=1048576 wbps=2097152 riops=100 wiops=200");
  EXPECT_EQ(read_text(root_ + "/proj/cgroup.subtree_control"), "+io");
  EXPECT_EQ(read_text(dir_ + "/io.weight"), "") << "no weight was asked for";
}

TEST_F(FakeCgroup2, ARateOfZeroLiftsTheIoMaxLimit) {
  auto cg = boxrt::make_cgroup_v2(root_, dir_);
  boxrt::Resources r;
  r.block_io = boxrt::BlockIoResources{};
  r.block_io->throttle_read_bps_device = {throttle(8, 0, 1048576)};
  r.block_io->throttle_write_bps_device = {throttle(8, 16, 0)};
  cg->apply(r);
  // A plain file keeps only the last line: the second device's.
  EXPECT_EQ(read_text(dir_ + "/io.max"), "8:16 wbps=max");
}

TEST_F(FakeCgroup2, DeviceWeightsAreScaledForIoWeight) {
  auto cg = boxrt::make_cgroup_v2(root_, dir_);
  boxrt::Resources r;
  r.block_io = boxrt::BlockIoResources{};
  r.block_io->weight_device = {{8, 0, 1000, 700}};
  cg->apply(r);
  EXPECT_EQ(read_text(dir_ + "/io.weight"), "8:0 10000");
  EXPECT_EQ(read_text(root_ + "/proj/cgroup.subtree_control"), "+io");
  EXPECT_EQ(read_text(dir_ + "/io.max"), "") << "no throttle was asked for";

  r.block_io->weight = 500;
  r.block_io->weight_device = {{8, 16, 10, std::nullopt}};
  cg->apply(r);
  EXPECT_EQ(read_text(dir_ + "/io.weight"), "8:16 1") << "the default goes first, then devices";
}

TEST_F(FakeCgroup2, LeafWeightAloneWritesNothing) {
  auto cg = boxrt::make_cgroup_v2(root_, dir_);
  boxrt::Resources r;
  r.block_io = boxrt::BlockIoResources{};
  r.block_io->weight_device = {{8, 0, std::nullopt, 700}};
  cg->apply(r);  // cgroup v2 has no leaf weights
  EXPECT_EQ(read_text(dir_ + "/io.weight"), "");
  EXPECT_EQ(read_text(root_ + "/proj/cgroup.subtree_control"), "");
}

TEST_F(FakeCgroup2, BfqTakesWeightsUnscaled) {
  std::ofstream(dir_ + "/io.bfq.weight") << "";
  auto cg = boxrt::make_cgroup_v2(root_, dir_);
  boxrt::Resources r;
  r.block_io = boxrt::BlockIoResources{300};
  cg->apply(r);
  EXPECT_EQ(read_text(dir_ + "/io.bfq.weight"), "default 300");
  r.block_io->weight_device = {{8, 0, 800, std::nullopt}};
  cg->apply(r);
  EXPECT_EQ(read_text(dir_ + "/io.bfq.weight"), "8:0 800");
  EXPECT_EQ(read_text(dir_ + "/io.weight"), "");
}

TEST_F(FakeCgroup2, MissingIoMaxIsAClearError) {
  fs::remove(dir_ + "/io.max");
  auto cg = boxrt::make_cgroup_v2(root_, dir_);
  boxrt::Resources r;
  r.block_io = boxrt::BlockIoResources{};
  r.block_io->throttle_write_iops_device = {throttle(8, 0, 10)};
  try {
    cg->apply(r);
    FAIL();
  } catch (const boxrt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("has no io.max"), std::string::npos) << e.what();
  }
}

// A directory laid out like a v1 blkio cgroup under BFQ, on a kernel with throttling.
class FakeBlkio : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.path() + "/web";
    fs::create_directories(dir_);
    for (const char* f : {"blkio.bfq.weight", "blkio.bfq.weight_device",
                          "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
                          "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"})
      std::ofstream(dir_ + "/" + f) << "";
  }
  std::unique_ptr<boxrt::Cgroup> cgroup() {
    boxrt::CgroupPaths paths;
    paths.dirs["blkio"] = dir_;
    return boxrt::make_cgroup_v1(paths);
  }
  TempDir tmp_;
  std::string dir_;
};

TEST_F(FakeBlkio, WritesEachThrottleAndDeviceWeight) {
  boxrt::Resources r;
  r.block_io = boxrt::BlockIoResources{200};
  r.block_io->weight_device = {{8, 0, 500, 300}};  // no leaf_weight_device file: dropped
  r.block_io->throttle_read_bps_device = {throttle(8, 0, 1048576)};
  r.block_io->throttle_write_bps_device = {throttle(8, 0, 2097152)};
  r.block_io->throttle_read_iops_device = {throttle(8, 0, 100)};
  r.block_io->throttle_write_iops_device = {throttle(254, 0, 200)};
  cgroup()->apply(r);
  EXPECT_EQ(read_text(dir_ + "/blkio.bfq.weight"), "200");
  EXPECT_EQ(read_text(dir_ + "/blkio.bfq.weight_device"), "8:0 500");
  EXPECT_EQ(read_text(dir_ + "/blkio.throttle.read_bps_device"), "8:0 1048576");
  EXPECT_EQ(read_text(dir_ + "/blkio.throttle.write_bps_device"), "8:0 2097152");
  EXPECT_EQ(read_text(dir_ + "/blkio.throttle.read_iops_device"), "8:0 100");
  EXPECT_EQ(read_text(dir_ + "/blkio.throttle.write_iops_device"), "254:0 200");
  EXPECT_FALSE(fs::exists(dir_ + "/blkio.leaf_weight_device"));
}

TEST_F(FakeBlkio, PrefersCfqFilesAndWritesLeafWeights) {
  for (const char* f : {"blkio.weight_device", "blkio.leaf_weight_device"})
    std::ofstream(dir_ + "/" + f) << "";
  boxrt::Resources r;
  r.block_io = boxrt::BlockIoResources{};
  r.block_io->weight_device = {{8, 0, 500, 300}};
  cgroup()->apply(r);
  EXPECT_EQ(read_text(dir_ + "/blkio.weight_device"), "8:0 500");
  EXPECT_EQ(read_text(dir_ + "/blkio.leaf_weight_device"), "8:0 300");
  EXPECT_EQ(read_text(dir_ + "/blkio.bfq.weight_device"), "");
}

TEST_F(FakeBlkio, MissingThrottleFileNamesWhatWasAsked) {
  fs::remove(dir_ + "/blkio.throttle.write_iops_device");
  boxrt::Resources r;
  r.block_io = boxrt::BlockIoResources{};
  r.block_io->throttle_write_iops_device = {throttle(8, 0, 10)};
  try {
    cgroup()->apply(r);
    FAIL();
  } catch (const boxrt::Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("throttleWriteIOPSDevice"), std::string::npos) << what;
    EXPECT_NE(what.find("blkio.throttle.write_iops_device"), std::string::npos) << what;
    EXPECT_NE(what.find("CONFIG_BLK_DEV_THROTTLING"), std::string::npos) << what;
  }
}

TEST_F(FakeBlkio, RefusedEntryNamesTheConfigField) {
  fs::remove(dir_ + "/blkio.throttle.read_bps_device");
  fs::create_directory(dir_ + "/blkio.throttle.read_bps_device");  // open(O_WRONLY) fails
  boxrt::Resources r;
  r.block_io = boxrt::BlockIoResources{};
  r.block_io->throttle_read_bps_device = {throttle(8, 0, 10)};
  try {
    cgroup()->apply(r);
    FAIL();
  } catch (const boxrt::Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("linux.resources.blockIO.throttleReadBpsDevice: ", 0), 0u)
        << e.what();
  }
}

TEST_F(FakeBlkio, EmptyBlockIoNeedsNoBlkioHierarchy) {
  boxrt::Resources r;
  r.block_io = boxrt::BlockIoResources{};
  r.block_io->weight_device = {{8, 0, std::nullopt, std::nullopt}};
  EXPECT_NO_THROW(boxrt::make_cgroup_v1(boxrt::CgroupPaths{})->apply(r));
}

TEST(RuntimeMounts, ParsesOptions) {
  auto f = boxrt::parse_mount_options({"rbind", "ro", "nosuid", "rprivate", "size=1m", "mode=755"});
  EXPECT_TRUE(f.bind);
  EXPECT_TRUE(f.rec);
  EXPECT_EQ(f.flags, static_cast<unsigned long>(MS_RDONLY | MS_NOSUID));
  EXPECT_EQ(f.propagation, static_cast<unsigned long>(MS_PRIVATE | MS_REC));
  EXPECT_EQ(f.data, "size=1m,mode=755");
}

std::string fd_target(int fd) {
  char buf[4096] = {};
  EXPECT_GT(readlink(boxrt::fd_path(fd).c_str(), buf, sizeof buf - 1), 0);
  return buf;
}

TEST(RuntimeMounts, SymlinksNeverLeaveTheRoot) {
  TempDir tmp;
  std::string root = tmp.path() + "/root";
  fs::create_directories(root + "/etc");
  fs::create_symlink("/", root + "/abs");                 // absolute: the root itself
  fs::create_symlink("../../../../..", root + "/etc/up"); // climbs: clamped at the root
  fs::create_symlink("/nonexistent/deep", root + "/dangling");
  int rootfd = open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(rootfd, 0);
  {
    auto fd = boxrt::ensure_in_root(rootfd, "/abs/etc/new", true);
    EXPECT_EQ(fd_target(fd.get()), root + "/etc/new");
    auto up = boxrt::ensure_in_root(rootfd, "/etc/up/made", true);
    EXPECT_EQ(fd_target(up.get()), root + "/made");
    auto dangling = boxrt::ensure_in_root(rootfd, "/dangling", false);
    EXPECT_EQ(fd_target(dangling.get()), root + "/nonexistent/deep");
    EXPECT_TRUE(fs::is_regular_file(root + "/nonexistent/deep"));
    EXPECT_FALSE(fs::exists("/nonexistent"));
    auto dots = boxrt::ensure_in_root(rootfd, "/../../x", true);
    EXPECT_EQ(fd_target(dots.get()), root + "/x");
  }
  close(rootfd);
}

TEST(RuntimeProcfs, RefusesWhatIsNotProcfs) {
  TempDir tmp;
  int fd = open(tmp.path().c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_THROW(boxrt::check_procfs(fd, tmp.path()), boxrt::Error);
  close(fd);
  fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  EXPECT_NO_THROW(boxrt::check_procfs(fd, "/proc/self/status"));
  close(fd);
}

TEST(RuntimeInit, CwdThroughProcFdIsRefused) {
  EXPECT_THROW(boxrt::check_cwd("/proc/self/fd/5"), boxrt::Error);
  EXPECT_THROW(boxrt::check_cwd("/proc/thread-self/fd/5/x"), boxrt::Error);
  EXPECT_THROW(boxrt::check_cwd("/proc/1/fd/3"), boxrt::Error);
  EXPECT_THROW(boxrt::check_cwd("relative"), boxrt::Error);
  EXPECT_NO_THROW(boxrt::check_cwd("/srv/app"));
}

}  // namespace
