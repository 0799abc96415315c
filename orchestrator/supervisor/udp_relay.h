// UDP for the port proxy (port_proxy.h): datagrams from each client address go out through
// a socket of their own connected to the container, so the container's replies come back
// on it and are sent to that client from the published socket. A flow idle for
// kUdpIdleTimeout (docker-proxy's conntrack timeout) is dropped, swept by a timerfd.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "boxrt/fd.h"
#include "supervisor/port_proxy.h"

namespace supervisor {

inline constexpr std::chrono::seconds kUdpIdleTimeout{90};

class UdpListener {
 public:
  // `sock` is bound already (by the worker); datagrams go to `target`.
  UdpListener(Supervisor& loop, boxrt::UniqueFd sock, SocketAddress target);
  ~UdpListener();
  UdpListener(const UdpListener&) = delete;
  UdpListener& operator=(const UdpListener&) = delete;

 private:
  struct Flow {
    boxrt::UniqueFd sock;  // connected to the container
    SocketAddress client;
    std::chrono::steady_clock::time_point last_active;
  };

  void on_datagrams();
  Flow* flow_for(const SocketAddress& client);
  void on_replies(const std::string& key);
  void on_sweep();
  void arm_sweep(bool on);
  void drop(const std::string& key);

  Supervisor& loop_;
  boxrt::UniqueFd sock_, timer_;
  SocketAddress target_;
  std::map<std::string, std::unique_ptr<Flow>> flows_;  // by client address bytes
  std::vector<char> buffer_;                            // one datagram at a time
  bool sweeping_ = false;
};

}  // namespace supervisor
