#include "boximg/fs.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "boximg/error.h"

namespace image {

void make_dir(const fs::path& dir, mode_t mode) {
  if (mkdir(dir.c_str(), mode) == 0 || errno == EEXIST) return;
  throw Error::sys("mkdir", dir.string(), errno);
}

void fsync_path(const fs::path& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw Error::sys("open", path.string(), errno);
  check_sys(fsync(fd.get()), "fsync", path.string());
}

TempFile::TempFile(const fs::path& tmp_dir, mode_t mode) {
  std::string tmpl = (tmp_dir / "file-XXXXXX").string();
  fd_.reset(mkostemp(tmpl.data(), O_CLOEXEC));
  if (!fd_) throw Error::sys("create temporary file in", tmp_dir.string(), errno);
  path_ = tmpl;
  if (fchmod(fd_.get(), mode) != 0) {
    int err = errno;
    unlink(path_.c_str());
    throw Error::sys("chmod", path_.string(), err);
  }
}

TempFile::~TempFile() {
  if (!done_) unlink(path_.c_str());
}

void TempFile::write(const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd_.get(), p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error::sys("write", path_.string(), errno);
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

void TempFile::sync_and_close() {
  check_sys(fsync(fd_.get()), "fsync", path_.string());
  fd_.reset();
}

void TempFile::commit(const fs::path& target) {
  sync_and_close();
  check_sys(rename(path_.c_str(), target.c_str()), "rename " + path_.string() + " ->",
            target.string());
  done_ = true;
  fsync_path(target.parent_path());
}

bool TempFile::commit_if_absent(const fs::path& target) {
  sync_and_close();
  // link() refuses to replace, so a blob that is already there is never rewritten.
  bool linked = link(path_.c_str(), target.c_str()) == 0;
  if (!linked && errno != EEXIST)
    throw Error::sys("link " + path_.string() + " ->", target.string(), errno);
  if (linked) fsync_path(target.parent_path());
  return linked;
}

void write_file_atomic(const fs::path& target, std::string_view data, const fs::path& tmp_dir) {
  TempFile tmp(tmp_dir);
  tmp.write(data.data(), data.size());
  tmp.commit(target);
}

std::string read_file(const fs::path& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw Error::sys("open", path.string(), errno);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error::sys("read", path.string(), errno);
    if (n == 0) return out;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

void remove_tree(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (!ec) return;
  // Without CAP_DAC_OVERRIDE a read-only directory cannot be emptied: open them all up.
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
       it.increment(ec))
    if (it->is_directory(ec) && !it->is_symlink(ec)) chmod(it->path().c_str(), 0700);
  chmod(path.c_str(), 0700);
  fs::remove_all(path, ec);
  if (ec) throw Error::sys("remove", path.string(), ec.value());
}

UniqueFd open_dir_beneath(int root_fd, std::string_view rel, bool create) {
  UniqueFd dir(fcntl(root_fd, F_DUPFD_CLOEXEC, 0));
  if (!dir) throw Error::sys("dup", "directory fd", errno);
  std::size_t start = 0;
  while (start < rel.size()) {
    std::size_t end = rel.find('/', start);
    if (end == std::string_view::npos) end = rel.size();
    std::string name(rel.substr(start, end - start));
    start = end + 1;
    if (name.empty() || name == ".") continue;
    if (name == "..") throw Error("refusing \"..\" in " + std::string(rel), EPERM);
    constexpr int kFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int fd = openat(dir.get(), name.c_str(), kFlags);
    if (fd < 0 && errno == ENOENT && create) {
      if (mkdirat(dir.get(), name.c_str(), 0755) != 0 && errno != EEXIST)
        throw Error::sys("mkdir", std::string(rel), errno);
      fd = openat(dir.get(), name.c_str(), kFlags);
    }
    if (fd < 0 && (errno == ELOOP || errno == ENOTDIR))
      throw Error("open " + std::string(rel) + ": \"" + name + "\" is a symlink or not a directory",
                  errno);
    if (fd < 0) throw Error::sys("open", std::string(rel), errno);
    dir.reset(fd);
  }
  return dir;
}

}  // namespace image
