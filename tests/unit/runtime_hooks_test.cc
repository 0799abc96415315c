// The OCI hook runner without containers (no privileges): argv, env, the state on stdin,
// captured output in the error, timeouts, and the list rules.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "boxrt/error.h"
#include "boxrt/hooks.h"
#include "boxrt_testing/rootfs.h"

namespace {

using boxrt::Hook;
using boxrt::testing::read_text;
using boxrt::testing::TempDir;

Hook sh(const std::string& script, std::vector<std::string> env = {},
        std::optional<int> timeout = {}) {
  return {"/bin/sh", {"sh", "-c", script}, std::move(env), timeout};
}

std::string error_of(const Hook& h, const std::string& state = "{}") {
  try {
    boxrt::run_hook(h, state, boxrt::caller_environment());
  } catch (const boxrt::Error& e) {
    return e.what();
  }
  return "";
}

TEST(RuntimeHooks, StateOnStdinArgsAndEnv) {
  TempDir tmp;
  std::string out = tmp.path() + "/out";
  Hook h = {"/bin/sh",
            {"sh", "-c", "cat > \"$0\"; echo \"$1 $HOOK_X ${HOME-none}\" >> \"$0\"", out, "arg1"},
            {"HOOK_X=yes"},
            std::nullopt};
  boxrt::run_hook(h, R"({"id":"c1","status":"creating"})", boxrt::caller_environment());
  EXPECT_EQ(read_text(out), "{\"id\":\"c1\",\"status\":\"creating\"}arg1 yes none\n");
}

TEST(RuntimeHooks, EmptyEnvMeansTheDefaultEnvironment) {
  TempDir tmp;
  std::string out = tmp.path() + "/out";
  std::string var = "BOXRT_HOOK_DEFAULT=from-default";
  char* envp[] = {var.data(), nullptr};
  boxrt::run_hook(sh("echo \"$BOXRT_HOOK_DEFAULT\" > " + out), "{}", envp);
  EXPECT_EQ(read_text(out), "from-default\n");
}

TEST(RuntimeHooks, EmptyArgsRunThePathAlone) {
  EXPECT_NO_THROW(
      boxrt::run_hook({"/bin/true", {}, {}, std::nullopt}, "{}", boxrt::caller_environment()));
}

TEST(RuntimeHooks, LargeStateDoesNotBlock) {
  std::string big(300000, 'x');
  // The hook never reads its stdin; writing the state must neither block nor SIGPIPE.
  std::string state = "\"" + big + "\"";
  EXPECT_EQ(error_of(sh("exit 0"), state), "");
  EXPECT_EQ(error_of(sh("test \"$(wc -c)\" -eq 300002 || exit 9"), state), "")
      << "all of it arrives";
}

TEST(RuntimeHooks, FailureCarriesStatusAndOutput) {
  EXPECT_EQ(error_of(sh("echo to-out; echo to-err >&2; exit 3")),
            "exit status 3, stdout: to-out, stderr: to-err");
  EXPECT_EQ(error_of(sh("kill -KILL $$")), "killed by signal KILL");
  std::string missing = error_of({"/nonexistent/hook", {}, {}, std::nullopt});
  EXPECT_NE(missing.find("start /nonexistent/hook: ENOENT"), std::string::npos) << missing;
}

TEST(RuntimeHooks, ChattyHookIsCappedNotBlocked) {
  // 1 MB on stderr: far more than a pipe holds; the runner must keep reading.
  std::string e = error_of(sh("head -c 1048576 /dev/zero | tr '\\0' x >&2; exit 1"));
  EXPECT_EQ(e.rfind("exit status 1, stderr: xxx", 0), 0u) << e.substr(0, 80);
  EXPECT_LT(e.size(), 5000u);
}

TEST(RuntimeHooks, TimeoutKillsTheHook) {
  auto t0 = std::chrono::steady_clock::now();
  std::string e = error_of(sh("sleep 20", {}, 1));
  EXPECT_EQ(e, "ran past its timeout of 1s and was killed");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_EQ(error_of(sh("exit 0", {}, 5)), "") << "a timeout only matters when it passes";
}

TEST(RuntimeHooks, ExitOfTheHookIsEnoughEvenIfADescendantKeepsItsOutput) {
  auto t0 = std::chrono::steady_clock::now();
  // The background sleep inherits stdout; the runner must not wait for it to close.
  EXPECT_EQ(error_of(sh("sleep 3 & exit 0")), "");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

TEST(RuntimeHooks, ListStopsAtTheFirstFailureAndNamesIt) {
  TempDir tmp;
  std::string out = tmp.path() + "/order";
  std::vector<Hook> hooks = {sh("echo a >> " + out), sh("exit 2"), sh("echo c >> " + out)};
  try {
    boxrt::run_hooks("prestart", hooks, "{}", boxrt::caller_environment());
    FAIL();
  } catch (const boxrt::Error& e) {
    EXPECT_EQ(std::string(e.what()), "prestart hook #1 (/bin/sh): exit status 2");
  }
  EXPECT_EQ(read_text(out), "a\n");
}

TEST(RuntimeHooks, WarnListRunsEveryHook) {
  TempDir tmp;
  std::string out = tmp.path() + "/order";
  std::vector<Hook> hooks = {sh("exit 1"), sh("echo b >> " + out), sh("echo bad >&2; exit 5")};
  std::vector<std::string> warnings;
  boxrt::run_hooks_warn("poststop", hooks, "{}",
                        [&](const std::string& w) { warnings.push_back(w); });
  EXPECT_EQ(read_text(out), "b\n");
  EXPECT_EQ(warnings,
            (std::vector<std::string>{"poststop hook #0 (/bin/sh): exit status 1",
                                      "poststop hook #2 (/bin/sh): exit status 5, stderr: bad"}));
}

TEST(RuntimeHooks, ValidationWantsAbsolutePathsAndPositiveTimeouts) {
  boxrt::Hooks h;
  h.poststart = {{"/bin/true", {}, {}, 3}};
  EXPECT_NO_THROW(boxrt::validate_hooks(h));
  h.create_container = {{"true", {}, {}, std::nullopt}};
  try {
    boxrt::validate_hooks(h);
    FAIL();
  } catch (const boxrt::Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "hooks.createContainer[0].path: \"true\" must be an absolute path");
  }
  h.create_container.clear();
  h.poststop = {{"/bin/true", {}, {}, 0}};
  EXPECT_THROW(boxrt::validate_hooks(h), boxrt::Error);
}

}  // namespace
