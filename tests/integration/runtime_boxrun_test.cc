// The boxrun binary as runc is driven: exec's flags (--user, --cap, --env, --cwd,
// --process, --tty with --console-socket, --detach, --pid-file) and its exit code,
// create's --console-socket and --pid-file, and the refusals runc makes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "boxrt/console.h"
#include "boxrt/error.h"
#include "boxrt/oci_config.h"
#include "boxrt_testing/container_test.h"

namespace {

using nlohmann::json;
namespace bt = boxrt::testing;
namespace fs = std::filesystem;

struct Result {
  int code = -1;
  std::string out, err;
};

class RuntimeBoxrunTest : public bt::ContainerTest {
 protected:
  void SetUp() override {
    bt::ContainerTest::SetUp();
    if (IsSkipped()) return;
    root_ = path("boxrun-state");
    cid_ = id("cli");
    write_config(spec({"/probe", "sleep", "120"}));
  }

  void TearDown() override {
    if (!root_.empty()) boxrun("delete --force " + cid_);
    if (!root_.empty()) {
      EXPECT_TRUE(!fs::exists(root_) || fs::is_empty(root_)) << "boxrun state left behind";
    }
    bt::ContainerTest::TearDown();
  }

  void write_config(boxrt::ContainerSpec s) {
    s.root.path = "rootfs";
    boxrt::save_config(s, dir_.path() + "/config.json");
  }

  // Runs `boxrun --root <root> <args>`; stdout and stderr go to files (never a pipe: a
  // container inherits boxrun's stdio and would hold a pipe open for its whole life).
  Result boxrun(const std::string& args, const std::string& stdin_file = "/dev/null") {
    std::string out_file = path("stdout"), err_file = path("stderr");
    std::string cmd = std::string(bt::kBoxrunPath) + " --root " + root_ + " " + args + " >" +
                      out_file + " 2>" + err_file + " <" + stdin_file;
    int status = system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = bt::read_text(out_file);
    r.err = bt::read_text(err_file);
    return r;
  }

  void create_and_start() {
    ASSERT_EQ(boxrun("create --bundle " + dir_.path() + " " + cid_).code, 0);
    ASSERT_EQ(boxrun("start " + cid_).code, 0);
  }

  std::vector<pid_t> container_pids() {
    Result r = boxrun("ps --format json " + cid_);
    return json::parse(r.out).get<std::vector<pid_t>>();
  }

  std::string root_, cid_;
};

// A listening unix socket, like runc's recvtty.
class ConsoleSocket {
 public:
  explicit ConsoleSocket(std::string path) : path_(std::move(path)) {
    fd_ = boxrt::UniqueFd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    struct sockaddr_un addr = {};
    addr.sun_family = AF_UNIX;
    strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    if (bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 ||
        listen(fd_.get(), 4) < 0)
      throw std::runtime_error("console socket " + path_ + ": " + strerror(errno));
  }
  ~ConsoleSocket() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }
  boxrt::UniqueFd receive() {
    boxrt::UniqueFd conn(accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn) throw std::runtime_error(std::string("accept: ") + strerror(errno));
    return boxrt::recv_fd(conn.get());
  }

 private:
  std::string path_;
  boxrt::UniqueFd fd_;
};

std::string read_pty(int master) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(master, buf, sizeof buf)) > 0)
    out.append(buf, static_cast<size_t>(n));
  return out;  // EIO once the slave side is gone
}

TEST_F(RuntimeBoxrunTest, ExecFlagsChangeTheProcess) {
  create_and_start();
  Result r = boxrun("exec --cap CAP_NET_ADMIN -c sys_time --cwd /tmp " + cid_ + " /probe");
  ASSERT_EQ(r.code, 0) << r.err;
  json info = json::parse(r.out);
  EXPECT_EQ(info["uid"], 0);
  EXPECT_EQ(info["cwd"], "/tmp");
  // Docker's defaults (a80425fb) plus NET_ADMIN (bit 12) and SYS_TIME (bit 25).
  EXPECT_EQ(info["cap_eff"], "00000000aa0435fb");
  EXPECT_EQ(info["cap_bnd"], "00000000aa0435fb");

  r = boxrun("exec --user 1000:100 -g 5 -g 6 -c CAP_NET_ADMIN " + cid_ + " /probe");
  ASSERT_EQ(r.code, 0) << r.err;
  info = json::parse(r.out);
  EXPECT_EQ(info["uid"], 1000);
  EXPECT_EQ(info["gid"], 100);
  EXPECT_EQ(info["groups"], json({5, 6}));
  // As with runc: a non-root process keeps only bounding (no ambient set in the spec).
  EXPECT_EQ(info["cap_bnd"], "00000000a80435fb");
  EXPECT_EQ(info["cap_eff"], "0000000000000000");

  r = boxrun("exec --env FOO=bar -e PATH=/bin " + cid_ + " /probe env");
  ASSERT_EQ(r.code, 0) << r.err;
  auto env = json::parse(r.out).get<std::vector<std::string>>();
  EXPECT_NE(std::find(env.begin(), env.end(), "FOO=bar"), env.end());
  EXPECT_EQ(std::count_if(env.begin(), env.end(),
                          [](const std::string& e) { return e.rfind("PATH=", 0) == 0; }),
            1);
  EXPECT_NE(std::find(env.begin(), env.end(), "PATH=/bin"), env.end());
  EXPECT_NE(std::find(env.begin(), env.end(), "TERM=xterm"), env.end())
      << "the container's env is kept";
}

TEST_F(RuntimeBoxrunTest, ExecPassesTheExitCodeThrough) {
  create_and_start();
  EXPECT_EQ(boxrun("exec " + cid_ + " /probe exit 7").code, 7);
  EXPECT_EQ(boxrun("exec " + cid_ + " /bin/sh -c 'kill -TERM $$'").code, 128 + SIGTERM)
      << "options after the command (-c) belong to the command";
  Result r = boxrun("exec " + cid_ + " /nonexistent");
  EXPECT_EQ(r.code, 127) << "as a shell, and runc run, for a missing command";
  EXPECT_EQ(r.err, "boxrun: exec \"/nonexistent\": no such file or directory\n");
}

TEST_F(RuntimeBoxrunTest, ExecProcessJson) {
  create_and_start();
  boxrt::Process p;
  p.args = {"/probe", "exit", "3"};
  p.env = {"PATH=/bin"};
  p.user.uid = 65534;
  std::ofstream(path("process.json")) << boxrt::spec_to_json([&] {
                                           boxrt::ContainerSpec s;
                                           s.process = p;
                                           return s;
                                         }())["process"]
                                             .dump();
  EXPECT_EQ(boxrun("exec --process " + path("process.json") + " " + cid_).code, 3);
  Result both = boxrun("exec --process " + path("process.json") + " " + cid_ + " /probe");
  EXPECT_EQ(both.code, 1);
  EXPECT_NE(both.err.find("either --process or a command"), std::string::npos) << both.err;

  std::ofstream(path("bad.json")) << R"({"args": ["/probe"], "cwd": "/", "oomScoreAdj": -500})";
  Result bad = boxrun("exec -p " + path("bad.json") + " " + cid_);
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("this host may not allow it"), std::string::npos) << bad.err;
}

TEST_F(RuntimeBoxrunTest, ExecDetachWithPidFile) {
  create_and_start();
  Result r = boxrun("exec -d --pid-file " + path("exec.pid") + " " + cid_ + " /probe sleep 30");
  ASSERT_EQ(r.code, 0) << r.err;
  pid_t pid = std::stoi(bt::read_text(path("exec.pid")));
  auto pids = container_pids();
  EXPECT_NE(std::find(pids.begin(), pids.end(), pid), pids.end())
      << "the pid file names the exec'd process";
  EXPECT_EQ(pids.size(), 2u);
}

TEST_F(RuntimeBoxrunTest, ExecPidFileFailureKillsTheProcess) {
  create_and_start();
  Result r = boxrun("exec -d --pid-file /nonexistent-dir/exec.pid " + cid_ + " /probe sleep 30");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("write pid file"), std::string::npos) << r.err;
  EXPECT_EQ(container_pids().size(), 1u) << "only the init is left";
}

TEST_F(RuntimeBoxrunTest, ExecTtyWithConsoleSocket) {
  create_and_start();
  ConsoleSocket sock(path("exec.sock"));
  Result r = boxrun("exec -t -d --console-socket " + sock.path() + " " + cid_ + " /probe tty");
  ASSERT_EQ(r.code, 0) << r.err;
  boxrt::UniqueFd master = sock.receive();
  std::string text = read_pty(master.get());
  auto brace = text.find('{');
  ASSERT_NE(brace, std::string::npos) << text;
  json info = json::parse(text.substr(brace, text.find('\r', brace) - brace));
  EXPECT_EQ(info["isatty"], json({1, 1, 1}));
  EXPECT_EQ(info["ctty"], true);
}

TEST_F(RuntimeBoxrunTest, ExecTtyInTheForegroundIsProxied) {
  create_and_start();
  Result r = boxrun("exec -t " + cid_ + " /probe tty");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"isatty\":[1,1,1]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"ctty\":true"), std::string::npos) << r.out;
  EXPECT_EQ(boxrun("exec --tty " + cid_ + " /bin/sh -c 'exit 6'").code, 6);
  std::ofstream(path("typed")) << "typed line\n";
  r = boxrun("exec -t " + cid_ + " /probe echo-line", path("typed"));
  EXPECT_NE(r.out.find("{\"line\":\"typed line\"}"), std::string::npos) << r.out;
}

TEST_F(RuntimeBoxrunTest, TerminalFlagsAreCheckedAsRuncDoes) {
  create_and_start();
  Result r = boxrun("exec -t -d " + cid_ + " /probe");
  EXPECT_NE(r.err.find("cannot allocate tty if boxrun will detach without setting console socket"),
            std::string::npos)
      << r.err;
  r = boxrun("exec -d --console-socket " + path("x.sock") + " " + cid_ + " /probe");
  EXPECT_NE(r.err.find("cannot use console socket if boxrun will not detach or allocate tty"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(container_pids().size(), 1u);
}

TEST_F(RuntimeBoxrunTest, CreateWithTerminalAndConsoleSocket) {
  boxrt::ContainerSpec s = spec({"/probe", "tty"});
  s.process.terminal = true;
  write_config(s);
  Result r = boxrun("create --bundle " + dir_.path() + " " + cid_);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("cannot allocate tty"), std::string::npos) << r.err;
  r = boxrun("run --console-socket " + path("x.sock") + " --bundle " + dir_.path() + " " + cid_);
  EXPECT_NE(r.err.find("cannot use console socket if boxrun will not detach"), std::string::npos)
      << r.err;

  // In the foreground boxrun receives the pty itself and copies it to its stdout.
  r = boxrun("run --bundle " + dir_.path() + " " + cid_);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"console_is_our_pty\":true"), std::string::npos) << r.out;
  EXPECT_EQ(boxrun("list -q").out, "") << "run removed it";

  ConsoleSocket sock(path("console.sock"));
  r = boxrun("run -d --console-socket " + sock.path() + " --bundle " + dir_.path() + " " + cid_);
  ASSERT_EQ(r.code, 0) << r.err;
  boxrt::UniqueFd master = sock.receive();
  std::string text = read_pty(master.get());
  EXPECT_NE(text.find("\"ctty\":true"), std::string::npos) << text;
  EXPECT_NE(text.find("\"console_is_our_pty\":true"), std::string::npos) << text;
}

TEST_F(RuntimeBoxrunTest, CreatePidFileFailureLeavesNothing) {
  Result r = boxrun("create --pid-file /nonexistent-dir/pid --bundle " + dir_.path() + " " + cid_);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("write pid file /nonexistent-dir/pid"), std::string::npos) << r.err;
  EXPECT_EQ(boxrun("list -q").out, "");
  auto cg = boxrt::make_host_cgroup("", cid_);  // where create put it
  for (const auto& [c, d] : cg->paths().dirs)
    EXPECT_FALSE(fs::exists(d)) << d << ": the init was left in its cgroup";
}

TEST_F(RuntimeBoxrunTest, CreateFailureNamesTheStepAndTheErrno) {
  // A user namespace without its own pid namespace cannot mount proc: EPERM in the child,
  // reported over the sync socket.
  boxrt::ContainerSpec s = spec();
  s.linux.namespaces.push_back({"user", ""});
  std::erase_if(s.linux.namespaces, [](const auto& ns) { return ns.type == "pid"; });
  s.linux.uid_mappings = {{0, 100000, 65536}};
  s.linux.gid_mappings = {{0, 100000, 65536}};
  write_config(s);
  Result r = boxrun("create --bundle " + dir_.path() + " " + cid_);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "boxrun: create " + cid_ + ": mount proc on /proc: EPERM\n");
  EXPECT_EQ(boxrun("list -q").out, "");
  auto cg = boxrt::make_host_cgroup("", cid_);
  for (const auto& [c, d] : cg->paths().dirs)
    EXPECT_FALSE(fs::exists(d)) << d;
}

TEST_F(RuntimeBoxrunTest, RunOfAMissingCommandExits127) {
  write_config(spec({"foo"}));
  Result r = boxrun("run --bundle " + dir_.path() + " " + cid_);
  EXPECT_EQ(r.code, 127);
  EXPECT_EQ(r.err, "boxrun: start " + cid_ + ": exec \"foo\": no such file or directory\n");
  EXPECT_EQ(boxrun("list -q").out, "");
}

TEST_F(RuntimeBoxrunTest, DeleteForceCleansUpACreateKilledHalfWay) {
  // The createContainer hook runs in the init, inside the container's cgroup and mount
  // namespace; boxrun is killed while it sleeps there.
  boxrt::ContainerSpec s = spec();
  std::string started = path("hook-started");
  s.hooks.create_container.push_back(
      {"/bin/sh", {"sh", "-c", "touch " + started + "; exec sleep 60"}, {}, {}});
  write_config(s);
  std::string cmd = "exec " + std::string(bt::kBoxrunPath) + " --root " + root_ +
                    " create --bundle " + dir_.path() + " " + cid_ + " >" + path("stdout") + " 2>" +
                    path("stderr") + " </dev/null";
  pid_t creator = fork();
  ASSERT_GE(creator, 0);
  if (creator == 0) {
    execl("/bin/sh", "sh", "-c", cmd.c_str(), nullptr);
    _exit(127);
  }
  // The init runs the hook as soon as it is in its cgroup; boxrun records its pid at the
  // same time: wait for both.
  std::string state_file = root_ + "/" + cid_ + "/state.json";
  auto recorded_pid = [&] {
    std::string text = bt::read_text(state_file);
    return text.empty() ? 0 : json::parse(text).value("pid", 0);
  };
  for (int i = 0; i < 1000 && !(fs::exists(started) && recorded_pid() > 0); ++i)
    usleep(10000);
  ASSERT_TRUE(fs::exists(started)) << bt::read_text(path("stderr"));
  kill(creator, SIGKILL);
  int status;
  waitpid(creator, &status, 0);

  json state = json::parse(bt::read_text(state_file));
  pid_t init = state["pid"];
  ASSERT_GT(init, 0);
  EXPECT_EQ(kill(init, 0), 0) << "the init still runs the hook";
  EXPECT_EQ(json::parse(boxrun("state " + cid_).out)["status"], "creating");
  auto cg = boxrt::open_cgroup(boxrt::cgroup_paths_from_json(state["cgroup"]));
  EXPECT_GE(cg->pids().size(), 2u) << "the init and its hook";
  EXPECT_NE(boxrun("delete " + cid_).code, 0) << "creating: only with --force";

  Result r = boxrun("delete --force " + cid_);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(fs::exists(root_ + "/" + cid_));
  for (const auto& [c, d] : cg->paths().dirs)
    EXPECT_FALSE(fs::exists(d)) << d;
  // Gone, or a zombie until its new parent reaps it.
  EXPECT_FALSE(boxrt::process_alive(init, state["pid_start_time"].get<uint64_t>()));
}

}  // namespace
