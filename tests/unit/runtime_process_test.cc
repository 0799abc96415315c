// Process-level pieces without containers (no privileges): runc exec's flags over a
// process, process.json, the checks on a process, fd passing over a unix socket, and the
// pid file.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "boxrt/console.h"
#include "boxrt/container.h"
#include "boxrt/error.h"
#include "boxrt/exec_process.h"
#include "boxrt/init.h"
#include "boxrt/oci_config.h"
#include "boxrt/os_error.h"
#include "boxrt/state.h"
#include "boxrt_testing/rootfs.h"

namespace {

using boxrt::testing::read_text;
using boxrt::testing::TempDir;
using nlohmann::json;

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const boxrt::Error& e) {
    return e.what();
  }
  return "";
}

TEST(RuntimeExecProcess, FlagsChangeOnlyWhatTheyName) {
  boxrt::Process base = boxrt::default_spec().process;
  base.user = {0, 0, 022, {}};
  base.env = {"PATH=/bin", "TERM=xterm"};
  boxrt::ExecOverrides o;
  o.args = {"/bin/sh", "-c", "id"};
  o.cwd = "/srv";
  o.env = {"PATH=/usr/bin", "NEW=1"};
  o.user = "1000:100";
  o.additional_gids = {5, 6};
  o.caps = {"CAP_NET_ADMIN", "sys_time"};
  o.tty = true;
  o.no_new_privs = true;
  boxrt::Process p = boxrt::exec_process(base, o);
  EXPECT_EQ(p.args, o.args);
  EXPECT_EQ(p.cwd, "/srv");
  EXPECT_EQ(p.env, (std::vector<std::string>{"TERM=xterm", "PATH=/usr/bin", "NEW=1"}));
  EXPECT_EQ(p.user.uid, 1000u);
  EXPECT_EQ(p.user.gid, 100u);
  EXPECT_EQ(p.user.umask, 022u) << "kept";
  EXPECT_EQ(p.user.additional_gids, (std::vector<gid_t>{5, 6}));
  EXPECT_TRUE(p.terminal);
  EXPECT_TRUE(p.no_new_privileges);
  for (const auto* set :
       {&p.capabilities->bounding, &p.capabilities->effective, &p.capabilities->permitted}) {
    EXPECT_NE(std::find(set->begin(), set->end(), "CAP_NET_ADMIN"), set->end());
    EXPECT_NE(std::find(set->begin(), set->end(), "CAP_SYS_TIME"), set->end());
  }
  EXPECT_TRUE(p.capabilities->ambient.empty()) << "no inheritable set: ambient would not stick";
  EXPECT_EQ(p.rlimits.size(), base.rlimits.size()) << "the rest is the container's";
}

TEST(RuntimeExecProcess, CapsGoAmbientWhenTheProcessHasInheritableOnes) {
  boxrt::Process base;
  base.capabilities =
      boxrt::Capabilities{{"CAP_KILL"}, {"CAP_KILL"}, {"CAP_KILL"}, {"CAP_KILL"}, {}};
  boxrt::ExecOverrides o;
  o.args = {"x"};
  o.caps = {"CAP_KILL", "chown"};
  boxrt::Process p = boxrt::exec_process(base, o);
  EXPECT_EQ(p.capabilities->bounding, (std::vector<std::string>{"CAP_KILL", "CAP_CHOWN"}))
      << "no duplicates";
  EXPECT_EQ(p.capabilities->ambient, (std::vector<std::string>{"CAP_KILL", "CAP_CHOWN"}));
}

TEST(RuntimeExecProcess, UserMustBeNumeric) {
  boxrt::User base{5, 6, std::nullopt, {}};
  EXPECT_EQ(boxrt::parse_exec_user("1000", base).gid, 6u) << "gid kept without :GID";
  EXPECT_EQ(boxrt::parse_exec_user("0:0", base).uid, 0u);
  EXPECT_EQ(error_of([&] { boxrt::parse_exec_user("root", base); }),
            "--user root: uid \"root\" is not a number (boxrun, as runc, takes numeric UID[:GID])");
  EXPECT_THROW(boxrt::parse_exec_user("1000:", base), boxrt::Error);
  EXPECT_THROW(boxrt::parse_exec_user("1000:x", base), boxrt::Error);
  EXPECT_THROW(boxrt::parse_exec_user("-1", base), boxrt::Error);
}

TEST(RuntimeExecProcess, EnvEntriesAreKeyValue) {
  std::vector<std::string> env = {"A=1"};
  boxrt::set_env(env, "A=2");
  boxrt::set_env(env, "AB=3");
  EXPECT_EQ(env, (std::vector<std::string>{"A=2", "AB=3"}));
  EXPECT_THROW(boxrt::set_env(env, "NOEQUALS"), boxrt::Error);
  EXPECT_THROW(boxrt::set_env(env, "=x"), boxrt::Error);
}

TEST(RuntimeProcessJson, ReadsAProcessObjectWithPaths) {
  json j = json::parse(R"({"terminal": true, "consoleSize": {"height": 24, "width": 80},
                           "args": ["/bin/sh"], "cwd": "/", "user": {"uid": 7},
                           "oomScoreAdj": 10})");
  boxrt::Process p = boxrt::process_from_json(j);
  EXPECT_TRUE(p.terminal);
  EXPECT_EQ(p.console_size->height, 24u);
  EXPECT_EQ(p.console_size->width, 80u);
  EXPECT_EQ(p.user.uid, 7u);
  EXPECT_EQ(error_of([] { boxrt::process_from_json(json::parse(R"({"user": {"uid": "x"}})")); }),
            "user.uid: expected an unsigned integer, got string");
  TempDir tmp;
  std::ofstream(tmp.path() + "/p.json") << R"({"args": 5})";
  std::string e = error_of([&] { boxrt::load_process(tmp.path() + "/p.json"); });
  EXPECT_EQ(e, tmp.path() + "/p.json: args: expected an array of strings, got number");
}

TEST(RuntimeProcessJson, ConsoleSizeRoundTrips) {
  boxrt::ContainerSpec s = boxrt::default_spec();
  s.process.terminal = true;
  s.process.console_size = boxrt::ConsoleSize{50, 132};
  json once = boxrt::spec_to_json(s);
  EXPECT_EQ(once["process"]["consoleSize"], json({{"height", 50}, {"width", 132}}));
  EXPECT_EQ(once, boxrt::spec_to_json(boxrt::spec_from_json(once)));
}

TEST(RuntimeValidateProcess, NegativeOomScoreAdjIsRefused) {
  boxrt::Process p = boxrt::default_spec().process;
  p.oom_score_adj = 0;
  EXPECT_NO_THROW(boxrt::validate_process(p));
  p.oom_score_adj = 1000;
  EXPECT_NO_THROW(boxrt::validate_process(p));
  p.oom_score_adj = -1;
  std::string e = error_of([&] { boxrt::validate_process(p); });
  EXPECT_NE(e.find("process.oomScoreAdj -1 is negative"), std::string::npos) << e;
  EXPECT_NE(e.find("this host may not allow it"), std::string::npos) << e;
  p.oom_score_adj = 1001;
  EXPECT_THROW(boxrt::validate_process(p), boxrt::Error);
}

TEST(RuntimeValidateProcess, SpecChecksProcessAndHooks) {
  TempDir tmp;
  boxrt::ContainerSpec s = boxrt::default_spec();
  s.root.path = tmp.path();
  EXPECT_NO_THROW(boxrt::validate_spec(s));
  s.process.terminal = true;  // allowed now: create asks for the console socket
  EXPECT_NO_THROW(boxrt::validate_spec(s));
  s.process.oom_score_adj = -500;
  EXPECT_THROW(boxrt::validate_spec(s), boxrt::Error);
  s.process.oom_score_adj.reset();
  s.hooks.prestart = {{"relative/hook", {}, {}, std::nullopt}};
  EXPECT_THROW(boxrt::validate_spec(s), boxrt::Error);
}

TEST(RuntimeConsole, FdTravelsOverAUnixSocketWithItsName) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  boxrt::UniqueFd a(sv[0]), b(sv[1]);
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  boxrt::UniqueFd r(p[0]), w(p[1]);
  boxrt::send_fd(a.get(), "/dev/ptmx", w.get());
  w.reset();
  std::string name;
  boxrt::UniqueFd got = boxrt::recv_fd(b.get(), &name);
  EXPECT_EQ(name, "/dev/ptmx");
  EXPECT_TRUE(fcntl(got.get(), F_GETFD) & FD_CLOEXEC);
  ASSERT_EQ(write(got.get(), "hi", 2), 2);
  got.reset();
  char buf[4] = {};
  EXPECT_EQ(read(r.get(), buf, sizeof buf), 2);
  EXPECT_STREQ(buf, "hi");
}

TEST(RuntimeConsole, MessageWithoutAnFdIsAnError) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  boxrt::UniqueFd a(sv[0]), b(sv[1]);
  ASSERT_EQ(write(a.get(), "x", 1), 1);
  EXPECT_THROW(boxrt::recv_fd(b.get()), boxrt::Error);
}

TEST(RuntimeConsole, TerminalNeedsASocketAndTheOtherWayAround) {
  boxrt::Process p;
  EXPECT_FALSE(boxrt::console_for(p, "", false)) << "no terminal, no socket: nothing to do";
  EXPECT_THROW(boxrt::console_for(p, "/tmp/x.sock", false), boxrt::Error);
  p.terminal = true;
  EXPECT_NE(error_of([&] { boxrt::console_for(p, "", false); }).find("no console socket"),
            std::string::npos);
  EXPECT_THROW(boxrt::console_for(p, "/tmp/x.sock", true), boxrt::Error) << "stdio is the pty";
  EXPECT_NE(error_of([&] {
              boxrt::console_for(p, "/nonexistent/x.sock", false);
            }).find("connect to console socket"),
            std::string::npos);
  EXPECT_THROW(boxrt::connect_console_socket(std::string(200, 'x')), boxrt::Error)
      << "sun_path is 108 bytes";
}

TEST(RuntimePidFile, WrittenByRenameAndFailuresSaySo) {
  TempDir tmp;
  std::string path = tmp.path() + "/c.pid";
  boxrt::write_pid_file(path, 4242);
  EXPECT_EQ(read_text(path), "4242");
  boxrt::write_pid_file(path, 7);
  EXPECT_EQ(read_text(path), "7") << "replaced, not appended";
  EXPECT_FALSE(std::filesystem::exists(tmp.path() + "/.c.pid"));
  std::string e = error_of([&] { boxrt::write_pid_file(tmp.path() + "/missing/c.pid", 1); });
  EXPECT_EQ(e, "write pid file " + tmp.path() + "/missing/c.pid: ENOENT");
}

TEST(RuntimeErrors, SyscallFailuresEndWithTheErrnoName) {
  EXPECT_EQ(std::string(boxrt::os_error("mount", "proc on /proc", EPERM).what()),
            "mount proc on /proc: EPERM");
  EXPECT_EQ(std::string(boxrt::Error::sys("open", "/x", ENOENT).what()), "open /x: ENOENT");
  EXPECT_EQ(boxrt::errno_name(ENOENT), "ENOENT");
  EXPECT_EQ(boxrt::errno_name(100000), "errno 100000");
}

TEST(RuntimeStartFailure, StatusAndErrnoTravelWithTheMessage) {
  std::string text =
      boxrt::start_failure_message(127, ENOENT, "exec \"foo\": no such file or directory");
  boxrt::StartFailure f = boxrt::parse_start_failure(text);
  EXPECT_EQ(f.status, 127);
  EXPECT_EQ(f.err, ENOENT);
  EXPECT_EQ(f.message, "exec \"foo\": no such file or directory");
  EXPECT_EQ(boxrt::exec_failure_status(ENOENT), 127);
  EXPECT_EQ(boxrt::exec_failure_status(EACCES), 126);
  f = boxrt::parse_start_failure("a hook said no");  // from an init without the prefix
  EXPECT_EQ(f.status, 1);
  EXPECT_EQ(f.message, "a hook said no");
}

}  // namespace
