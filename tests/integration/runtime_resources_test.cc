// linux.resources on this host's real cgroups: the values land in the controller files
// (v1 here; v2 where the host is unified) and the limits bite inside the container.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <sstream>

#include "boxrt/block_io.h"
#include "boxrt/cgroup.h"
#include "boxrt/container.h"
#include "boxrt/error.h"
#include "boxrt_testing/container_test.h"

namespace {

using boxrt::ContainerSpec;
using boxrt::DeviceRule;
using nlohmann::json;
namespace bt = boxrt::testing;
namespace fs = std::filesystem;

std::string file_in(const boxrt::CgroupPaths& p, const std::string& controller,
                    const std::string& name) {
  return p.dirs.at(p.v2 ? "" : controller) + "/" + name;
}

std::string value(const std::string& path) {
  return boxrt::read_cgroup_file(path);
}

// The line of /proc/self/status with `key`, as the probe read it inside the container.
std::string status_line(const std::string& status, const std::string& key) {
  auto at = status.find(key + ":");
  if (at == std::string::npos) return "";
  std::string line =
      status.substr(at + key.size() + 1, status.find('\n', at) - at - key.size() - 1);
  line.erase(0, line.find_first_not_of(" \t"));
  return line;
}

class RuntimeResourcesTest : public bt::ContainerTest {
 protected:
  // The cgroup a container with this id would get, without making it.
  static boxrt::CgroupPaths paths_for(const std::string& cid) {
    auto cg = boxrt::make_host_cgroup("", cid);
    return cg->paths();
  }

  // Where the container's cgroup would nest (its parent) in `controller`'s hierarchy.
  std::string parent_dir(const std::string& controller) {
    auto p = paths_for(id("probe-paths"));
    auto it = p.dirs.find(p.v2 ? "" : controller);
    return it == p.dirs.end() ? "" : fs::path(it->second).parent_path().string();
  }

  bool v2() { return paths_for(id("probe-paths")).v2; }
};

TEST_F(RuntimeResourcesTest, CpuSharesQuotaPeriodAndCpusetReachTheCgroup) {
  ContainerSpec s = spec({"/probe", "cat", "/proc/self/status"});
  s.linux.resources->cpu = boxrt::CpuResources{};
  auto& cpu = *s.linux.resources->cpu;
  cpu.shares = 512;
  cpu.quota = 25000;
  cpu.period = 50000;
  cpu.cpus = "0";
  cpu.mems = "0";
  std::string cid = id("cpu");
  boxrt::CreateOptions opts;
  opts.stdout_path = path("cpu.out");
  auto st = rt_->create(cid, s, opts);
  const auto& p = st.cgroup;
  if (p.v2) {
    EXPECT_EQ(value(file_in(p, "", "cpu.max")), "25000 50000");
    EXPECT_EQ(value(file_in(p, "", "cpu.weight")), "20");  // runc's conversion of 512
  } else {
    EXPECT_EQ(value(file_in(p, "cpu", "cpu.shares")), "512");
    EXPECT_EQ(value(file_in(p, "cpu", "cpu.cfs_quota_us")), "25000");
    EXPECT_EQ(value(file_in(p, "cpu", "cpu.cfs_period_us")), "50000");
  }
  EXPECT_EQ(value(file_in(p, "cpuset", "cpuset.cpus")), "0");
  EXPECT_EQ(value(file_in(p, "cpuset", "cpuset.mems")), "0");
  rt_->start(cid);
  EXPECT_EQ(rt_->wait(cid), 0);
  rt_->remove(cid);
  std::string status = bt::last_json_line(opts.stdout_path)["content"];
  EXPECT_EQ(status_line(status, "Cpus_allowed_list"), "0") << "the container runs on cpu 0 only";
  EXPECT_EQ(status_line(status, "Mems_allowed_list"), "0");
}

TEST_F(RuntimeResourcesTest, QuotaWithoutPeriodKeepsTheKernelsPeriod) {
  ContainerSpec s = spec();
  s.linux.resources->cpu = boxrt::CpuResources{};
  s.linux.resources->cpu->quota = 20000;
  std::string cid = id("quota");
  auto st = rt_->create(cid, s);
  if (st.cgroup.v2) {
    EXPECT_EQ(value(file_in(st.cgroup, "", "cpu.max")), "20000 100000");
  } else {
    EXPECT_EQ(value(file_in(st.cgroup, "cpu", "cpu.cfs_quota_us")), "20000");
    EXPECT_EQ(value(file_in(st.cgroup, "cpu", "cpu.cfs_period_us")), "100000");
  }
  rt_->remove(cid);
}

TEST_F(RuntimeResourcesTest, CpuQuotaThrottles) {
  // 10% of one cpu, busy for half a second: the scheduler must throttle it. Only the
  // kernel's counters are checked, never how long anything took.
  ContainerSpec s = spec({"/probe", "spin", "500"});
  s.linux.resources->cpu = boxrt::CpuResources{};
  s.linux.resources->cpu->quota = 10000;
  s.linux.resources->cpu->period = 100000;
  std::string cid = id("throttle");
  boxrt::CreateOptions opts;
  opts.stdout_path = path("throttle.out");
  rt_->create(cid, s, opts);
  rt_->start(cid);
  EXPECT_EQ(rt_->wait(cid), 0);
  boxrt::CgroupStats st = rt_->stats(cid);  // the cgroup lives until delete
  rt_->remove(cid);
  EXPECT_EQ(bt::last_json_line(opts.stdout_path)["spun_ms"], 500);
  EXPECT_GT(st.cpu_periods, 0u);
  EXPECT_GT(st.cpu_throttled_periods, 0u);
  EXPECT_GT(st.cpu_throttled_ns, 0u);
  EXPECT_GT(st.cpu_usage_ns, 0u);
}

TEST_F(RuntimeResourcesTest, BlkioWeightReachesTheCgroup) {
  if (v2()) GTEST_SKIP() << "cgroup v2 host: io.weight is covered by the FakeCgroup2 unit test";
  if (parent_dir("blkio").empty()) GTEST_SKIP() << "this host has no blkio cgroup hierarchy";
  ContainerSpec s = spec();
  s.linux.resources->block_io = boxrt::BlockIoResources{300};
  std::string cid = id("blkio");
  boxrt::ContainerState st;
  try {
    st = rt_->create(cid, s);
  } catch (const boxrt::Error& e) {
    // Weight files exist only under CFQ or BFQ (and never in the root cgroup): the
    // runtime must say so, and leave nothing behind.
    EXPECT_NE(std::string(e.what()).find("has no weight file"), std::string::npos) << e.what();
    for (const auto& [c, d] : paths_for(cid).dirs)
      EXPECT_FALSE(fs::exists(d)) << d;
    GTEST_SKIP() << "no blkio weight file on this host: " << e.what();
  }
  std::string dir = st.cgroup.dirs.at("blkio");
  std::string name = fs::exists(dir + "/blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
  std::string got = value(dir + "/" + name);
  EXPECT_NE(got.find("300"), std::string::npos)
      << name << ": " << got;  // bfq may say "default 300"
  rt_->remove(cid);
}

// A whole disk: throttles apply to disks, never to their partitions.
struct Disk {
  int64_t major = 0, minor = 0;
  std::string number() const { return boxrt::device_number(major, minor); }
};

std::optional<Disk> disk_from_sysfs(const std::string& dir) {
  Disk d;
  if (sscanf(value(dir + "/dev").c_str(), "%" SCNd64 ":%" SCNd64, &d.major, &d.minor) != 2)
    return std::nullopt;
  return d;
}

// The disk holding `path`; none when its filesystem is not on one (tmpfs, overlay, btrfs).
std::optional<Disk> disk_holding(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || major(st.st_dev) == 0) return std::nullopt;
  std::string sys = "/sys/dev/block/" + boxrt::device_number(major(st.st_dev), minor(st.st_dev));
  if (!fs::exists(sys + "/dev")) return std::nullopt;
  if (fs::exists(sys + "/partition")) sys = fs::canonical(sys).parent_path().string();
  return disk_from_sysfs(sys);
}

// Any of this host's disks, the one holding `path` first.
std::optional<Disk> some_disk(const std::string& path) {
  if (auto d = disk_holding(path)) return d;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/sys/block", ec))
    if (auto d = disk_from_sysfs(e.path().string())) return d;
  return std::nullopt;
}

// Bytes the kernel's throttling layer saw the cgroup write to `disk`: v1's
// blkio.throttle.io_service_bytes ("254:0 Write N"), v2's io.stat ("254:0 ... wbytes=N").
uint64_t bytes_written(const boxrt::CgroupPaths& p, const Disk& disk) {
  std::istringstream in(value(p.v2 ? file_in(p, "", "io.stat")
                                   : file_in(p, "blkio", "blkio.throttle.io_service_bytes")));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(disk.number() + " ", 0) != 0) continue;
    std::string key = p.v2 ? "wbytes=" : " Write ";
    auto at = line.find(key);
    if (at != std::string::npos) return std::stoull(line.substr(at + key.size()));
  }
  return 0;
}

class RuntimeBlockIoTest : public RuntimeResourcesTest {
 protected:
  void SetUp() override {
    RuntimeResourcesTest::SetUp();
    if (IsSkipped()) return;
    if (!v2() && parent_dir("blkio").empty()) GTEST_SKIP() << "this host has no blkio hierarchy";
  }
};

TEST_F(RuntimeBlockIoTest, ThrottlesReachTheCgroup) {
  auto disk = some_disk(dir_.path());
  if (!disk) GTEST_SKIP() << "this host has no block device";
  ContainerSpec s = spec();
  boxrt::BlockIoResources bio;
  bio.throttle_read_bps_device = {{disk->major, disk->minor, 1048576}};
  bio.throttle_write_bps_device = {{disk->major, disk->minor, 2097152}};
  bio.throttle_read_iops_device = {{disk->major, disk->minor, 100}};
  bio.throttle_write_iops_device = {{disk->major, disk->minor, 200}};
  s.linux.resources->block_io = bio;
  std::string cid = id("throttles");
  auto st = rt_->create(cid, s);
  const auto& p = st.cgroup;
  std::string dev = disk->number();
  if (p.v2) {
    EXPECT_EQ(value(file_in(p, "", "io.max")),
              dev + " rbps=1048576 wbps=2097152 riops=100 wiops=200");
  } else {
    EXPECT_EQ(value(file_in(p, "blkio", "blkio.throttle.read_bps_device")), dev + " 1048576");
    EXPECT_EQ(value(file_in(p, "blkio", "blkio.throttle.write_bps_device")), dev + " 2097152");
    EXPECT_EQ(value(file_in(p, "blkio", "blkio.throttle.read_iops_device")), dev + " 100");
    EXPECT_EQ(value(file_in(p, "blkio", "blkio.throttle.write_iops_device")), dev + " 200");
  }
  rt_->remove(cid);
}

TEST_F(RuntimeBlockIoTest, NoSuchDiskNamesTheConfigField) {
  ContainerSpec s = spec();
  boxrt::BlockIoResources bio;
  bio.throttle_write_iops_device = {{4095, 1048575, 10}};  // the largest numbers, never a disk
  s.linux.resources->block_io = bio;
  std::string cid = id("nodisk");
  try {
    rt_->create(cid, s);
    ADD_FAILURE() << "a throttle on a device that does not exist was accepted";
    rt_->remove(cid);
  } catch (const boxrt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("linux.resources.blockIO"), std::string::npos) << e.what();
    for (const auto& [c, d] : paths_for(cid).dirs)
      EXPECT_FALSE(fs::exists(d)) << d;
  }
}

// The writes of a throttled container reach the disk through its cgroup, where the kernel
// accounts (and throttles) them. How long they take is a measurement, not a test: 2 MiB
// with O_DIRECT under 1 MiB/s took 2.0 s here, unthrottled a few milliseconds.
TEST_F(RuntimeBlockIoTest, DirectWritesGoThroughTheThrottledCgroup) {
  auto disk = disk_holding(dir_.path());
  if (!disk) GTEST_SKIP() << dir_.path() << " is not on a disk (tmpfs, overlay?)";
  fs::create_directories(path("data"));
  fs::create_directories(rootfs_ + "/data");
  ContainerSpec s = spec({"/bin/busybox", "dd", "if=/dev/zero", "of=/data/zeros", "bs=64k",
                          "count=32", "oflag=direct"});
  s.mounts.push_back({"/data", "bind", path("data"), {"rbind", "rw"}});
  boxrt::BlockIoResources bio;
  bio.throttle_write_bps_device = {{disk->major, disk->minor, 1 << 20}};
  s.linux.resources->block_io = bio;
  std::string cid = id("dd");
  boxrt::CreateOptions opts;
  opts.stdout_path = path("dd.out");
  opts.stderr_path = path("dd.err");
  auto st = rt_->create(cid, s, opts);
  rt_->start(cid);
  int code = rt_->wait(cid);
  uint64_t written = bytes_written(st.cgroup, *disk);  // the cgroup lives until remove
  rt_->remove(cid);
  EXPECT_EQ(code, 0) << bt::read_text(opts.stderr_path);
  EXPECT_GE(written, 2u << 20) << "the writes went through the throttled disk";
}

class RuntimeDevicesTest : public RuntimeResourcesTest {
 protected:
  void SetUp() override {
    RuntimeResourcesTest::SetUp();
    if (IsSkipped()) return;
    if (parent_dir("devices").empty()) GTEST_SKIP() << "this host has no devices cgroup hierarchy";
  }

  json run_probe(const std::string& name, const ContainerSpec& s) { return probe(name, s); }
};

TEST_F(RuntimeDevicesTest, DeniedWriteToDevNullFailsInside) {
  ContainerSpec s = spec({"/probe", "write", "/dev/null"});
  // The template's deny-all, then one rule that takes write access back from a default node.
  s.linux.resources->devices = {{false, "a", std::nullopt, std::nullopt, "rwm"},
                                {false, "c", 1, 3, "w"}};
  json r = run_probe("devnull-write", s);
  EXPECT_EQ(r["rc"], -1);
  EXPECT_EQ(r["errno"], EPERM) << r.dump();
  s.process.args = {"/probe", "cat", "/dev/null"};
  EXPECT_EQ(run_probe("devnull-read", s)["rc"], 0) << "read access stays";
  s.linux.resources->devices.pop_back();
  s.process.args = {"/probe", "write", "/dev/null"};
  EXPECT_GE(run_probe("devnull-allowed", s)["rc"], 0) << "without the rule, /dev/null is writable";
}

TEST_F(RuntimeDevicesTest, AllowListAddsANodeAndTheListShowsIt) {
  ContainerSpec s = spec({"/probe", "write", "/dev/kmsg"});
  boxrt::Device kmsg;
  kmsg.path = "/dev/kmsg";
  kmsg.type = "c";
  kmsg.major = 1;
  kmsg.minor = 11;
  kmsg.file_mode = 0600;
  s.linux.devices.push_back(kmsg);
  json denied = run_probe("kmsg-denied", s);
  EXPECT_EQ(denied["errno"], EPERM) << "not in the allow list: " << denied.dump();

  s.linux.resources->devices.push_back({true, "c", 1, 11, "w"});
  std::string cid = id("kmsg-list");
  auto st = rt_->create(cid, s);
  if (!st.cgroup.v2) {  // v2 keeps its rules in an eBPF program, with no list to read back
    std::string list = value(file_in(st.cgroup, "devices", "devices.list"));
    EXPECT_NE(list.find("c 1:11 w"), std::string::npos) << list;
    EXPECT_NE(list.find("c 1:3 rwm"), std::string::npos) << "the default nodes: " << list;
    EXPECT_EQ(list.find("a *:* rwm"), std::string::npos) << "deny-all came first: " << list;
  }
  rt_->remove(cid);
  EXPECT_GE(run_probe("kmsg-allowed", s)["rc"], 0)
      << "opening /dev/kmsg for writing is allowed now";
}

}  // namespace
