// cgroup v2: one directory. A controller must be enabled in every ancestor's
// cgroup.subtree_control; when the host's tree lacks it, say so instead of a bare EINVAL.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <sstream>
#include <thread>

#include "boxrt/backoff.h"
#include "boxrt/block_io.h"
#include "boxrt/cgroup.h"
#include "boxrt/device_filter.h"
#include "boxrt/device_rules.h"
#include "boxrt/error.h"
#include "boxrt/os_error.h"

namespace boxrt {
namespace {

bool exists(const std::string& path) {
  return access(path.c_str(), F_OK) == 0;
}

bool has_word(const std::string& text, const std::string& word) {
  std::istringstream in(text);
  std::string w;
  while (in >> w)
    if (w == word) return true;
  return false;
}

// OCI cpu.shares (2..262144) -> cgroup v2 cpu.weight (1..10000), as runc converts.
uint64_t shares_to_weight(uint64_t shares) {
  if (shares == 0) return 100;
  return 1 + ((shares - 2) * 9999) / 262142;
}

// blkio.weight (10..1000) -> io.weight (1..10000).
// Below blkio's floor of 10 (the parser leaves 1..9 to the kernel) is io.weight's floor.
uint64_t blkio_to_io_weight(uint64_t w) {
  return w == 0 ? 100 : 1 + (std::max<uint64_t>(w, 10) - 10) * 9999 / 990;
}

class CgroupV2 : public Cgroup {
 public:
  CgroupV2(std::string root, std::string dir) {
    paths_.v2 = true;
    paths_.unified_root = std::move(root);
    paths_.dirs[""] = std::move(dir);
  }

  const CgroupPaths& paths() const override { return paths_; }

  void create() override {
    std::string rel = dir().substr(paths_.unified_root.size());
    std::string cur = paths_.unified_root;
    std::istringstream in(rel);
    std::string part;
    while (std::getline(in, part, '/')) {
      if (part.empty()) continue;
      cur += "/" + part;
      if (mkdir(cur.c_str(), 0755) < 0 && errno != EEXIST)
        throw os_error("mkdir cgroup", cur, errno);
    }
  }

  void apply(const Resources& r) override {
    if (r.memory) apply_memory(*r.memory);
    if (r.cpu) apply_cpu(*r.cpu);
    if (r.pids)
      write("pids", "pids.max", r.pids->limit > 0 ? std::to_string(r.pids->limit) : "max");
    if (r.block_io) apply_io(*r.block_io);
    for (const auto& [key, value] : r.unified) {
      if (key.find('/') != std::string::npos)
        throw Error("linux.resources.unified: invalid key " + key);
      write(key.substr(0, key.find('.')), key, value);
    }
    // No devices controller in v2: an eBPF program on the directory decides instead.
    if (!r.devices.empty())
      install_device_filter(dir(), compile_device_filter(container_device_rules(r.devices)));
  }

  void attach(pid_t pid) override {
    write_cgroup_file(dir() + "/cgroup.procs", std::to_string(pid));
  }
  // cgroup.threads is only writable in threaded subtrees, so the process moves as a whole.
  void attach_self() override { attach(0); }

  std::vector<pid_t> pids() const override {
    return exists(dir()) ? read_pid_list(dir() + "/cgroup.procs") : std::vector<pid_t>{};
  }

  void freeze(bool frozen) override {
    write_cgroup_file(dir() + "/cgroup.freeze", frozen ? "1" : "0");
  }

  bool frozen() const override {
    std::string f = dir() + "/cgroup.freeze";
    return exists(f) && read_cgroup_file(f) == "1";
  }

  CgroupStats stats() const override {
    CgroupStats s;
    s.memory_usage = number("memory.current");
    std::string max =
        exists(dir() + "/memory.max") ? read_cgroup_file(dir() + "/memory.max") : "max";
    s.memory_limit = max == "max" ? UINT64_MAX : std::stoull(max);
    s.cpu_usage_ns = keyed("cpu.stat", "usage_usec") * 1000;
    s.cpu_periods = keyed("cpu.stat", "nr_periods");
    s.cpu_throttled_periods = keyed("cpu.stat", "nr_throttled");
    s.cpu_throttled_ns = keyed("cpu.stat", "throttled_usec") * 1000;
    s.pids_current = number("pids.current");
    s.oom_kills = keyed("memory.events", "oom_kill");
    return s;
  }

  bool destroy() override {
    Backoff backoff(std::chrono::seconds(1));
    while (exists(dir())) {
      if (rmdir(dir().c_str()) == 0) return true;
      if (errno != EBUSY) throw os_error("remove cgroup", dir(), errno);
      if (!backoff.wait()) break;
    }
    if (exists(dir())) throw Error("remove cgroup " + dir() + ": still busy after 1s");
    return false;
  }

 private:
  const std::string& dir() const { return paths_.dirs.at(""); }

  // Enables `controller` from the root down to our parent, checking each level offers it.
  void enable(const std::string& controller) {
    std::string cur = paths_.unified_root;
    std::string rel = dir().substr(cur.size());
    std::istringstream in(rel);
    std::string part;
    while (std::getline(in, part, '/')) {
      if (part.empty()) continue;
      std::string avail =
          exists(cur + "/cgroup.controllers") ? read_cgroup_file(cur + "/cgroup.controllers") : "";
      if (!has_word(avail, controller))
        throw Error("a " + controller + " limit was requested but the cgroup2 tree at " + cur +
                    " lacks the " + controller + " controller (cgroup.controllers: \"" + avail +
                    "\")");
      std::string sub = cur + "/cgroup.subtree_control";
      if (!has_word(read_cgroup_file(sub), controller)) write_cgroup_file(sub, "+" + controller);
      cur += "/" + part;
    }
  }

  void write(const std::string& controller, const std::string& name, const std::string& value) {
    enable(controller);
    write_cgroup_file(dir() + "/" + name, value);
  }

  void apply_memory(const MemoryResources& m) {
    if (m.limit) write("memory", "memory.max", *m.limit < 0 ? "max" : std::to_string(*m.limit));
    if (m.reservation) write("memory", "memory.low", std::to_string(*m.reservation));
    if (m.swap) {
      // OCI's swap is memory+swap; v2's memory.swap.max is swap alone.
      std::string v = *m.swap < 0 ? "max" : std::to_string(*m.swap - m.limit.value_or(0));
      write("memory", "memory.swap.max", v);
    }
  }

  void apply_cpu(const CpuResources& c) {
    if (c.shares) write("cpu", "cpu.weight", std::to_string(shares_to_weight(*c.shares)));
    if (c.quota || c.period) {
      std::string quota = c.quota && *c.quota > 0 ? std::to_string(*c.quota) : "max";
      write("cpu", "cpu.max", quota + " " + std::to_string(c.period.value_or(100000)));
    }
    if (!c.cpus.empty()) write("cpuset", "cpuset.cpus", c.cpus);
    if (!c.mems.empty()) write("cpuset", "cpuset.mems", c.mems);
  }

  void apply_io(const BlockIoResources& b) {
    apply_io_weights(b);
    apply_io_max(b);
  }

  // With BFQ the weights go to io.bfq.weight in blkio's own 1..1000 scale, as runc does;
  // otherwise to io.weight (blk-iocost), scaled to its 1..10000. cgroup v2 has no leaf
  // weights, so a weightDevice's leafWeight has nowhere to go.
  void apply_io_weights(const BlockIoResources& b) {
    bool device_weights = std::any_of(b.weight_device.begin(), b.weight_device.end(),
                                      [](const WeightDevice& d) { return has_weight(d.weight); });
    if (!has_weight(b.weight) && !device_weights) return;
    enable("io");  // before looking: a controller's files appear once the parent enables it
    bool bfq = exists(dir() + "/io.bfq.weight");
    std::string name = bfq ? "io.bfq.weight" : "io.weight";
    if (!exists(dir() + "/" + name))
      throw Error(
          "a block I/O weight was requested but this host's cgroup2 io controller has neither "
          "io.bfq.weight nor io.weight (no BFQ scheduler, no blk-iocost)");
    auto scaled = [bfq](uint16_t w) { return std::to_string(bfq ? w : blkio_to_io_weight(w)); };
    if (has_weight(b.weight)) write_io_line("weight", name, "default " + scaled(*b.weight));
    for (const auto& d : b.weight_device)
      if (has_weight(d.weight))
        write_io_line("weightDevice", name,
                      device_number(d.major, d.minor) + " " + scaled(*d.weight));
  }

  // One io.max line per device carrying all of its limits; the kernel leaves the keys a
  // line does not mention as they were.
  void apply_io_max(const BlockIoResources& b) {
    std::vector<std::pair<std::string, std::string>> lines;  // device, line; config order
    for (const auto& t : kBlockIoThrottles) {
      for (const auto& d : b.*t.devices) {
        std::string dev = device_number(d.major, d.minor);
        auto it = std::find_if(lines.begin(), lines.end(),
                               [&](const auto& line) { return line.first == dev; });
        if (it == lines.end()) it = lines.insert(lines.end(), {dev, dev});
        it->second += std::string(" ") + t.io_max_key + "=" + io_max_rate(d.rate);
      }
    }
    if (lines.empty()) return;
    enable("io");
    if (!exists(dir() + "/io.max"))
      throw Error(
          "a block I/O throttle was requested but this host's cgroup2 io controller has no io.max "
          "(kernel built without CONFIG_BLK_DEV_THROTTLING)");
    for (const auto& [dev, line] : lines)
      write_io_line("throttle*Device", "io.max", line);
  }

  // blkio reads a rate of 0 as "no limit"; io.max refuses 0 and spells that "max".
  static std::string io_max_rate(uint64_t rate) { return rate == 0 ? "max" : std::to_string(rate); }

  // `field` names the blockIO entries the line came from; an io.max line merges all four
  // throttle lists, and its keys (rbps=...) tell which.
  void write_io_line(const std::string& field, const std::string& name, const std::string& line) {
    try {
      write_cgroup_file(dir() + "/" + name, line);
    } catch (const Error& e) {
      throw device_line_error(e, field);
    }
  }

  uint64_t number(const std::string& name) const {
    std::string f = dir() + "/" + name;
    if (!exists(f)) return 0;
    std::string v = read_cgroup_file(f);
    return v.empty() || v == "max" ? 0 : std::stoull(v);
  }

  uint64_t keyed(const std::string& name, const std::string& key) const {
    std::string f = dir() + "/" + name;
    if (!exists(f)) return 0;
    std::istringstream in(read_cgroup_file(f));
    std::string k;
    uint64_t v;
    while (in >> k >> v)
      if (k == key) return v;
    return 0;
  }

  CgroupPaths paths_;
};

}  // namespace

std::unique_ptr<Cgroup> make_cgroup_v2(const std::string& unified_root, const std::string& dir) {
  if (dir.rfind(unified_root, 0) != 0)
    throw Error("cgroup " + dir + " is not under " + unified_root);
  return std::make_unique<CgroupV2>(unified_root, dir);
}

}  // namespace boxrt
