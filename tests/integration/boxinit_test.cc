// boxcompose-init as pid 1 of a fresh pid namespace (no container needed): it reaps the
// orphans that land on it, forwards signals to its child, and passes the child's exit
// code through (128+N for a signal), as tini and docker-init do.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "boxinit/paths.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kBusybox = "/bin/busybox";

// Reads everything an fd has until EOF (the writers are gone once init has exited).
std::string drain(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

struct Child {
  pid_t pid;
  char state;  // 'Z' for a zombie
};

// Every process whose parent is `ppid`, from /proc/<pid>/stat.
std::vector<Child> children_of(pid_t ppid) {
  std::vector<Child> out;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    if (!std::getline(in, stat)) continue;
    // "pid (comm) S ppid ...": comm may hold spaces and parentheses; split after the last ')'.
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 1));
    char state = 0;
    pid_t parent = 0;
    rest >> state >> parent;
    if (parent == ppid) out.push_back({static_cast<pid_t>(std::stoi(name)), state});
  }
  return out;
}

class BoxinitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to make a pid namespace";
    if (!fs::exists(kBusybox)) GTEST_SKIP() << "needs busybox-static at /bin/busybox";
    ASSERT_TRUE(fs::exists(BOXCOMPOSE_INIT_BUILD_PATH)) << BOXCOMPOSE_INIT_BUILD_PATH;
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    for (int fd : {out_, err_})
      if (fd >= 0) close(fd);
  }

  // Starts boxcompose-init -- args... as pid 1 of a new pid namespace; its stdout and
  // stderr come back on out_ and err_.
  void start(std::vector<std::string> args) {
    int out[2], err[2];
    ASSERT_EQ(pipe2(out, O_CLOEXEC), 0);
    ASSERT_EQ(pipe2(err, O_CLOEXEC), 0);
    std::vector<std::string> all = {BOXCOMPOSE_INIT_BUILD_PATH, "--"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all)
      argv.push_back(a.data());
    argv.push_back(nullptr);

    // clone() without a new stack behaves as fork(); the child only dup2s and execs.
    long pid = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, nullptr, nullptr, nullptr, 0);
    ASSERT_GE(pid, 0) << strerror(errno);
    if (pid == 0) {
      dup2(out[1], 1);
      dup2(err[1], 2);
      execv(argv[0], argv.data());
      _exit(99);
    }
    pid_ = static_cast<pid_t>(pid);
    close(out[1]);
    close(err[1]);
    out_ = out[0];
    err_ = err[0];
  }

  // Waits (at most `limit`) for init to exit; returns its raw wait status.
  int wait_exit(std::chrono::milliseconds limit = 10s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        return status;
      }
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "boxcompose-init did not exit in time";
    return -1;
  }

  // Polls until pred() holds or `limit` passes; returns whether it held.
  template <typename Pred>
  static bool eventually(Pred pred, std::chrono::milliseconds limit = 5s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return pred();
  }

  // Reads stdout until it holds `word` (the child's "I am ready" line).
  void wait_for_output(const std::string& word) {
    std::string seen;
    char buf[256];
    while (seen.find(word) == std::string::npos) {
      ssize_t n = read(out_, buf, sizeof buf);
      ASSERT_GT(n, 0) << "stdout closed before \"" << word << "\"; got: " << seen;
      seen.append(buf, static_cast<size_t>(n));
    }
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
};

TEST_F(BoxinitTest, PassesTheExitCodeThrough) {
  start({kBusybox, "sh", "-c", "exit 3"});
  int status = wait_exit();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
}

TEST_F(BoxinitTest, ReapsOrphanedZombies) {
  // Three background sleeps orphaned by their subshells: they are reparented to init and
  // become zombies when they end, until init reaps them.
  start({kBusybox, "sh", "-c",
         "for i in 1 2 3; do (/bin/busybox sleep 1 &); done; exec /bin/busybox sleep 30"});
  EXPECT_TRUE(eventually([&] { return children_of(pid_).size() == 4; }))
      << "the orphans never landed on init";
  EXPECT_TRUE(eventually([&] { return children_of(pid_).size() == 1; }))
      << "zombies left unreaped: " << children_of(pid_).size() - 1;
  auto left = children_of(pid_);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_NE(left[0].state, 'Z');
  // Init is still up: its command has not exited.
  EXPECT_EQ(waitpid(pid_, nullptr, WNOHANG), 0);
}

TEST_F(BoxinitTest, ForwardsSigtermAndExits143) {
  start({kBusybox, "sleep", "30"});
  ASSERT_TRUE(eventually([&] { return children_of(pid_).size() == 1; }));
  ASSERT_EQ(kill(pid_, SIGTERM), 0);
  int status = wait_exit();
  ASSERT_TRUE(WIFEXITED(status)) << "init itself was killed: " << status;
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM);
}

TEST_F(BoxinitTest, ForwardsOtherSignalsToTheChild) {
  // The child traps SIGUSR1 and SIGHUP, proving both reach it rather than init acting on them.
  start({kBusybox, "sh", "-c",
         "trap 'echo usr1' USR1; trap 'exit 9' HUP; echo ready; "
         "while :; do /bin/busybox sleep 0.05; done"});
  wait_for_output("ready");
  ASSERT_EQ(kill(pid_, SIGUSR1), 0);
  wait_for_output("usr1");
  ASSERT_EQ(kill(pid_, SIGHUP), 0);
  int status = wait_exit();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 9);
}

TEST_F(BoxinitTest, MissingCommandExits127WithAMessage) {
  start({"/no/such/command", "arg"});
  int status = wait_exit();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 127);
  EXPECT_EQ(drain(err_), "boxcompose-init: exec \"/no/such/command\": no such file or directory\n");
}

TEST_F(BoxinitTest, NonExecutableCommandExits126) {
  char file[] = "/tmp/boxinit-test-XXXXXX";
  int fd = mkstemp(file);
  ASSERT_GE(fd, 0);
  close(fd);
  ASSERT_EQ(chmod(file, 0644), 0);
  start({file});
  int status = wait_exit();
  unlink(file);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 126);
  EXPECT_EQ(drain(err_),
            "boxcompose-init: exec \"" + std::string(file) + "\": permission denied\n");
}

}  // namespace
