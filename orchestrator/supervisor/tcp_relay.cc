#include "supervisor/tcp_relay.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "supervisor/supervisor.h"

namespace supervisor {
namespace {

using boxrt::UniqueFd;

// Each pipe holds up to this much in flight per direction: it bounds what a connection
// with a slow side pins (twice this); 1 MiB pipes moved no more bytes per second here.
constexpr std::size_t kPipeSize = 256 * 1024;
// Rounds of read-then-write per event, so one busy connection cannot starve the others.
constexpr int kRoundsPerEvent = 8;
// Connections accepted per wake-up, for the same reason.
constexpr int kAcceptsPerEvent = 64;

void set_nodelay(int fd) {
  int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

bool make_pipe(UniqueFd& read_end, UniqueFd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return false;
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
  ::fcntl(fds[1], F_SETPIPE_SZ, static_cast<int>(kPipeSize));  // a smaller pipe only costs speed
  return true;
}

}  // namespace

TcpListener::TcpListener(Supervisor& loop, UniqueFd sock, SocketAddress target)
    : loop_(loop),
      sock_(std::move(sock)),
      target_(target),
      spare_(::open("/dev/null", O_RDONLY | O_CLOEXEC)) {
  ::fcntl(sock_.get(), F_SETFL, ::fcntl(sock_.get(), F_GETFL) | O_NONBLOCK);
  loop_.watch_fd(sock_.get(), EPOLLIN, [this](uint32_t) { on_accept(); });
}

TcpListener::~TcpListener() {
  relays_.clear();
  loop_.unwatch_fd(sock_.get());
}

void TcpListener::on_accept() {
  for (int i = 0; i < kAcceptsPerEvent; ++i) {
    int fd = ::accept4(sock_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      accept_one(fd);
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EMFILE || errno == ENFILE) shed_connection();
    return;  // EAGAIN: none left
  }
}

void TcpListener::accept_one(int fd) {
  auto relay = std::make_unique<TcpRelay>(loop_, UniqueFd(fd), target_,
                                          [this](TcpRelay* r) { relays_.erase(r); });
  TcpRelay* key = relay.get();
  relays_[key] = std::move(relay);
  if (!key->start()) relays_.erase(key);
}

void TcpListener::shed_connection() {
  std::fprintf(stderr,
               "boxcompose-supervisor: port proxy: out of file descriptors, "
               "dropping a connection\n");
  spare_.reset();
  UniqueFd dropped(::accept4(sock_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  dropped.reset();
  spare_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
}

TcpRelay::TcpRelay(Supervisor& loop, UniqueFd client, const SocketAddress& target, Done done)
    : loop_(loop), client_(std::move(client)), done_(std::move(done)) {
  server_.reset(::socket(target.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  up_.from = down_.to = client_.get();
  up_.to = down_.from = server_.get();
  server_address_ = target;
}

TcpRelay::~TcpRelay() {
  loop_.unwatch_fd(client_.get());
  if (server_) loop_.unwatch_fd(server_.get());
}

bool TcpRelay::start() {
  if (!server_ || !make_pipe(up_.pipe_read, up_.pipe_write) ||
      !make_pipe(down_.pipe_read, down_.pipe_write))
    return false;
  set_nodelay(client_.get());
  set_nodelay(server_.get());
  if (::connect(server_.get(), server_address_.get(), server_address_.length) != 0 &&
      errno != EINPROGRESS)
    return false;
  update_interest();
  return true;
}

// Connected once the socket has a peer; an error (nothing listens) ends the relay.
bool TcpRelay::finish_connect() {
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(server_.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) return false;
  sockaddr_storage peer;
  socklen_t peer_len = sizeof peer;
  if (::getpeername(server_.get(), reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0)
    return errno == ENOTCONN;  // still connecting: an early wake-up
  connecting_ = false;
  return true;
}

// Fills the pipe from `from` (as far as it holds), then empties it into `to`: large
// batches, few calls per byte.
bool TcpRelay::pump(Direction& d) {
  for (int round = 0; round < kRoundsPerEvent; ++round) {
    bool source_empty = false;
    while (!d.eof && d.pending < kPipeSize) {
      ssize_t n = ::splice(d.from, nullptr, d.pipe_write.get(), nullptr, kPipeSize - d.pending,
                           SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n > 0) {
        d.pending += static_cast<std::size_t>(n);
      } else if (n == 0) {
        d.eof = true;
      } else if (errno == EAGAIN) {
        // With an empty pipe EAGAIN can only mean `from` has nothing now; otherwise the
        // pipe may be full: empty it, then read again.
        source_empty = d.pending == 0;
        break;
      } else if (errno != EINTR) {
        return false;
      }
    }
    while (d.pending > 0) {
      ssize_t n = ::splice(d.pipe_read.get(), nullptr, d.to, nullptr, d.pending,
                           SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n > 0)
        d.pending -= static_cast<std::size_t>(n);
      else if (n < 0 && errno == EAGAIN)
        return true;  // wait until `to` takes more; `from` is not read meanwhile
      else if (!(n < 0 && errno == EINTR))
        return false;
    }
    if (d.eof) {
      if (!d.shut) ::shutdown(d.to, SHUT_WR);
      d.shut = true;
      return true;
    }
    if (source_empty) return true;
  }
  return true;  // more may be waiting: level-triggered epoll calls again
}

// The events themselves are not trusted: one may be stale (its fd closed and reused in the
// same epoll batch), and every error shows in the calls anyway. An error on either socket
// (a reset) ends the connection, as docker-proxy does.
void TcpRelay::on_event(uint32_t) {
  bool ok = true;
  if (connecting_) ok = finish_connect();
  if (ok && !connecting_) ok = pump(up_) && pump(down_);
  if (ok && !(up_.shut && down_.shut)) {
    update_interest();
    return;
  }
  done_(this);  // may destroy this relay: nothing after it
}

void TcpRelay::update_interest() {
  uint32_t client = 0, server = 0;
  if (connecting_) {
    server = EPOLLOUT;
  } else {
    if (!up_.eof && up_.pending == 0) client |= EPOLLIN;
    if (down_.pending > 0) client |= EPOLLOUT;
    if (!down_.eof && down_.pending == 0) server |= EPOLLIN;
    if (up_.pending > 0) server |= EPOLLOUT;
  }
  set_interest(client_.get(), client_events_, client);
  set_interest(server_.get(), server_events_, server);
}

// A socket with nothing wanted leaves epoll entirely: a hung-up peer would otherwise wake
// the loop (EPOLLHUP is always reported) while its data waits on the other side.
void TcpRelay::set_interest(int fd, uint32_t& current, uint32_t wanted) {
  if (wanted == current) return;
  current = wanted;
  if (wanted == 0)
    loop_.unwatch_fd(fd);
  else
    loop_.watch_fd(fd, wanted, [this](uint32_t events) { on_event(events); });
}

}  // namespace supervisor
