#include "supervisor/supervisor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "engine/error.h"
#include "supervisor/child_process.h"

namespace supervisor {
namespace {

using boxrt::UniqueFd;
using engine::Error;
using nlohmann::json;

sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP})
    sigaddset(&set, sig);
  return set;
}

std::string rfc3339_now() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  tm t;
  gmtime_r(&ts.tv_sec, &t);
  char buf[64];
  size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
  snprintf(buf + n, sizeof buf - n, ".%09ldZ", ts.tv_nsec);
  return buf;
}

// Temp file and rename: a reader sees the old file or the whole new one.
void write_atomic(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out.flush()) throw Error::sys("write", tmp.string(), errno);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) throw Error::sys("rename", path.string(), errno);
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// In the forked child: never returns.
[[noreturn]] void exec_worker(std::vector<std::string> argv, std::vector<std::string> env,
                              const std::string& cwd, const std::vector<UniqueFd>& stdio) {
  for (int i = 0; i < 3; ++i)
    if (::dup2(stdio[i].get(), i) < 0) _exit(127);
  ::close_range(3, ~0U, 0);
  restore_fd_limit();
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);
  if (::chdir(cwd.c_str()) != 0) {
    dprintf(2, "boxcompose-supervisor: chdir %s: %s\n", cwd.c_str(), strerror(errno));
    _exit(127);
  }
  ::execve(argv[0].c_str(), c_strings(argv).data(), c_strings(env).data());
  dprintf(2, "boxcompose-supervisor: exec %s: %s\n", argv[0].c_str(), strerror(errno));
  _exit(127);
}

}  // namespace

Supervisor::Supervisor(std::filesystem::path dir) : dir_(std::move(dir)) {}

void Supervisor::forget(int fd) {
  registrations_.erase(fd);
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
}

uint64_t Supervisor::register_token(int fd) {
  uint64_t token = static_cast<uint64_t>(next_registration_++) << 32 | static_cast<uint32_t>(fd);
  registrations_[fd] = token;
  return token;
}

void Supervisor::add(int fd) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = register_token(fd);
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0)
    throw Error::sys("epoll_ctl", "add", errno);
}

// One ready fd to its part. Nothing a part throws (a full disk under a log, no fds left
// for a check's pipe) may end the supervisor: the containers' output pipes, ports and
// restarts depend on it staying up. The part that failed says why in the log.
// An event of one epoll_wait batch may belong to an fd a handler earlier in the batch
// closed, its number since reused by a new socket or pipe: it is dropped, as the
// registration it was for is gone.
void Supervisor::dispatch(uint64_t token, uint32_t events) {
  int fd = static_cast<int>(token & 0xffffffffu);
  auto registration = registrations_.find(fd);
  if (registration == registrations_.end() || registration->second != token) return;
  try {
    if (fd == signals_.get())
      on_signals();
    else if (fd == listen_.get())
      on_accept();
    else if (clients_.count(fd))
      on_client(fd);
    else if (streams_.count(fd))
      on_stream(fd);
    else if (auto h = handlers_.find(fd); h != handlers_.end())
      FdHandler(h->second)(events);  // a copy: the handler may unwatch itself
  } catch (const std::exception& e) {
    dprintf(2, "boxcompose-supervisor: %s\n", e.what());
  }
}

void Supervisor::watch_fd(int fd, uint32_t events, FdHandler handler) {
  epoll_event ev{};
  ev.events = events;
  int op = handlers_.count(fd) ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  ev.data.u64 = op == EPOLL_CTL_MOD ? registrations_.at(fd) : register_token(fd);
  if (::epoll_ctl(epoll_.get(), op, fd, &ev) != 0) throw Error::sys("epoll_ctl", "watch", errno);
  handlers_[fd] = std::move(handler);
}

void Supervisor::unwatch_fd(int fd) {
  if (handlers_.erase(fd)) forget(fd);
}

void Supervisor::listen() {
  std::filesystem::path path = dir_ / "supervisor.sock";
  listen_.reset(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!listen_) throw Error::sys("socket", path.string(), errno);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.native().size() >= sizeof addr.sun_path)
    throw Error("socket path too long: " + path.string());
  std::strcpy(addr.sun_path, path.c_str());
  ::unlink(path.c_str());  // a socket left by a supervisor that was killed
  if (::bind(listen_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw Error::sys("bind", path.string(), errno);
  if (::listen(listen_.get(), 16) != 0) throw Error::sys("listen", path.string(), errno);
  write_atomic(dir_ / "supervisor.pid", std::to_string(::getpid()) + "\n");
}

int Supervisor::run(int ready_fd) {
  raise_fd_limit();
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t set = handled_signals();
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  signals_.reset(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!signals_ || !epoll_) throw Error::sys("signalfd/epoll", "supervisor", errno);
  listen();
  health_ = std::make_unique<HealthMonitor>(
      *this, [this](const std::string& name, const std::string& status) {
        known_[name]["health"] = status;
        publish({{"op", "health"}, {"container", name}, {"health", status}});
      });
  restarts_ = std::make_unique<Restarts>(*this);
  ports_ = std::make_unique<PortProxy>(*this);
  add(signals_.get());
  add(listen_.get());
  if (ready_fd >= 0) {
    char ok = 1;
    (void)!::write(ready_fd, &ok, 1);
    ::close(ready_fd);
  }
  reap();  // children reparented to us before the signalfd existed
  while (!stop_) {
    epoll_event events[16];
    int n = ::epoll_wait(epoll_.get(), events, 16, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error::sys("epoll_wait", "supervisor", errno);
    for (int i = 0; i < n && !stop_; ++i)
      dispatch(events[i].data.u64, events[i].events);
  }
  for (auto& [pid, w] : watched_)
    if (w.log) w.log->flush();
  health_.reset();
  restarts_.reset();
  ports_.reset();  // the ports are free before `down` sees this process gone
  ::unlink((dir_ / "supervisor.sock").c_str());
  ::unlink((dir_ / "supervisor.pid").c_str());
  return 0;
}

void Supervisor::on_accept() {
  for (;;) {
    int fd = ::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN: none left
    Client& c = clients_[fd];
    c.sock.reset(fd);
    add(fd);
  }
}

void Supervisor::on_client(int fd) {
  Client& client = clients_.at(fd);
  std::optional<engine::Message> msg;
  try {
    msg = engine::receive_message(fd);
  } catch (const std::exception&) {
    msg.reset();
  }
  if (!msg) {  // the CLI went away
    // Its worker goes with it, as a crash of both: a CLI waits for its worker to the end
    // (and passes signals on), so one gone without a word was killed. A worker left on
    // its own would go on making containers behind the `down` that follows, racing it
    // for the project's lock; killed here, it leaves what `down` cleans. The containers
    // the worker started are ours and go on.
    if (client.spawned > 0) ::kill(client.spawned, SIGKILL);
    forget(fd);
    subscribers_.erase(fd);
    clients_.erase(fd);
    return;
  }
  json reply;
  try {
    reply = handle(client, *msg);
  } catch (const std::exception& e) {
    reply = {{"ok", false}, {"error", e.what()}};
  }
  try {
    engine::send_message(fd, reply);
  } catch (const std::exception&) {
  }
}

json Supervisor::handle(Client& client, engine::Message& msg) {
  std::string op = msg.body.value("op", "");
  if (op == "spawn") return spawn(client, msg);
  if (op == "watch") return watch(msg);
  if (op == "signal") {
    if (client.spawned > 0) ::kill(client.spawned, msg.body.value("sig", SIGTERM));
    return {{"ok", true}};
  }
  if (op == "ping") return {{"ok", true}, {"pid", ::getpid()}};
  if (op == "publish_ports") return ports_->publish(msg);
  if (op == "unpublish_ports") return ports_->unpublish(msg.body);
  if (op == "subscribe") return subscribe(client.sock.get());
  if (op == "reaped") {  // a container whose parent was the worker that made it
    record_exit(msg.body.at("pid").get<pid_t>(), msg.body.at("code").get<int>());
    return {{"ok", true}};
  }
  if (op == "stopping") {
    restarts_->stopping(msg.body.at("containers").get<std::vector<std::string>>());
    return {{"ok", true}};
  }
  if (op == "may_restart")
    return {{"ok", true},
            {"restart", restarts_->may_restart(msg.body.at("container").get<std::string>())}};
  if (op == "shutdown") {
    stop_ = true;
    return {{"ok", true}};
  }
  throw Error("unknown request \"" + op + "\"");
}

json Supervisor::spawn(Client& client, engine::Message& msg) {
  if (msg.fds.size() != 3) throw Error("spawn needs stdin, stdout and stderr");
  auto argv = msg.body.at("argv").get<std::vector<std::string>>();
  auto env = msg.body.at("env").get<std::vector<std::string>>();
  std::string cwd = msg.body.value("cwd", "/");
  if (argv.empty()) throw Error("spawn needs argv");
  pid_t pid = ::fork();
  if (pid < 0) throw Error::sys("fork", argv[0], errno);
  if (pid == 0) exec_worker(std::move(argv), std::move(env), cwd, msg.fds);
  client.spawned = pid;
  return {{"ok", true}, {"pid", pid}};
}

json Supervisor::watch(engine::Message& msg) {
  pid_t pid = msg.body.at("pid").get<pid_t>();
  Watched& w = watched_[pid];
  w = Watched{};
  w.name = msg.body.at("container").get<std::string>();
  w.exit_file = msg.body.at("exit_file").get<std::string>();
  w.log = std::make_unique<engine::LogWriter>(msg.body.at("log").get<std::string>());
  const engine::LogStream kinds[] = {engine::LogStream::Stdout, engine::LogStream::Stderr};
  for (std::size_t i = 0; i < msg.fds.size() && i < 2; ++i) {
    int fd = msg.fds[i].get();
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    streams_[fd] = Stream{std::move(msg.fds[i]), pid, kinds[i]};
    add(fd);
    ++w.open_streams;
  }
  watch_health_and_restarts(w.name, msg.body);
  publish({{"op", "start"}, {"container", w.name}, {"health", known_[w.name].value("health", "")}});
  return {{"ok", true}};
}

void Supervisor::watch_health_and_restarts(const std::string& name, const json& body) {
  known_[name] = {{"state", "running"}, {"pid", body.at("pid").get<pid_t>()}};
  std::string boxcompose = body.value("boxcompose", "");
  std::string project = dir_.filename().string();
  if (boxcompose.empty()) return;  // a CLI that asks for neither
  if (body.contains("health") && body.at("health").is_object()) {
    HealthTarget target{
        engine::health_spec_from_json(body.at("health")), boxcompose, project,
        std::filesystem::path(body.at("exit_file").get<std::string>()).parent_path() /
            "health.json"};
    health_->start(name, std::move(target));
    known_[name]["health"] = "starting";
  } else {
    health_->stop(name);
  }
  RestartTarget restart;
  if (body.contains("restart"))
    restart.policy = engine::restart_policy_from_json(body.at("restart"));
  restart.restart_count = body.value("restart_count", 0);
  restart.boxcompose = boxcompose;
  restart.project = project;
  restarts_->watched(name, std::move(restart));
}

json Supervisor::subscribe(int fd) {
  subscribers_.insert(fd);
  json containers = json::object();
  for (const auto& [name, state] : known_)
    containers[name] = state;
  return {{"ok", true}, {"containers", containers}};
}

void Supervisor::publish(const json& event) {
  for (auto it = subscribers_.begin(); it != subscribers_.end();) {
    try {
      engine::send_message(*it, event, {}, false);
      ++it;
    } catch (const std::exception&) {
      // Gone, or too far behind to be waited for: it sees the end of the stream rather
      // than a gap in it (its socket itself closes when the client's does).
      ::shutdown(*it, SHUT_RDWR);
      it = subscribers_.erase(it);
    }
  }
}

void Supervisor::on_stream(int fd) {
  Stream& s = streams_.at(fd);
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      auto it = watched_.find(s.owner);
      if (it != watched_.end() && it->second.log)
        it->second.log->write(s.kind, buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    close_stream(fd);  // EOF or error: every writer is gone
    return;
  }
}

void Supervisor::close_stream(int fd) {
  pid_t owner = streams_.at(fd).owner;
  forget(fd);
  streams_.erase(fd);
  auto it = watched_.find(owner);
  if (it == watched_.end()) return;
  --it->second.open_streams;
  finish_if_done(owner);
}

void Supervisor::on_signals() {
  signalfd_siginfo info;
  while (::read(signals_.get(), &info, sizeof info) == sizeof info) {
    if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) stop_ = true;
  }
  reap();
}

void Supervisor::reap() {
  for (;;) {
    int status;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    int code = decode_status(status);
    if (health_->on_child_exit(pid, code) || restarts_->on_child_exit(pid, code)) continue;
    for (auto& [fd, client] : clients_)
      if (client.spawned == pid) {
        client.spawned = 0;
        try {
          engine::send_message(fd, {{"op", "exited"}, {"code", code}});
        } catch (const std::exception&) {
        }
      }
    record_exit(pid, code);
  }
}

void Supervisor::record_exit(pid_t pid, int code) {
  auto it = watched_.find(pid);
  if (it == watched_.end()) return;
  // Copied: draining the pipes to their end below may forget the entry.
  const std::string name = it->second.name;
  const std::filesystem::path exit_file = it->second.exit_file;
  // Output still in the pipes belongs before the exit: drain what is there now, then mark
  // the exit (so the entry is forgotten only by the finish_if_done at the end).
  std::vector<int> fds;
  for (auto& [fd, s] : streams_)
    if (s.owner == pid) fds.push_back(fd);
  for (int fd : fds)
    on_stream(fd);
  it = watched_.find(pid);
  if (it != watched_.end()) {
    it->second.exited = true;
    it->second.exit_code = code;
  }
  ports_->container_exited(pid);
  // Only the container's latest process: one stopped for a restart may be reaped after
  // its successor was handed over.
  bool latest = known_[name].value("pid", pid_t{0}) == pid;
  bool restarting = false;
  if (latest) {
    health_->stop(name);
    restarting = restarts_->on_exit(name, code);
    known_[name] = {{"state", "exited"}, {"exit_code", code}, {"restarting", restarting}};
    publish({{"op", "exit"}, {"container", name}, {"code", code}, {"restarting", restarting}});
  }
  try {
    write_atomic(exit_file, json{{"exit_code", code},
                                 {"finished_at", rfc3339_now()},
                                 {"pid", pid},
                                 {"restarting", restarting}}
                                    .dump() +
                                "\n");
  } catch (const std::exception& e) {
    dprintf(2, "boxcompose-supervisor: %s: %s\n", name.c_str(), e.what());
  }
  finish_if_done(pid);
}

// Forgets a container once it has exited and its output has ended.
void Supervisor::finish_if_done(pid_t pid) {
  auto it = watched_.find(pid);
  if (it == watched_.end() || !it->second.exited) return;
  if (it->second.log) it->second.log->flush();
  if (it->second.open_streams > 0) return;
  watched_.erase(it);
}

}  // namespace supervisor
