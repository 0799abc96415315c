#include "boxrt/sync.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "boxrt/os_error.h"

namespace boxrt {
namespace {

enum Kind : int32_t { kGo = 1, kReady = 2, kError = 3, kHooks = 4, kResume = 5 };

struct Message {
  int32_t kind;
  int32_t value;  // go: the child's pid; error: errno
  char text[2048];
};

bool send_msg(int fd, int32_t kind, int32_t value, const std::string& text) {
  Message m = {};
  m.kind = kind;
  m.value = value;
  strncpy(m.text, text.c_str(), sizeof m.text - 1);
  ssize_t n;
  do
    n = send(fd, &m, sizeof m, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(sizeof m);
}

bool recv_msg(int fd, Message* m) {
  ssize_t n;
  do
    n = recv(fd, m, sizeof *m, 0);
  while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(sizeof *m);
}

}  // namespace

SyncPair make_sync_pair() {
  int fds[2];
  check_os(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds), "socketpair");
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void sync_send_go(int fd, pid_t pid) {
  send_msg(fd, kGo, pid, "");
}

bool sync_wait_go(int fd, pid_t* pid) {
  Message m;
  if (!recv_msg(fd, &m) || m.kind != kGo) return false;
  *pid = m.value;
  return true;
}

bool sync_request_hooks(int fd) {
  send_msg(fd, kHooks, 0, "");
  Message m;
  return recv_msg(fd, &m) && m.kind == kResume;
}

bool sync_send_ready(int fd) {
  return send_msg(fd, kReady, 0, "");
}

void sync_send_error(int fd, const Error& e) {
  send_msg(fd, kError, e.code(), e.what());
}

void sync_wait_ready(int fd, const std::function<void()>& on_hooks) {
  for (;;) {
    Message m;
    if (!recv_msg(fd, &m)) throw Error("container init exited before it was ready");
    if (m.kind == kError) throw Error(m.text, m.value);
    if (m.kind == kReady) return;
    if (m.kind != kHooks || !on_hooks) throw Error("container init sent an unexpected message");
    on_hooks();
    send_msg(fd, kResume, 0, "");
  }
}

}  // namespace boxrt
