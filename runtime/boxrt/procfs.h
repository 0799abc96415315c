// Writes into /proc go through here: each file is opened without following symlinks and
// checked to live on a real procfs (fstatfs == PROC_SUPER_MAGIC) before anything is
// written, so a rootfs that mounts a tmpfs or a bind over /proc cannot redirect the
// write (the class of bug behind runc's CVE-2019-16884/CVE-2019-19921).
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>

#include "boxrt/fd.h"

namespace boxrt {

// Throws unless fd is on procfs; `path` is only used for the message.
void check_procfs(int fd, const std::string& path);

// Opens a file under /proc (O_CLOEXEC|O_NOFOLLOW) and checks it is on procfs.
UniqueFd open_proc_file(const std::string& path, int flags);

void write_proc_file(const std::string& path, const std::string& value);

// A file of /proc or of a cgroup, whole; nullopt when it cannot be read (the process is
// gone, the controller absent). With read(2): a process that exits while its /proc files
// are read makes the read fail with ESRCH, which an ifstream turns into an exception.
std::optional<std::string> read_kernel_file(const std::string& path);

// linux.sysctl: "net.ipv4.ip_forward" -> /proc/sys/net/ipv4/ip_forward.
void apply_sysctls(const std::map<std::string, std::string>& sysctls);

}  // namespace boxrt
