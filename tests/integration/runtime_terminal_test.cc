// process.terminal with a console socket, as runc's --console-socket: the test plays
// recvtty, receiving the pty master over its unix socket and talking to the container
// through it.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>

#include "boxrt/console.h"
#include "boxrt/container.h"
#include "boxrt/error.h"
#include "boxrt_testing/container_test.h"

namespace {

using boxrt::ContainerSpec;
using boxrt::UniqueFd;
using nlohmann::json;
namespace bt = boxrt::testing;

// A listening unix socket, like runc's recvtty.
class ConsoleSocket {
 public:
  explicit ConsoleSocket(std::string path) : path_(std::move(path)) {
    fd_ = UniqueFd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    struct sockaddr_un addr = {};
    addr.sun_family = AF_UNIX;
    strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    if (bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 ||
        listen(fd_.get(), 4) < 0)
      throw std::runtime_error("console socket " + path_ + ": " + strerror(errno));
  }
  ~ConsoleSocket() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

  // Accepts the runtime's connection and returns the fd it sent.
  UniqueFd receive(std::string* name = nullptr) {
    UniqueFd conn(accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn) throw std::runtime_error(std::string("accept: ") + strerror(errno));
    return boxrt::recv_fd(conn.get(), name);
  }

 private:
  std::string path_;
  UniqueFd fd_;
};

// Everything the pty's slave side writes until every slave fd is closed (read then
// fails with EIO) or 10s pass.
std::string read_until_hangup(int master) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    struct pollfd p = {master, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// The probe's JSON line in what a terminal shows (ONLCR makes "\n" into "\r\n").
json json_in(const std::string& tty_text) {
  auto open = tty_text.rfind("\n{");
  std::string line = tty_text.substr(open == std::string::npos ? tty_text.find('{') : open + 1);
  return json::parse(line.substr(0, line.find('\r')));
}

class RuntimeTerminalTest : public bt::ContainerTest {};

TEST_F(RuntimeTerminalTest, InitGetsAPtyWhoseMasterGoesToTheConsoleSocket) {
  ConsoleSocket sock(path("console.sock"));
  ContainerSpec s = spec({"/probe", "tty"});
  s.process.terminal = true;
  s.process.console_size = boxrt::ConsoleSize{40, 120};
  s.process.user.uid = 1000;
  std::string cid = id("tty");
  boxrt::CreateOptions opts;
  opts.console_socket = sock.path();
  rt_->create(cid, s, opts);
  std::string name;
  UniqueFd master = sock.receive(&name);
  EXPECT_EQ(name, "/dev/ptmx");
  rt_->start(cid);
  std::string text = read_until_hangup(master.get());
  EXPECT_EQ(rt_->wait(cid), 0);
  rt_->remove(cid);
  json info = json_in(text);
  EXPECT_EQ(info["isatty"], json({1, 1, 1})) << text;
  EXPECT_EQ(info["ttyname"], "/dev/pts/0") << "a pty of the container's own devpts";
  EXPECT_EQ(info["ctty"], true) << "the pty is the controlling terminal";
  EXPECT_EQ(info["session_leader"], true);
  EXPECT_EQ(info["rows"], 40);
  EXPECT_EQ(info["cols"], 120);
  EXPECT_EQ(info["console_is_our_pty"], true) << "/dev/console is bound to the slave";
  EXPECT_EQ(info["tty_owner"], 1000) << "the process owns its terminal";
}

TEST_F(RuntimeTerminalTest, InputTypedIntoTheMasterReachesTheProcess) {
  ConsoleSocket sock(path("console.sock"));
  ContainerSpec s = spec({"/probe", "echo-line"});
  s.process.terminal = true;
  std::string cid = id("tty-in");
  boxrt::CreateOptions opts;
  opts.console_socket = sock.path();
  rt_->create(cid, s, opts);
  UniqueFd master = sock.receive();
  rt_->start(cid);
  ASSERT_EQ(write(master.get(), "hello there\n", 12), 12);
  std::string text = read_until_hangup(master.get());
  EXPECT_EQ(rt_->wait(cid), 0);
  rt_->remove(cid);
  EXPECT_EQ(json_in(text)["line"], "hello there") << text;
}

TEST_F(RuntimeTerminalTest, ExecWithATerminal) {
  std::string cid = id("tty-exec");
  rt_->create(cid, spec({"/probe", "sleep", "60"}));
  rt_->start(cid);
  ConsoleSocket sock(path("exec.sock"));
  boxrt::Process p = rt_->config(cid).process;
  p.args = {"/probe", "tty"};
  p.terminal = true;
  boxrt::ExecOptions eo;
  eo.console_socket = sock.path();
  pid_t pid = rt_->exec(cid, p, eo);
  UniqueFd master = sock.receive();
  std::string text = read_until_hangup(master.get());
  EXPECT_EQ(boxrt::wait_exit_code(pid), 0);
  rt_->remove(cid, true);
  json info = json_in(text);
  EXPECT_EQ(info["isatty"], json({1, 1, 1})) << text;
  EXPECT_EQ(info["ctty"], true);
  EXPECT_EQ(info["console_is_our_pty"], false) << "exec does not take /dev/console";
}

TEST_F(RuntimeTerminalTest, TerminalAndConsoleSocketGoTogether) {
  ContainerSpec s = spec();
  s.process.terminal = true;
  try {
    rt_->create(id("no-socket"), s);
    FAIL() << "a terminal without a console socket must be refused";
  } catch (const boxrt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("no console socket"), std::string::npos) << e.what();
  }
  ConsoleSocket sock(path("console.sock"));
  s.process.terminal = false;
  boxrt::CreateOptions opts;
  opts.console_socket = sock.path();
  EXPECT_THROW(rt_->create(id("no-terminal"), s, opts), boxrt::Error);
  s.process.terminal = true;
  opts.stdout_path = path("out");
  EXPECT_THROW(rt_->create(id("both"), s, opts), boxrt::Error);
  opts.stdout_path.clear();
  opts.console_socket = path("nobody-listens.sock");
  try {
    rt_->create(id("no-listener"), s, opts);
    FAIL() << "connecting to a missing socket must fail";
  } catch (const boxrt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("connect to console socket"), std::string::npos)
        << e.what();
  }
}

}  // namespace
