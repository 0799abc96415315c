#include "engine/supervisor_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "engine/error.h"
#include "engine/interrupts.h"
#include "engine/project_state.h"

extern char** environ;

namespace engine {
namespace {

using boxrt::UniqueFd;
using nlohmann::json;

UniqueFd try_connect(const std::filesystem::path& path) {
  UniqueFd sock(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!sock) throw Error::sys("socket", path.string(), errno);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.native().size() >= sizeof addr.sun_path)
    throw Error("socket path too long: " + path.string());
  std::strcpy(addr.sun_path, path.c_str());
  if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return {};
  return sock;
}

std::string tail_of(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

// In the grandchild: becomes the supervisor. Never returns.
[[noreturn]] void exec_supervisor(const std::filesystem::path& dir, int ready_fd) {
  ::setsid();
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);  // kept across exec: no orphan slips past it
  int null = ::open("/dev/null", O_RDWR);
  int log = ::open((dir / "supervisor.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  ::dup2(null, 0);
  ::dup2(null, 1);
  ::dup2(log >= 0 ? log : null, 2);
  int fd = ::fcntl(ready_fd, F_DUPFD, 3);  // keep it, close everything else
  ::close_range(3, fd - 1, 0);
  ::close_range(fd + 1, ~0U, 0);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  std::string bin = supervisor_binary().string(), fd_text = std::to_string(fd);
  std::string dir_text = dir.string();
  char* argv[] = {bin.data(), dir_text.data(), fd_text.data(), nullptr};
  ::execv(bin.c_str(), argv);
  dprintf(2, "exec %s: %s\n", bin.c_str(), strerror(errno));
  _exit(127);
}

// Double fork: the supervisor is not our child, so it outlives us unbothered.
void start_supervisor(const std::filesystem::path& dir) {
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) throw Error::sys("pipe", "supervisor", errno);
  UniqueFd read_end(ready[0]), write_end(ready[1]);
  pid_t child = ::fork();
  if (child < 0) throw Error::sys("fork", "supervisor", errno);
  if (child == 0) {
    read_end.reset();
    pid_t grandchild = ::fork();
    if (grandchild == 0) exec_supervisor(dir, write_end.get());
    _exit(grandchild < 0 ? 1 : 0);
  }
  write_end.reset();
  int status;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  char ok = 0;
  ssize_t n;
  while ((n = ::read(read_end.get(), &ok, 1)) < 0 && errno == EINTR) {
  }
  if (n != 1) {
    std::string why = tail_of(dir / "supervisor.log");
    throw Error("the project's supervisor did not start" + (why.empty() ? "" : ": " + why));
  }
}

std::vector<std::string> worker_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, kWorkerEnv, std::strlen(kWorkerEnv)) != 0) env.emplace_back(*e);
  env.push_back(std::string(kWorkerEnv) + "=1");
  return env;
}

}  // namespace

std::filesystem::path self_executable() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  // A detached read-only clone reads as "/": only then does the environment say.
  if (!ec && std::filesystem::is_regular_file(exe, ec)) return exe;
  if (const char* env = std::getenv(kSelfExecutableEnv); env && *env) return env;
  throw Error("cannot tell where this boxcompose binary is (/proc/self/exe: " + exe.string() + ")");
}

std::filesystem::path supervisor_binary() {
  if (const char* env = std::getenv("BOXCOMPOSE_SUPERVISOR"); env && *env) return env;
  return self_executable().parent_path() / "boxcompose-supervisor";
}

std::optional<SupervisorClient> SupervisorClient::connect(const Paths& paths,
                                                          const std::string& project) {
  UniqueFd sock = try_connect(paths.supervisor_socket(project));
  if (!sock) return std::nullopt;
  return SupervisorClient(std::move(sock));
}

SupervisorClient SupervisorClient::connect_or_start(const Paths& paths,
                                                    const std::string& project) {
  std::filesystem::path dir = paths.project_dir(project);
  std::filesystem::create_directories(dir);
  FileLock spawning(dir / "spawn.lock");  // one starter at a time
  if (auto client = connect(paths, project)) return std::move(*client);
  start_supervisor(dir);
  if (auto client = connect(paths, project)) return std::move(*client);
  throw Error("the project's supervisor started but does not answer on " +
              paths.supervisor_socket(project).string());
}

json SupervisorClient::request(const json& body, const std::vector<int>& fds) {
  send_message(sock_.get(), body, fds);
  std::optional<Message> reply = receive_message(sock_.get());
  if (!reply) throw Error("the project's supervisor closed the connection");
  if (!reply->body.value("ok", false))
    throw Error("supervisor: " + reply->body.value("error", std::string("request failed")));
  return reply->body;
}

int SupervisorClient::run_worker(const std::vector<std::string>& argv) {
  InterruptSignals signals;
  std::string cwd = std::filesystem::current_path().string();
  request({{"op", "spawn"}, {"argv", argv}, {"env", worker_environment()}, {"cwd", cwd}},
          {0, 1, 2});
  int code = -1;
  while (code < 0) {
    pollfd fds[2] = {{sock_.get(), POLLIN, 0}, {signals.fd(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw Error::sys("poll", "supervisor", errno);
    }
    if (fds[1].revents & POLLIN)
      if (int sig = signals.take()) send_message(sock_.get(), {{"op", "signal"}, {"sig", sig}});
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      std::optional<Message> msg = receive_message(sock_.get());
      if (!msg) throw Error("the project's supervisor went away while a command ran");
      if (msg->body.value("op", "") == "exited") code = msg->body.value("code", 1);
    }
  }
  return code;
}

void stop_supervisor(const Paths& paths, const std::string& project) {
  std::optional<SupervisorClient> client = SupervisorClient::connect(paths, project);
  if (!client) return;
  try {
    client->request({{"op", "shutdown"}});
    // Its end of the socket closes when it exits: then nothing of it writes any more.
    while (receive_message(client->fd())) {
    }
  } catch (const std::exception&) {
    // It is going away either way.
  }
}

}  // namespace engine
