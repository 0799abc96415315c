// cgroup v1: one directory per hierarchy. Limits go to the controller that owns them;
// cpu and cpuacct may be one mount or two, so every lookup is by controller name.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <set>
#include <sstream>
#include <thread>

#include "boxrt/backoff.h"
#include "boxrt/block_io.h"
#include "boxrt/cgroup.h"
#include "boxrt/device_rules.h"
#include "boxrt/error.h"
#include "boxrt/os_error.h"

namespace boxrt {
namespace {

bool exists(const std::string& path) {
  return access(path.c_str(), F_OK) == 0;
}

bool cpuset_filled(const std::string& dir) {
  return !read_cgroup_file(dir + "/cpuset.cpus").empty() &&
         !read_cgroup_file(dir + "/cpuset.mems").empty();
}

// Creates dir and missing ancestors. cpuset children start with empty cpus/mems and
// accept no task until they are filled, so copy them from the parent. Containers may be
// created at once under a common parent: one may find the parent made by another but not
// yet filled, so a cpuset parent is filled by whoever gets there (the same values).
void mkdir_p(const std::string& dir, bool cpuset) {
  bool present = exists(dir);
  if (present && (!cpuset || cpuset_filled(dir))) return;
  std::string parent = dir.substr(0, dir.rfind('/'));
  mkdir_p(parent, cpuset);
  if (!present && mkdir(dir.c_str(), 0755) < 0 && errno != EEXIST)
    throw os_error("mkdir cgroup", dir, errno);
  if (!cpuset) return;
  for (const char* f : {"cpuset.cpus", "cpuset.mems"})
    if (read_cgroup_file(dir + "/" + f).empty())
      write_cgroup_file(dir + "/" + f, read_cgroup_file(parent + "/" + f));
}

class CgroupV1 : public Cgroup {
 public:
  explicit CgroupV1(CgroupPaths paths) : paths_(std::move(paths)) {}

  const CgroupPaths& paths() const override { return paths_; }

  void create() override {
    for (const auto& dir : unique_dirs())
      mkdir_p(dir, dir == dir_of("cpuset"));
  }

  void apply(const Resources& r) override {
    if (r.memory) apply_memory(*r.memory);
    if (r.cpu) apply_cpu(*r.cpu);
    if (r.pids)
      write("pids", "pids.max", r.pids->limit > 0 ? std::to_string(r.pids->limit) : "max");
    if (r.block_io) apply_blkio(*r.block_io);
    if (!r.devices.empty()) apply_devices(r.devices);
    if (!r.unified.empty())
      throw Error("linux.resources.unified needs cgroup v2; this host uses v1");
  }

  void attach(pid_t pid) override {
    for (const auto& dir : unique_dirs())
      write_cgroup_file(dir + "/cgroup.procs", std::to_string(pid));
  }

  void attach_self() override {
    for (const auto& dir : unique_dirs())
      write_cgroup_file(dir + "/tasks", "0");
  }

  std::vector<pid_t> pids() const override {
    std::string dir = dir_of("pids");
    if (dir.empty()) dir = *unique_dirs().begin();
    return exists(dir) ? read_pid_list(dir + "/cgroup.procs") : std::vector<pid_t>{};
  }

  void freeze(bool frozen) override {
    std::string want = frozen ? "FROZEN" : "THAWED";
    write("freezer", "freezer.state", want);
    for (int i = 0; i < 1000 && read_cgroup_file(file("freezer", "freezer.state")) != want; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  bool frozen() const override {
    std::string f = file("freezer", "freezer.state");
    return exists(f) && read_cgroup_file(f) == "FROZEN";
  }

  CgroupStats stats() const override {
    CgroupStats s;
    s.memory_usage = number("memory", "memory.usage_in_bytes");
    s.memory_limit = number("memory", "memory.limit_in_bytes");
    s.cpu_usage_ns = number("cpuacct", "cpuacct.usage");
    s.pids_current = number("pids", "pids.current");
    s.oom_kills = oom_kills();
    s.cpu_periods = keyed("cpu", "cpu.stat", "nr_periods");
    s.cpu_throttled_periods = keyed("cpu", "cpu.stat", "nr_throttled");
    s.cpu_throttled_ns = keyed("cpu", "cpu.stat", "throttled_time");
    return s;
  }

  bool destroy() override {
    bool removed = false;
    for (const auto& dir : unique_dirs()) {
      Backoff backoff(std::chrono::seconds(1));
      while (exists(dir)) {
        if (rmdir(dir.c_str()) == 0) {
          removed = true;
          break;
        }
        if (errno != EBUSY) throw os_error("remove cgroup", dir, errno);
        if (!backoff.wait()) break;
      }
      if (exists(dir)) throw Error("remove cgroup " + dir + ": still busy after 1s");
    }
    return removed;
  }

 private:
  std::set<std::string> unique_dirs() const {
    std::set<std::string> out;
    for (const auto& [c, d] : paths_.dirs)
      out.insert(d);
    return out;
  }
  std::string dir_of(const std::string& controller) const {
    auto it = paths_.dirs.find(controller);
    return it == paths_.dirs.end() ? "" : it->second;
  }
  std::string file(const std::string& controller, const std::string& name) const {
    std::string dir = dir_of(controller);
    if (dir.empty())
      throw Error("a " + controller + " limit was requested but this host has no " + controller +
                  " cgroup hierarchy");
    return dir + "/" + name;
  }
  void write(const std::string& controller, const std::string& name, const std::string& value) {
    write_cgroup_file(file(controller, name), value);
  }
  uint64_t number(const std::string& controller, const std::string& name) const {
    std::string dir = dir_of(controller);
    if (dir.empty() || !exists(dir + "/" + name)) return 0;
    return std::stoull(read_cgroup_file(dir + "/" + name));
  }
  // "key value" lines (cpu.stat); 0 when the file or key is missing.
  uint64_t keyed(const std::string& controller, const std::string& name,
                 const std::string& key) const {
    std::string dir = dir_of(controller);
    if (dir.empty() || !exists(dir + "/" + name)) return 0;
    std::istringstream in(read_cgroup_file(dir + "/" + name));
    std::string k;
    uint64_t v;
    while (in >> k >> v)
      if (k == key) return v;
    return 0;
  }
  uint64_t oom_kills() const {
    std::string f = dir_of("memory") + "/memory.oom_control";
    if (dir_of("memory").empty() || !exists(f)) return 0;
    std::string text = read_cgroup_file(f);
    auto pos = text.find("oom_kill ");
    return pos == std::string::npos ? 0 : std::stoull(text.substr(pos + 9));
  }

  void apply_memory(const MemoryResources& m) {
    if (m.limit) write("memory", "memory.limit_in_bytes", std::to_string(*m.limit));
    if (m.reservation)
      write("memory", "memory.soft_limit_in_bytes", std::to_string(*m.reservation));
    if (m.swap) {
      if (!exists(file("memory", "memory.memsw.limit_in_bytes")))
        throw Error(
            "a swap limit was requested but this host's memory cgroup has no swap accounting (boot "
            "with swapaccount=1)");
      write("memory", "memory.memsw.limit_in_bytes", std::to_string(*m.swap));
    }
    if (m.swappiness) write("memory", "memory.swappiness", std::to_string(*m.swappiness));
    if (m.disable_oom_killer && *m.disable_oom_killer) write("memory", "memory.oom_control", "1");
  }

  void apply_cpu(const CpuResources& c) {
    if (c.shares) write("cpu", "cpu.shares", std::to_string(*c.shares));
    if (c.period) write("cpu", "cpu.cfs_period_us", std::to_string(*c.period));
    if (c.quota) write("cpu", "cpu.cfs_quota_us", std::to_string(*c.quota));
    if (!c.cpus.empty()) write("cpuset", "cpuset.cpus", c.cpus);
    if (!c.mems.empty()) write("cpuset", "cpuset.mems", c.mems);
  }

  void apply_blkio(const BlockIoResources& b) {
    if (has_weight(b.weight)) apply_blkio_weight(*b.weight);
    for (const auto& d : b.weight_device)
      apply_weight_device(d);
    for (const auto& t : kBlockIoThrottles)
      apply_throttle(t, b.*t.devices);
  }

  void apply_blkio_weight(uint16_t weight) {
    for (const char* name : {"blkio.weight", "blkio.bfq.weight"}) {
      if (exists(file("blkio", name))) return write("blkio", name, std::to_string(weight));
    }
    throw Error(
        "a block I/O weight was requested but this host's blkio cgroup has no weight file (no "
        "CFQ/BFQ scheduler)");
  }

  void apply_weight_device(const WeightDevice& d) {
    std::string dev = device_number(d.major, d.minor);
    if (has_weight(d.weight))
      write_device_line("weightDevice", device_weight_file(),
                        dev + " " + std::to_string(*d.weight));
    // Leaf weights were CFQ's alone (gone since Linux 5.0): where the file is missing there
    // is nothing they could mean, so they are dropped rather than failing the container.
    if (d.leaf_weight && exists(file("blkio", "blkio.leaf_weight_device")))
      write_device_line("weightDevice", "blkio.leaf_weight_device",
                        dev + " " + std::to_string(*d.leaf_weight));
  }

  // Per-device weights sit beside the default weight of the same scheduler.
  std::string device_weight_file() const {
    for (const char* name : {"blkio.weight_device", "blkio.bfq.weight_device"})
      if (exists(file("blkio", name))) return name;
    throw Error(
        "a per-device block I/O weight (weightDevice) was requested but this host's blkio cgroup "
        "has no weight_device file (no CFQ/BFQ scheduler)");
  }

  // One "MAJ:MIN RATE" write per entry; a rate of 0 lifts that device's limit.
  void apply_throttle(const BlockIoThrottle& t, const std::vector<ThrottleDevice>& devices) {
    if (devices.empty()) return;
    if (!exists(file("blkio", t.v1_file)))
      throw Error(std::string("a block I/O throttle (") + t.oci_field +
                  ") was requested but this host's blkio cgroup has no " + t.v1_file +
                  " (kernel built without CONFIG_BLK_DEV_THROTTLING)");
    for (const auto& d : devices)
      write_device_line(t.oci_field, t.v1_file,
                        device_number(d.major, d.minor) + " " + std::to_string(d.rate));
  }

  void write_device_line(const char* oci_field, const std::string& name, const std::string& line) {
    try {
      write("blkio", name, line);
    } catch (const Error& e) {
      throw device_line_error(e, oci_field);
    }
  }

  // The devices controller takes rules one at a time, in order (later ones win).
  void apply_devices(const std::vector<DeviceRule>& rules) {
    if (dir_of("devices").empty()) return;
    for (const auto& rule : container_device_rules(rules))
      write("devices", rule.allow ? "devices.allow" : "devices.deny", device_rule_text(rule));
  }

  CgroupPaths paths_;
};

}  // namespace

std::unique_ptr<Cgroup> make_cgroup_v1(CgroupPaths paths) {
  return std::make_unique<CgroupV1>(std::move(paths));
}

}  // namespace boxrt
