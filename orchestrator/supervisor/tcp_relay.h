// TCP for the port proxy (port_proxy.h): a listener that accepts, and one relay per
// accepted connection that connects to the container and moves bytes both ways with
// splice(2) through a pipe per direction, event-driven in the supervisor's loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include "boxrt/fd.h"
#include "supervisor/port_proxy.h"

namespace supervisor {

class TcpRelay;

class TcpListener {
 public:
  // `sock` listens already (bound by the worker); connections go to `target`.
  TcpListener(Supervisor& loop, boxrt::UniqueFd sock, SocketAddress target);
  ~TcpListener();
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

 private:
  void on_accept();
  void accept_one(int fd);
  // Drops one pending connection when out of descriptors, so the loop does not spin.
  void shed_connection();

  Supervisor& loop_;
  boxrt::UniqueFd sock_;
  SocketAddress target_;
  boxrt::UniqueFd spare_;  // given up for a moment on EMFILE
  std::map<TcpRelay*, std::unique_ptr<TcpRelay>> relays_;
};

// One proxied connection. Each direction: read from one side into its pipe only when the
// pipe is empty, write the pipe to the other side; a side whose peer cannot take more is
// not read (backpressure). At the end of one direction the other side gets SHUT_WR; the
// relay ends when both directions have, or at the first error.
class TcpRelay {
 public:
  using Done = std::function<void(TcpRelay*)>;
  // `done` is called (at most once, as the last thing this relay does) when it has ended;
  // it may destroy the relay.
  TcpRelay(Supervisor& loop, boxrt::UniqueFd client, const SocketAddress& target, Done done);
  ~TcpRelay();
  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;

  // Starts the non-blocking connect; false when it failed at once.
  bool start();

 private:
  struct Direction {
    int from = -1, to = -1;
    boxrt::UniqueFd pipe_read, pipe_write;
    std::size_t pending = 0;  // bytes in the pipe
    bool eof = false;         // `from` ended
    bool shut = false;        // `to` got SHUT_WR
  };

  void on_event(uint32_t events);
  bool finish_connect();
  // Moves what it can; false on an error that ends the connection.
  bool pump(Direction& d);
  void update_interest();
  void set_interest(int fd, uint32_t& current, uint32_t wanted);

  Supervisor& loop_;
  boxrt::UniqueFd client_, server_;
  SocketAddress server_address_;
  Direction up_, down_;  // client -> server, server -> client
  bool connecting_ = true;
  uint32_t client_events_ = 0, server_events_ = 0;
  Done done_;
};

}  // namespace supervisor
