// The supervisor's userland proxy for published ports (as docker-proxy, but one event loop
// for the whole project): the worker binds each published port on the host and hands the
// socket over ("publish_ports"); the proxy accepts on it and relays to the container's
// address, TCP with splice(2), UDP per client address. A container's listeners and
// connections close when its init exits, or when it is unpublished (a recreate). Nothing
// here ever blocks: every socket is non-blocking and waits in the supervisor's epoll.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/socket_address.h"
#include "engine/supervisor_protocol.h"

namespace supervisor {

class Supervisor;

using engine::socket_address;
using engine::SocketAddress;

class PortProxy {
 public:
  explicit PortProxy(Supervisor& loop);
  ~PortProxy();
  PortProxy(const PortProxy&) = delete;
  PortProxy& operator=(const PortProxy&) = delete;

  // "publish_ports": container, pid, address, ports[] + one socket per port.
  nlohmann::json publish(engine::Message& msg);
  // "unpublish_ports": container. Closes every port of that name.
  nlohmann::json unpublish(const nlohmann::json& body);
  // The container whose init was `pid` exited (record_exit): its ports close.
  void container_exited(pid_t pid);

 private:
  struct Publication;
  Publication& publication_for(const std::string& container, pid_t pid);

  Supervisor& loop_;
  std::map<pid_t, std::unique_ptr<Publication>> by_pid_;  // by container init pid
};

}  // namespace supervisor
