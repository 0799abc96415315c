#include "engine/supervisor_protocol.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "engine/error.h"

namespace engine {

void send_message(int sock, const nlohmann::json& body, const std::vector<int>& fds,
                  bool wait) {
  std::string text = body.dump();
  if (text.size() > kMaxMessage) throw Error("supervisor message too large");
  if (fds.size() > kMaxMessageFds) throw Error("too many descriptors for one message");
  iovec iov{text.data(), text.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxMessageFds)];
  if (!fds.empty()) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(cm), fds.data(), sizeof(int) * fds.size());
  }
  while (::sendmsg(sock, &msg, MSG_NOSIGNAL | (wait ? 0 : MSG_DONTWAIT)) < 0)
    if (errno != EINTR) throw Error::sys("send", "supervisor message", errno);
}

std::optional<Message> receive_message(int sock) {
  std::string buffer(kMaxMessage, '\0');
  iovec iov{buffer.data(), buffer.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxMessageFds)];
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  while ((n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0)
    if (errno != EINTR) throw Error::sys("receive", "supervisor message", errno);
  Message out;
  for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
    if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) continue;
    std::size_t count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof fd);
      out.fds.emplace_back(fd);
    }
  }
  if (n == 0 && out.fds.empty()) return std::nullopt;
  if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) throw Error("supervisor message truncated");
  buffer.resize(static_cast<std::size_t>(n));
  try {
    out.body = nlohmann::json::parse(buffer);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("malformed supervisor message: ") + e.what());
  }
  return out;
}

}  // namespace engine
