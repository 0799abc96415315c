// OCI hooks on real containers: each kind runs at its point of the lifecycle, in the
// right namespaces, with the state on stdin; failures abort create/start and leave
// nothing behind, while poststart/poststop failures only warn.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>

#include "boxrt/cgroup.h"
#include "boxrt/container.h"
#include "boxrt/error.h"
#include "boxrt_testing/container_test.h"

namespace {

using boxrt::ContainerSpec;
using boxrt::Hook;
using boxrt::Status;
using nlohmann::json;
namespace bt = boxrt::testing;
namespace fs = std::filesystem;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

std::string ns_of(const std::string& proc_dir, const char* ns) {
  return fs::read_symlink(proc_dir + "/ns/" + ns).string();
}

class RuntimeHooksTest : public bt::ContainerTest {
 protected:
  void SetUp() override {
    bt::ContainerTest::SetUp();
    if (IsSkipped()) return;
    out_ = path("hooks");
    fs::create_directories(out_);
  }

  // A hook run by the host's /bin/sh: saves its stdin as <name>.json, appends <name> to
  // the order file, and notes its mount namespace.
  Hook record(const std::string& name) const {
    return {"/bin/sh",
            {"sh", "-c",
             "cat > \"$0/$1.json\"; echo \"$1\" >> \"$0/order\"; readlink /proc/self/ns/mnt > "
             "\"$0/$1.mnt\"",
             out_, name},
            {},
            std::nullopt};
  }

  // A hook inside the container (busybox), seeing the hooks directory at /hooks.
  static Hook record_inside(const std::string& name) {
    return {"/bin/sh",
            {"sh", "-c", "cat > /hooks/$0.json; echo $0 >> /hooks/order; hostname > /hooks/$0.host",
             name},
            {},
            std::nullopt};
  }

  static Hook failing(const std::string& message, int code) {
    return {"/bin/sh",
            {"sh", "-c", "echo " + message + " >&2; exit " + std::to_string(code)},
            {},
            std::nullopt};
  }

  ContainerSpec hooked_spec(std::vector<std::string> args = {"/probe", "sleep", "60"}) {
    ContainerSpec s = spec(std::move(args));
    s.mounts.push_back({"/hooks", "bind", out_, {"rbind"}});
    return s;
  }

  json saved(const std::string& name) const {
    return json::parse(bt::read_text(out_ + "/" + name + ".json"));
  }
  std::string order() const { return bt::read_text(out_ + "/order"); }

  // The cgroup directories create would have made for `cid` (to check none is left).
  static std::vector<std::string> cgroup_dirs_for(const std::string& cid) {
    std::vector<std::string> out;
    auto cg = boxrt::make_host_cgroup("", cid);
    for (const auto& [c, d] : cg->paths().dirs)
      out.push_back(d);
    return out;
  }

  void expect_nothing_left(const std::string& cid) {
    EXPECT_FALSE(fs::exists(rt_->store().dir(cid)));
    for (const auto& d : cgroup_dirs_for(cid))
      EXPECT_FALSE(fs::exists(d)) << d;
  }

  std::string out_;
};

TEST_F(RuntimeHooksTest, EachKindRunsAtItsPointWithTheState) {
  ContainerSpec s = hooked_spec();
  s.hooks.prestart = {record("prestart")};
  s.hooks.create_runtime = {record("createRuntime")};
  s.hooks.create_container = {record("createContainer")};
  s.hooks.start_container = {record_inside("startContainer")};
  s.hooks.poststart = {record("poststart")};
  s.hooks.poststop = {record("poststop")};
  s.annotations = {{"org.example/k", "v"}};
  std::string cid = id("hooks");
  boxrt::CreateOptions opts;
  opts.bundle = dir_.path();
  auto st = rt_->create(cid, s, opts);
  std::string proc = "/proc/" + std::to_string(st.pid);

  EXPECT_EQ(order(), "prestart\ncreateRuntime\ncreateContainer\n");
  for (const char* kind : {"prestart", "createRuntime", "createContainer"}) {
    json j = saved(kind);
    EXPECT_EQ(j["id"], cid) << kind;
    EXPECT_EQ(j["status"], "creating") << kind;
    EXPECT_EQ(j["pid"], st.pid) << kind << ": the init's pid as the host sees it";
    EXPECT_EQ(j["bundle"], dir_.path()) << kind;
    EXPECT_EQ(j["annotations"]["org.example/k"], "v") << kind;
  }
  // prestart/createRuntime in the runtime's mount namespace, createContainer in the
  // container's (before pivot_root: it ran the host's /bin/sh and wrote a host path).
  std::string host_mnt = ns_of("/proc/self", "mnt");
  EXPECT_EQ(trim(bt::read_text(out_ + "/prestart.mnt")), host_mnt);
  EXPECT_EQ(trim(bt::read_text(out_ + "/createRuntime.mnt")), host_mnt);
  EXPECT_EQ(trim(bt::read_text(out_ + "/createContainer.mnt")), ns_of(proc, "mnt"));
  EXPECT_NE(ns_of(proc, "mnt"), host_mnt);

  rt_->start(cid);
  EXPECT_EQ(order(), "prestart\ncreateRuntime\ncreateContainer\nstartContainer\npoststart\n");
  EXPECT_EQ(saved("startContainer")["status"], "created");
  EXPECT_EQ(saved("startContainer")["pid"], st.pid);
  EXPECT_EQ(trim(bt::read_text(out_ + "/startContainer.host")), "boxrun") << "inside the container";
  EXPECT_EQ(saved("poststart")["status"], "running");
  EXPECT_EQ(saved("poststart")["pid"], st.pid);
  // start returned after the exec: poststart ran with the user's process in place.
  std::string cmdline = bt::read_text(proc + "/cmdline");
  EXPECT_EQ(cmdline, std::string("/probe\0sleep\00060\0", 16));

  rt_->kill(cid, SIGKILL);
  rt_->wait(cid);
  EXPECT_FALSE(fs::exists(out_ + "/poststop.json"));
  rt_->remove(cid);
  EXPECT_EQ(order(),
            "prestart\ncreateRuntime\ncreateContainer\nstartContainer\npoststart\npoststop\n");
  EXPECT_EQ(saved("poststop")["status"], "stopped");
  EXPECT_EQ(saved("poststop")["id"], cid);
  EXPECT_EQ(warnings_, std::vector<std::string>{});
}

TEST_F(RuntimeHooksTest, ArgsAndEnvReachTheHook) {
  ContainerSpec s = hooked_spec();
  s.hooks.prestart = {{"/bin/sh",
                       {"custom-argv0", "-c",
                        "argv0=$(tr '\\0' ' ' < /proc/$$/cmdline | cut -d' ' -f1);"
                        " echo \"$argv0|$0|$HOOK_VAR|${HOME-unset}\" > \"$1\"",
                        "one", out_ + "/args"},
                       {"HOOK_VAR=from-spec", "PATH=/usr/bin:/bin"},
                       5}};
  std::string cid = id("hook-args");
  rt_->create(cid, s);
  rt_->remove(cid);
  EXPECT_EQ(bt::read_text(out_ + "/args"), "custom-argv0|one|from-spec|unset\n");
}

TEST_F(RuntimeHooksTest, FailingPrestartAbortsCreateAndCleansUp) {
  ContainerSpec s = hooked_spec();
  s.hooks.prestart = {record("prestart"), failing("boom", 3)};
  s.hooks.create_container = {record("createContainer")};
  s.hooks.poststop = {record("poststop")};
  std::string cid = id("prestart-fails");
  try {
    rt_->create(cid, s);
    FAIL() << "create must fail";
  } catch (const boxrt::Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("prestart hook #1 (/bin/sh)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("exit status 3"), std::string::npos) << msg;
    EXPECT_NE(msg.find("stderr: boom"), std::string::npos) << msg;
  }
  expect_nothing_left(cid);
  EXPECT_EQ(order(), "prestart\npoststop\n") << "createContainer never ran; poststop did";
  EXPECT_EQ(saved("poststop")["status"], "stopped");
}

TEST_F(RuntimeHooksTest, FailingCreateContainerAbortsCreate) {
  ContainerSpec s = hooked_spec();
  s.hooks.create_container = {failing("nope", 1)};
  s.hooks.start_container = {record_inside("startContainer")};
  std::string cid = id("createcontainer-fails");
  try {
    rt_->create(cid, s);
    FAIL() << "create must fail";
  } catch (const boxrt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("createContainer hook #0"), std::string::npos) << e.what();
  }
  expect_nothing_left(cid);
  EXPECT_FALSE(fs::exists(out_ + "/order"));
}

TEST_F(RuntimeHooksTest, HookPastItsTimeoutIsKilled) {
  ContainerSpec s = hooked_spec();
  s.hooks.create_runtime = {{"/bin/sleep", {"sleep", "30"}, {}, 1}};
  std::string cid = id("hook-timeout");
  auto t0 = std::chrono::steady_clock::now();
  try {
    rt_->create(cid, s);
    FAIL() << "create must fail";
  } catch (const boxrt::Error& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "createRuntime hook #0 (/bin/sleep): ran past its timeout of 1s"),
              std::string::npos)
        << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  expect_nothing_left(cid);
}

TEST_F(RuntimeHooksTest, FailingStartContainerFailsStartAndStopsTheContainer) {
  ContainerSpec s = hooked_spec();
  s.hooks.start_container = {failing("not-today", 4)};
  s.hooks.poststart = {record("poststart")};
  s.hooks.poststop = {record("poststop")};
  std::string cid = id("startcontainer-fails");
  auto st = rt_->create(cid, s);
  try {
    rt_->start(cid);
    FAIL() << "start must fail";
  } catch (const boxrt::Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("startContainer hook #0"), std::string::npos) << msg;
    EXPECT_NE(msg.find("not-today"), std::string::npos) << msg;
  }
  EXPECT_EQ(rt_->state(cid).status, Status::kStopped);
  EXPECT_FALSE(fs::exists(out_ + "/poststart.json")) << "the process never ran";
  rt_->wait(cid);
  rt_->remove(cid);
  EXPECT_EQ(order(), "poststop\n");
  for (const auto& [c, d] : st.cgroup.dirs)
    EXPECT_FALSE(fs::exists(d)) << d;
}

TEST_F(RuntimeHooksTest, PoststartAndPoststopFailuresOnlyWarn) {
  ContainerSpec s = hooked_spec({"/probe", "exit", "0"});
  s.hooks.poststart = {failing("late", 1), record("poststart")};
  s.hooks.poststop = {failing("after", 2), record("poststop")};
  std::string cid = id("post-warn");
  rt_->create(cid, s);
  EXPECT_NO_THROW(rt_->start(cid));
  EXPECT_EQ(rt_->wait(cid), 0);
  EXPECT_NO_THROW(rt_->remove(cid));
  EXPECT_EQ(order(), "poststart\npoststop\n") << "the hooks after a failed one still run";
  ASSERT_EQ(warnings_.size(), 2u);
  EXPECT_NE(warnings_[0].find("poststart hook #0 (/bin/sh): exit status 1, stderr: late"),
            std::string::npos)
      << warnings_[0];
  EXPECT_NE(warnings_[1].find("poststop hook #0 (/bin/sh): exit status 2, stderr: after"),
            std::string::npos)
      << warnings_[1];
}

TEST_F(RuntimeHooksTest, RelativeHookPathIsRefused) {
  ContainerSpec s = spec();
  s.hooks.poststart = {{"bin/true", {}, {}, std::nullopt}};
  EXPECT_THROW(rt_->create(id("relative-hook"), s), boxrt::Error);
  s.hooks.poststart = {{"/bin/true", {}, {}, 0}};
  EXPECT_THROW(rt_->create(id("zero-timeout"), s), boxrt::Error);
}

}  // namespace
