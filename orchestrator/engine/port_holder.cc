// Who holds a port: the socket's inode from /proc/net/{tcp,tcp6,udp,udp6}, then the process
// with that socket open among /proc/*/fd, so "port in use" can name it as ss -p does.
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "engine/ports.h"
#include "engine/top.h"

namespace engine {
namespace {

constexpr std::string_view kTcpListen = "0A";

// With read(2) (read_kernel_file): a process that exits while its files are read makes
// the read fail with ESRCH, which an ifstream would turn into an exception.
std::string read_all(const std::string& path) {
  return read_kernel_file(path).value_or("");
}

// The port of a "0100007F:1F90" local address.
std::optional<uint16_t> hex_port(std::string_view address) {
  std::size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  unsigned value = 0;
  auto [ptr, ec] =
      std::from_chars(address.data() + colon + 1, address.data() + address.size(), value, 16);
  if (ec != std::errc() || value > 65535) return std::nullopt;
  return static_cast<uint16_t>(value);
}

std::vector<pid_t> numeric_entries(const std::string& dir) {
  std::vector<pid_t> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    pid_t pid = 0;
    std::string_view name = e->d_name;
    auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (ec == std::errc() && ptr == name.data() + name.size()) out.push_back(pid);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

bool has_socket(pid_t pid, const std::vector<uint64_t>& inodes) {
  std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  for (int fd : numeric_entries(fd_dir)) {
    char target[64];
    std::string link = fd_dir + "/" + std::to_string(fd);
    ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    std::string_view text(target, static_cast<std::size_t>(n));
    if (text.rfind("socket:[", 0) != 0 || text.back() != ']') continue;
    uint64_t inode = 0;
    std::from_chars(text.data() + 8, text.data() + text.size() - 1, inode);
    if (std::find(inodes.begin(), inodes.end(), inode) != inodes.end()) return true;
  }
  return false;
}

std::string command_of(pid_t pid) {
  std::string comm = read_all("/proc/" + std::to_string(pid) + "/comm");
  while (!comm.empty() && comm.back() == '\n')
    comm.pop_back();
  return comm;
}

std::vector<uint64_t> inodes_for(const std::string& protocol, uint16_t port, bool listening) {
  std::vector<uint64_t> out;
  for (const char* suffix : {"", "6"}) {
    auto found = socket_inodes_on_port(read_all("/proc/net/" + protocol + suffix), port, listening);
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

}  // namespace

std::vector<uint64_t> socket_inodes_on_port(std::string_view proc_net, uint16_t port,
                                            bool listening_only) {
  std::vector<uint64_t> out;
  std::istringstream lines{std::string(proc_net)};
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout;
    uint64_t inode = 0;
    if (!(fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
          timeout >> inode))
      continue;
    if (hex_port(local) != port || inode == 0) continue;  // inode 0: TIME_WAIT, no owner
    if (listening_only && state != kTcpListen) continue;
    out.push_back(inode);
  }
  return out;
}

std::optional<PortHolder> find_port_holder(const std::string& protocol, uint16_t port) {
  std::vector<uint64_t> inodes = inodes_for(protocol, port, protocol == "tcp");
  if (inodes.empty() && protocol == "tcp") inodes = inodes_for(protocol, port, false);
  if (inodes.empty()) return std::nullopt;
  for (pid_t pid : numeric_entries("/proc"))
    if (has_socket(pid, inodes)) return PortHolder{pid, command_of(pid)};
  return std::nullopt;
}

}  // namespace engine
