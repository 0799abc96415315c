// Header-only helpers for runtime tests: a temporary directory that cleans up after
// itself, and a busybox rootfs with the static probe (see probe.cc) at /probe.
#pragma once

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "boxrt/oci_config.h"
#include "boxrt_testing/paths.h"

namespace boxrt::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/boxrt-test-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline void copy_executable(const std::string& from, const std::string& to) {
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
  chmod(to.c_str(), 0755);
}

// <dir>/rootfs with /bin/busybox and its applets, /probe, and empty mount points.
inline std::string make_busybox_rootfs(const std::string& dir) {
  std::string root = dir + "/rootfs";
  chmod(dir.c_str(), 0755);  // a user namespace's root must be able to reach it
  for (const char* d : {"", "/bin", "/proc", "/sys", "/dev", "/tmp", "/etc", "/home"})
    std::filesystem::create_directories(root + d);
  chmod(root.c_str(), 0755);
  chmod((root + "/tmp").c_str(), 01777);
  copy_executable("/bin/busybox", root + "/bin/busybox");
  for (const char* applet : {"sh", "ls", "cat", "echo", "id", "hostname", "sleep", "true",
                             "false", "touch", "ps", "mount"})
    std::filesystem::create_symlink("busybox", root + "/bin/" + applet);
  copy_executable(kProbePath, root + "/probe");
  std::ofstream(root + "/etc/passwd") << "root:x:0:0:root:/:/bin/sh\n";
  return root;
}

// `boxrun spec`'s template pointed at `rootfs`, running the probe.
inline ContainerSpec probe_spec(const std::string& rootfs, std::vector<std::string> args = {"/probe"}) {
  ContainerSpec spec = default_spec();
  spec.root.path = rootfs;
  spec.process.args = std::move(args);
  return spec;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The probe prints one JSON object per line; the last line wins.
inline nlohmann::json last_json_line(const std::string& path) {
  std::string text = read_text(path);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  auto nl = text.rfind('\n');
  return nlohmann::json::parse(nl == std::string::npos ? text : text.substr(nl + 1));
}

}  // namespace boxrt::testing
