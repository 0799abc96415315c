// The per-project supervisor (like conmon, one per project rather than per container). It
// runs in its own session as a child subreaper, so every container a worker creates is
// reparented to it when the worker exits. It reaps them, records each exit in the
// container's exit.json, copies their stdout and stderr into timestamped log files, and
// answers the CLI on a unix socket (engine/supervisor_protocol.h). It holds no other state:
// if it is killed, `down` still works from the project's state file alone.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "boxrt/fd.h"
#include "engine/logfile.h"
#include "engine/supervisor_protocol.h"
#include "supervisor/health_monitor.h"
#include "supervisor/port_proxy.h"
#include "supervisor/restarts.h"

namespace supervisor {

class Supervisor {
 public:
  // `dir` is the project's state directory: the socket and pid file go there.
  explicit Supervisor(std::filesystem::path dir);
  // Listens, then writes one byte to ready_fd (if >= 0) and closes it. Returns the exit code
  // when asked to shut down or on SIGTERM.
  int run(int ready_fd);

  // Where the supervisor's parts (port proxies, health checks, restarts) plug into its one
  // event loop: `handler` runs with the epoll events whenever `fd` is ready. The caller
  // keeps owning the fd and calls unwatch_fd before it closes it.
  using FdHandler = std::function<void(uint32_t events)>;
  void watch_fd(int fd, uint32_t events, FdHandler handler);
  void unwatch_fd(int fd);

 private:
  struct Client {
    boxrt::UniqueFd sock;
    pid_t spawned = 0;  // the process started for this connection, 0 if none
  };
  struct Watched {
    std::string name;
    std::filesystem::path exit_file;
    std::unique_ptr<engine::LogWriter> log;
    int open_streams = 0;
    bool exited = false;
    int exit_code = 0;
  };
  struct Stream {
    boxrt::UniqueFd fd;
    pid_t owner;  // the container's pid, key of watched_
    engine::LogStream kind;
  };

  void listen();
  void dispatch(uint64_t token, uint32_t events);
  void add(int fd);
  // The epoll data of a new registration of `fd`: the fd and a number no earlier
  // registration of it had (see dispatch).
  uint64_t register_token(int fd);
  // Takes `fd` out of epoll (before it is closed) and ends its registration.
  void forget(int fd);
  void on_accept();
  void on_client(int fd);
  void on_signals();
  void on_stream(int fd);
  void close_stream(int fd);
  nlohmann::json handle(Client& client, engine::Message& msg);
  nlohmann::json spawn(Client& client, engine::Message& msg);
  nlohmann::json watch(engine::Message& msg);
  void watch_health_and_restarts(const std::string& name, const nlohmann::json& body);
  // "subscribe": this connection gets every container's state now, then each change.
  nlohmann::json subscribe(int fd);
  // Sends an event to every subscribed connection.
  void publish(const nlohmann::json& event);
  void reap();
  void record_exit(pid_t pid, int code);
  void finish_if_done(pid_t pid);

  std::filesystem::path dir_;
  boxrt::UniqueFd epoll_, signals_, listen_;
  std::map<int, Client> clients_;          // by socket fd
  std::map<int, Stream> streams_;          // by pipe fd
  std::map<pid_t, Watched> watched_;       // by container init pid
  std::map<int, FdHandler> handlers_;      // by fd, see watch_fd
  std::map<int, uint64_t> registrations_;  // by fd: its current registration's token
  uint32_t next_registration_ = 1;
  // What subscribers are told: each container's last known state, by name.
  std::map<std::string, nlohmann::json> known_;
  std::set<int> subscribers_;  // client sockets
  std::unique_ptr<HealthMonitor> health_;
  std::unique_ptr<Restarts> restarts_;
  std::unique_ptr<PortProxy> ports_;  // published ports, see port_proxy.h
  bool stop_ = false;
};

}  // namespace supervisor
