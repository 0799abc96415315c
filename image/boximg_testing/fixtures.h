// Header-only helpers for image tests: a temporary directory, tarballs written entry by
// entry (hostile ones included) and a busybox rootfs made from the host's busybox-static.
#pragma once

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "boximg/archive_util.h"
#include "boxrt_testing/rootfs.h"

namespace image::testing {

// The runtime tests' temporary directory, which removes itself.
using boxrt::testing::TempDir;

struct TarEntry {
  std::string path;
  mode_t type = AE_IFREG;  // AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFCHR, ...
  std::string data;        // regular files
  std::string symlink;     // AE_IFLNK target
  std::string hardlink;    // makes the entry a hard link to this path
  mode_t perm = 0644;
  int uid = 0;
  int gid = 0;
  std::vector<std::pair<std::string, std::string>> xattrs;
};

inline TarEntry file(std::string path, std::string data = "x", mode_t perm = 0644) {
  TarEntry e;
  e.path = std::move(path);
  e.data = std::move(data);
  e.perm = perm;
  return e;
}

inline TarEntry dir(std::string path, mode_t perm = 0755) {
  TarEntry e;
  e.path = std::move(path);
  e.type = AE_IFDIR;
  e.perm = perm;
  return e;
}

inline TarEntry symlink(std::string path, std::string target) {
  TarEntry e;
  e.path = std::move(path);
  e.type = AE_IFLNK;
  e.symlink = std::move(target);
  e.perm = 0777;
  return e;
}

inline TarEntry hardlink(std::string path, std::string target) {
  TarEntry e;
  e.path = std::move(path);
  e.hardlink = std::move(target);
  return e;
}

// Writes `entries` exactly as given (no path cleaning): a pax tar, gzipped if asked.
inline void write_tar(const std::string& path, const std::vector<TarEntry>& entries,
                      bool gzip = false) {
  WriteArchive a(archive_write_new());
  archive_write_set_format_pax_restricted(a.get());
  if (gzip) archive_write_add_filter_gzip(a.get());
  if (archive_write_open_filename(a.get(), path.c_str()) != ARCHIVE_OK)
    throw std::runtime_error("write_tar: cannot open " + path);
  for (const auto& t : entries) {
    ArchiveEntry e(archive_entry_new());
    archive_entry_set_pathname(e.get(), t.path.c_str());
    archive_entry_set_filetype(e.get(), t.type);
    archive_entry_set_perm(e.get(), t.perm);
    archive_entry_set_uid(e.get(), t.uid);
    archive_entry_set_gid(e.get(), t.gid);
    archive_entry_set_mtime(e.get(), 1700000000, 0);
    if (!t.symlink.empty()) archive_entry_set_symlink(e.get(), t.symlink.c_str());
    if (!t.hardlink.empty()) archive_entry_set_hardlink(e.get(), t.hardlink.c_str());
    if (t.type == AE_IFREG && t.hardlink.empty())
      archive_entry_set_size(e.get(), static_cast<la_int64_t>(t.data.size()));
    for (const auto& [name, value] : t.xattrs)
      archive_entry_xattr_add_entry(e.get(), name.c_str(), value.data(), value.size());
    if (archive_write_header(a.get(), e.get()) < ARCHIVE_WARN)
      throw std::runtime_error("write_tar: " + std::string(archive_error_string(a.get())));
    if (!t.data.empty() && t.hardlink.empty())
      archive_write_data(a.get(), t.data.data(), t.data.size());
  }
  archive_write_close(a.get());
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// <dir>/rootfs: /bin/busybox with a few applet links, /etc/passwd, a setuid copy, a
// hard link, a file owned by 1234:5678, a private directory and a FIFO.
inline std::string make_busybox_rootfs(const std::string& dir) {
  namespace fs = std::filesystem;
  std::string root = dir + "/rootfs";
  for (const char* d : {"", "/bin", "/etc", "/tmp", "/root", "/var/spool"})
    fs::create_directories(root + d);
  chmod(root.c_str(), 0755);
  chmod((root + "/tmp").c_str(), 01777);
  chmod((root + "/root").c_str(), 0700);
  fs::copy_file("/bin/busybox", root + "/bin/busybox");
  chmod((root + "/bin/busybox").c_str(), 0755);
  for (const char* applet : {"sh", "ls", "cat", "echo"})
    fs::create_symlink("busybox", root + "/bin/" + applet);
  fs::create_hard_link(root + "/bin/busybox", root + "/bin/busybox.hard");
  fs::copy_file("/bin/busybox", root + "/bin/su");
  chmod((root + "/bin/su").c_str(), 04755);
  std::ofstream(root + "/etc/passwd") << "root:x:0:0:root:/root:/bin/sh\n";
  std::ofstream(root + "/etc/shadow") << "root:*:19000:0:99999:7:::\n";
  chmod((root + "/etc/shadow").c_str(), 0600);
  std::ofstream(root + "/var/spool/owned") << "mine\n";
  if (chown((root + "/var/spool/owned").c_str(), 1234, 5678) != 0)
    throw std::runtime_error("chown failed (tests need root)");
  mkfifo((root + "/tmp/fifo").c_str(), 0620);
  return root;
}

}  // namespace image::testing
