#include "boxrt/procfs.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "boxrt/error.h"
#include "boxrt/os_error.h"

namespace boxrt {

void check_procfs(int fd, const std::string& path) {
  struct statfs st;
  check_os(fstatfs(fd, &st), "statfs", path);
  if (st.f_type != PROC_SUPER_MAGIC)
    throw Error(path + " is not on a procfs (filesystem magic 0x" + [&] {
      char buf[32];
      snprintf(buf, sizeof buf, "%lx", static_cast<unsigned long>(st.f_type));
      return std::string(buf);
    }() + "); refusing to write to it");
}

UniqueFd open_proc_file(const std::string& path, int flags) {
  UniqueFd fd(open(path.c_str(), flags | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) throw os_error("open", path, errno);
  check_procfs(fd.get(), path);
  return fd;
}

void write_proc_file(const std::string& path, const std::string& value) {
  UniqueFd fd = open_proc_file(path, O_WRONLY);
  if (write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size()))
    throw os_error("write \"" + value + "\" to", path, errno);
}

void apply_sysctls(const std::map<std::string, std::string>& sysctls) {
  for (const auto& [key, value] : sysctls) {
    if (key.find("..") != std::string::npos || key.find('/') != std::string::npos)
      throw Error("sysctl " + key + ": invalid name");
    std::string path = "/proc/sys/" + key;
    std::replace(path.begin() + 10, path.end(), '.', '/');
    try {
      write_proc_file(path, value);
    } catch (const Error& e) {
      throw e.with_context("sysctl " + key);
    }
  }
}

std::optional<std::string> read_kernel_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) return text;
    text.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace boxrt
