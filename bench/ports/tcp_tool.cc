// A small static network tool for the published-ports benchmark (and the ports e2e test),
// run inside a busybox container and on the host side:
//   tcp_tool serve PORT              accept loop: discard what comes, answer one byte
//                                    after the first data, close at the peer's end
//   tcp_tool send HOST PORT MB       send MB megabytes, wait for the server to close;
//                                    prints "throughput_mb_s <value>"
//   tcp_tool connect HOST PORT N     N times: connect, send a byte, read the answer, close;
//                                    prints "connections_per_s <value>"
//   tcp_tool echo-check HOST PORT MB send MB megabytes of a pattern to an echo server,
//                                    half-close, check every byte comes back, then EOF
//   tcp_tool udp-echo PORT           echo every datagram back to its sender
//   tcp_tool udp-send HOST PORT TEXT send TEXT, print the reply (2 s timeout, exit 1)
// IPv4 addresses only (what the benchmark uses).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "tcp_tool: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(1);
}

sockaddr_in address(const char* host, const char* port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(std::atoi(port)));
  if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
    std::fprintf(stderr, "tcp_tool: %s is not an IPv4 address\n", host);
    std::exit(2);
  }
  return a;
}

int bound_socket(int type, const char* port) {
  int fd = ::socket(AF_INET, type, 0);
  int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in a = address("0.0.0.0", port);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    die(std::string("bind port ") + port);
  return fd;
}

void serve_one(int fd) {
  std::vector<char> buf(1 << 20);
  bool answered = false;
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n <= 0) break;
    if (!answered) answered = ::write(fd, "k", 1) == 1;
  }
  ::close(fd);
}

int serve(const char* port) {
  int ls = bound_socket(SOCK_STREAM, port);
  if (::listen(ls, SOMAXCONN) != 0) die("listen");
  for (;;) {
    int fd = ::accept(ls, nullptr, nullptr);
    if (fd < 0) continue;
    std::thread(serve_one, fd).detach();
  }
}

int connected(const char* host, const char* port) {
  sockaddr_in a = address(host, port);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    die(std::string("connect ") + host + ":" + port);
  int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  return fd;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int send_mb(const char* host, const char* port, long mb) {
  std::vector<char> buf(1 << 20, 'x');
  auto start = Clock::now();
  int fd = connected(host, port);
  for (long i = 0; i < mb; ++i)
    for (std::size_t done = 0; done < buf.size();) {
      ssize_t n = ::write(fd, buf.data() + done, buf.size() - done);
      if (n <= 0) die("send");
      done += static_cast<std::size_t>(n);
    }
  ::shutdown(fd, SHUT_WR);
  char c;
  while (::read(fd, &c, 1) > 0) {  // the answer byte, then the server's close: all arrived
  }
  ::close(fd);
  std::printf("throughput_mb_s %.1f\n", static_cast<double>(mb) / seconds_since(start));
  return 0;
}

int connect_n(const char* host, const char* port, long count) {
  auto start = Clock::now();
  for (long i = 0; i < count; ++i) {
    int fd = connected(host, port);
    char c;
    if (::write(fd, "p", 1) != 1 || ::read(fd, &c, 1) != 1) die("request");
    ::close(fd);
  }
  std::printf("connections_per_s %.0f\n", static_cast<double>(count) / seconds_since(start));
  return 0;
}

char pattern_byte(std::size_t i) {
  return static_cast<char>((i * 2654435761u) >> 13);
}

int echo_check(const char* host, const char* port, long mb) {
  const std::size_t total = static_cast<std::size_t>(mb) << 20;
  int fd = connected(host, port);
  std::thread writer([fd, total] {
    std::vector<char> buf(1 << 16);
    for (std::size_t sent = 0; sent < total;) {
      std::size_t chunk = std::min(buf.size(), total - sent);
      for (std::size_t i = 0; i < chunk; ++i)
        buf[i] = pattern_byte(sent + i);
      for (std::size_t done = 0; done < chunk;) {
        ssize_t n = ::write(fd, buf.data() + done, chunk - done);
        if (n <= 0) die("send");
        done += static_cast<std::size_t>(n);
      }
      sent += chunk;
    }
    ::shutdown(fd, SHUT_WR);  // the server sees the end, echoes the rest and closes
  });
  std::vector<char> buf(1 << 16);
  std::size_t received = 0;
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) die("receive");
    if (n == 0) break;
    for (ssize_t i = 0; i < n; ++i)
      if (buf[i] != pattern_byte(received + i)) {
        std::fprintf(stderr, "tcp_tool: byte %zu differs\n", received + i);
        std::exit(1);
      }
    received += static_cast<std::size_t>(n);
  }
  writer.join();
  if (received != total) {
    std::fprintf(stderr, "tcp_tool: %zu of %zu bytes came back\n", received, total);
    return 1;
  }
  std::printf("echo ok %zu bytes\n", received);
  return 0;
}

int udp_echo(const char* port) {
  int fd = bound_socket(SOCK_DGRAM, port);
  char buf[65536];
  for (;;) {
    sockaddr_storage peer;
    socklen_t len = sizeof peer;
    ssize_t n = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&peer), &len);
    if (n >= 0)
      ::sendto(fd, buf, static_cast<std::size_t>(n), 0, reinterpret_cast<sockaddr*>(&peer), len);
  }
}

int udp_send(const char* host, const char* port, const std::string& text) {
  sockaddr_in a = address(host, port);
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  timeval timeout{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (::sendto(fd, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0)
    die("sendto");
  char buf[65536];
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  if (n < 0) die("no reply");
  std::printf("%.*s\n", static_cast<int>(n), buf);
  return 0;
}

int usage() {
  std::fprintf(stderr,
               "usage: tcp_tool serve PORT | send HOST PORT MB | connect HOST PORT N |\n"
               "       echo-check HOST PORT MB | udp-echo PORT | udp-send HOST PORT TEXT\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string verb = argc > 1 ? argv[1] : "";
  if (verb == "serve" && argc == 3) return serve(argv[2]);
  if (verb == "send" && argc == 5) return send_mb(argv[2], argv[3], std::atol(argv[4]));
  if (verb == "connect" && argc == 5) return connect_n(argv[2], argv[3], std::atol(argv[4]));
  if (verb == "echo-check" && argc == 5) return echo_check(argv[2], argv[3], std::atol(argv[4]));
  if (verb == "udp-echo" && argc == 3) return udp_echo(argv[2]);
  if (verb == "udp-send" && argc == 5) return udp_send(argv[2], argv[3], argv[4]);
  return usage();
}
