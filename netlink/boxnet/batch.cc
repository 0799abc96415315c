#include "boxnet/batch.h"

#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <utility>

#include "boxnet/error.h"

namespace net {
namespace {

// Every answer to a request is already queued when sendmsg() returns; the wait only
// guards against a kernel that ever defers one.
constexpr int kAnswerTimeoutMs = 5000;

// Large enough for any single answer to the requests made here (a link is ~2 KiB).
constexpr size_t kReceiveBuffer = 32 * 1024;

ssize_t receive(int fd, std::vector<char>& buf) {
  for (;;) {
    ssize_t n = ::recv(fd, buf.data(), buf.size(), MSG_DONTWAIT | MSG_TRUNC);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if (errno != EAGAIN) throw Error("read answers", "netlink batch", errno);
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, kAnswerTimeoutMs);
    if (ready == 0) throw Error("read answers", "netlink batch", ETIMEDOUT);
    if (ready < 0 && errno != EINTR) throw Error("wait for answers", "netlink batch", errno);
  }
}

}  // namespace

size_t Batch::add(NlMsgPtr msg, std::string op, std::string object, ReplyFn on_reply) {
  requests_.push_back({std::move(msg), std::move(op), std::move(object), std::move(on_reply)});
  return requests_.size() - 1;
}

std::vector<char> Batch::wire() {
  std::vector<char> out;
  for (size_t i = 0; i < requests_.size(); ++i) {
    nlmsghdr* h = nlmsg_hdr(requests_[i].msg.get());
    h->nlmsg_flags |= NLM_F_REQUEST;
    if (i + 1 == requests_.size()) h->nlmsg_flags |= NLM_F_ACK;
    h->nlmsg_seq = requests_[i].seq = sock_.next_batch_seq();
    h->nlmsg_pid = 0;
    const char* bytes = reinterpret_cast<const char*>(h);
    out.insert(out.end(), bytes, bytes + h->nlmsg_len);
    out.resize(NLMSG_ALIGN(out.size()), 0);
  }
  return out;
}

bool Batch::take(nlmsghdr* answer) {
  const uint32_t first = requests_.front().seq;
  const uint32_t index = answer->nlmsg_seq - first;
  if (index >= requests_.size()) return false;  // not ours: a stale answer
  Request& r = requests_[index];
  if (answer->nlmsg_type == NLMSG_ERROR) {
    const auto* err = static_cast<const nlmsgerr*>(NLMSG_DATA(answer));
    r.error = answer->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr)) ? EPROTO : -err->error;
    return index + 1 == requests_.size();
  }
  if (answer->nlmsg_type >= NLMSG_MIN_TYPE && r.on_reply) r.on_reply(answer);
  return false;
}

void Batch::run() {
  if (requests_.empty()) return;
  const std::vector<char> out = wire();
  const int fd = nl_socket_get_fd(sock_.get());
  ssize_t sent;
  do {
    sent = ::send(fd, out.data(), out.size(), 0);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) throw Error("send", "netlink batch", errno);
  std::vector<char> buf(kReceiveBuffer);
  for (bool done = false; !done;) {
    ssize_t n = receive(fd, buf);
    if (static_cast<size_t>(n) > buf.size()) throw Error("read answers", "netlink batch", EMSGSIZE);
    int left = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); nlmsg_ok(h, left);
         h = nlmsg_next(h, &left)) {
      done |= take(h);
    }
  }
}

void Batch::check(size_t i) const {
  const Request& r = requests_.at(i);
  if (r.error != 0) throw Error(r.op, r.object, r.error);
}

void Batch::check_all() const {
  for (const Request& r : requests_) {
    if (r.error != 0 && r.error != r.allowed) throw Error(r.op, r.object, r.error);
  }
}

int request(Socket& sock, NlMsgPtr msg, const std::string& op, const std::string& object) {
  Batch batch(sock);
  batch.add(std::move(msg), op, object);
  batch.run();
  return batch.errno_of(0);
}

void request_or_throw(Socket& sock, NlMsgPtr msg, const std::string& op,
                      const std::string& object) {
  int e = request(sock, std::move(msg), op, object);
  if (e != 0) throw Error(op, object, e);
}

}  // namespace net
