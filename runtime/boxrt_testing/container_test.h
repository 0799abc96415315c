// A gtest fixture for integration tests that run real containers (root, real kernel): a
// temporary directory with a busybox rootfs and the probe, a Runtime rooted in it that
// collects warnings, and checks after each test that no container, mount or child
// process was left behind.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "boxrt/container.h"
#include "boxrt_testing/rootfs.h"

namespace boxrt::testing {

// A /proc file read with plain read(2): processes vanish while we look, and an ifstream
// throws when that happens mid-read.
inline std::string read_proc(const std::string& path) {
  std::string out;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[1024];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0)
    out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

// Pids whose parent is this process (zombies included).
inline std::vector<pid_t> children_of_self() {
  std::vector<pid_t> out;
  DIR* d = opendir("/proc");
  if (!d) return out;
  std::string self = std::to_string(getpid());
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::string stat = read_proc(std::string("/proc/") + e->d_name + "/stat");
    auto paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream rest(stat.substr(paren + 2));
    std::string state, ppid;
    rest >> state >> ppid;
    if (ppid == self) out.push_back(std::stoi(e->d_name));
  }
  closedir(d);
  return out;
}

class ContainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    rootfs_ = make_busybox_rootfs(dir_.path());
    rt_ = std::make_unique<Runtime>(dir_.path() + "/state");
    rt_->set_warning_handler([this](const std::string& w) { warnings_.push_back(w); });
  }

  void TearDown() override {
    if (!rt_) return;
    for (const auto& s : rt_->list()) {
      ADD_FAILURE() << "container " << s.id << " left behind";
      rt_->remove(s.id, true);
    }
    EXPECT_EQ(read_text("/proc/self/mountinfo").find(dir_.path()), std::string::npos)
        << "a mount leaked";
    EXPECT_EQ(children_of_self(), std::vector<pid_t>{}) << "a process was left behind";
  }

  std::string id(const std::string& name) { return name + "-" + std::to_string(getpid()); }
  std::string path(const std::string& name) const { return dir_.path() + "/" + name; }

  // Creates, starts and waits for the container; returns its exit code and deletes it.
  int run(const std::string& name, const ContainerSpec& spec, std::string* out = nullptr) {
    std::string cid = id(name);
    CreateOptions opts;
    opts.stdout_path = path(name + ".out");
    opts.stderr_path = path(name + ".err");
    auto st = rt_->create(cid, spec, opts);
    auto cg = st.cgroup;
    rt_->start(cid);
    int code = rt_->wait(cid);
    rt_->remove(cid);
    for (const auto& [c, d] : cg.dirs)
      EXPECT_FALSE(std::filesystem::exists(d)) << d;
    if (out) *out = opts.stdout_path;
    return code;
  }

  // Runs the probe (or `spec`'s args) and returns the last JSON line it printed.
  nlohmann::json probe(const std::string& name, const ContainerSpec& spec) {
    std::string out;
    EXPECT_EQ(run(name, spec, &out), 0) << read_text(path(name + ".err"));
    return last_json_line(out);
  }

  ContainerSpec spec(std::vector<std::string> args = {"/probe"}) {
    return probe_spec(rootfs_, std::move(args));
  }

  TempDir dir_;
  std::string rootfs_;
  std::unique_ptr<Runtime> rt_;
  std::vector<std::string> warnings_;
};

}  // namespace boxrt::testing
