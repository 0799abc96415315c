#include "boxrt/console.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "boxrt/error.h"
#include "boxrt/mounts.h"
#include "boxrt/os_error.h"

namespace boxrt {
namespace {

constexpr const char* kPtmx = "/dev/ptmx";

// The slave through the master (TIOCGPTPEER, Linux 4.13): no path lookup that a
// process of the container could race; by name on older kernels.
UniqueFd open_slave(int master, const std::string& path) {
  UniqueFd slave(ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (slave) return slave;
  slave = UniqueFd(open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!slave) throw os_error("open pty slave", path, errno);
  return slave;
}

// /dev/console becomes a bind of the slave. A node already there (an image may ship the
// host's console 5:1) is never opened; a symlink is refused rather than followed.
void mount_console(const std::string& slave_path) {
  struct stat st;
  if (lstat("/dev/console", &st) < 0) {
    if (errno != ENOENT) throw os_error("stat", "/dev/console", errno);
    UniqueFd f(open("/dev/console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!f) throw os_error("create", "/dev/console", errno);
  } else if (S_ISLNK(st.st_mode)) {
    throw Error("/dev/console in the container is a symlink; refusing to mount the console on it");
  }
  UniqueFd target(open("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!target) throw os_error("open", "/dev/console", errno);
  if (mount(slave_path.c_str(), fd_path(target.get()).c_str(), nullptr, MS_BIND, nullptr) < 0)
    throw os_error("bind-mount " + slave_path + " on", "/dev/console", errno);
}

}  // namespace

UniqueFd connect_console_socket(const std::string& path) {
  struct sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path)
    throw Error("console socket path \"" + path + "\" is empty or longer than " +
                std::to_string(sizeof addr.sun_path - 1) + " bytes");
  memcpy(addr.sun_path, path.c_str(), path.size());
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw os_error("socket", "for the console", errno);
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
    throw os_error("connect to console socket", path, errno);
  return fd;
}

UniqueFd console_for(const Process& process, const std::string& socket_path,
                     bool stdio_redirected) {
  if (!process.terminal) {
    if (!socket_path.empty())
      throw Error("a console socket was given but process.terminal is false");
    return {};
  }
  if (socket_path.empty())
    throw Error(
        "process.terminal is true but no console socket was given (--console-socket): "
        "the pty's master has nowhere to go");
  if (stdio_redirected)
    throw Error("process.terminal is true: stdio is the pty and cannot also go to files");
  return connect_console_socket(socket_path);
}

void send_fd(int socket_fd, const std::string& name, int fd) {
  // A stream socket carries ancillary data only along with at least one byte.
  std::string payload = name.empty() ? std::string(1, '\0') : name;
  struct iovec iov = {payload.data(), payload.size()};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  ssize_t n;
  do
    n = sendmsg(socket_fd, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) throw os_error("send", name + " over the console socket", errno);
}

UniqueFd recv_fd(int socket_fd, std::string* name) {
  char buf[4096];
  struct iovec iov = {buf, sizeof buf};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do
    n = recvmsg(socket_fd, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0) throw os_error("receive", "an fd over a unix socket", errno);
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
      c->cmsg_len != CMSG_LEN(sizeof(int)))
    throw Error("receive an fd over a unix socket: the message carried no file descriptor");
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  if (name) name->assign(buf, static_cast<size_t>(n));
  return UniqueFd(fd);
}

void setup_console(int socket_fd, const Process& process, bool mount) {
  if (socket_fd < 0) throw Error("process.terminal is set but no console socket was given");
  UniqueFd master(open(kPtmx, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!master)
    throw os_error("open", std::string(kPtmx) + " (process.terminal needs devpts on /dev/pts)",
                   errno);
  int unlock = 0;
  check_os(ioctl(master.get(), TIOCSPTLCK, &unlock), "unlock pty", kPtmx);
  int n = 0;
  check_os(ioctl(master.get(), TIOCGPTN, &n), "get pty number", kPtmx);
  std::string slave_path = "/dev/pts/" + std::to_string(n);
  UniqueFd slave = open_slave(master.get(), slave_path);
  if (process.console_size) {
    struct winsize ws = {};
    ws.ws_row = static_cast<unsigned short>(process.console_size->height);
    ws.ws_col = static_cast<unsigned short>(process.console_size->width);
    check_os(ioctl(master.get(), TIOCSWINSZ, &ws), "set console size", kPtmx);
  }
  if (mount) mount_console(slave_path);
  // The process owns its terminal (runc's fixStdioPermissions); the group stays tty's.
  check_os(fchown(slave.get(), process.user.uid, static_cast<gid_t>(-1)), "chown", slave_path);
  send_fd(socket_fd, kPtmx, master.get());
  for (int target : {0, 1, 2})
    check_os(dup2(slave.get(), target), "dup2 the pty slave onto", std::to_string(target));
  check_os(ioctl(0, TIOCSCTTY, 0), "make the pty the controlling terminal", slave_path);
}

}  // namespace boxrt
