#include "boximg/layer_unpack.h"

#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <thread>
#include <utility>

#include "boximg/archive_util.h"
#include "boximg/digest.h"
#include "boximg/entry_paths.h"
#include "boximg/error.h"
#include "boximg/fs.h"

namespace image {
namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";
constexpr std::string_view kOverlayXattrPrefix = "trusted.overlay.";

constexpr int kExtractFlags = ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                              ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_XATTR |
                              ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                              ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;

// The blob, read through libarchive's callback so every byte is hashed.
struct HashingSource {
  UniqueFd fd;
  Sha256 hash;
  char buf[64 * 1024];

  // Reads to the end (past the tar's end-of-archive blocks), hashing.
  void drain() {
    for (;;) {
      ssize_t n = read(fd.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error::sys("read", "layer", errno);
      if (n == 0) return;
      hash.update(buf, static_cast<std::size_t>(n));
    }
  }
};

la_ssize_t read_hashed(archive* a, void* ctx, const void** out) {
  auto* src = static_cast<HashingSource*>(ctx);
  for (;;) {
    ssize_t n = read(src->fd.get(), src->buf, sizeof src->buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      archive_set_error(a, errno, "read: %s", std::strerror(errno));
      return -1;
    }
    src->hash.update(src->buf, static_cast<std::size_t>(n));
    *out = src->buf;
    return n;
  }
}

// Runs `fn` on a thread of its own whose cwd is `dir`: unshare(CLONE_FS) keeps that
// chdir (and libarchive's umask juggling) away from the caller's other threads.
template <class Fn>
void run_in_directory(const std::filesystem::path& dir, Fn&& fn) {
  std::exception_ptr failure;
  std::thread worker([&] {
    try {
      check_sys(unshare(CLONE_FS), "unshare", "CLONE_FS");
      check_sys(chdir(dir.c_str()), "chdir", dir.string());
      fn();
    } catch (...) {
      failure = std::current_exception();
    }
  });
  worker.join();
  if (failure) std::rethrow_exception(failure);
}

void drop_overlay_xattrs(archive_entry* e) {
  if (archive_entry_xattr_count(e) == 0) return;
  std::vector<std::pair<std::string, std::string>> kept;
  archive_entry_xattr_reset(e);
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK)
    if (std::string_view(name).substr(0, kOverlayXattrPrefix.size()) != kOverlayXattrPrefix)
      kept.emplace_back(name, std::string(static_cast<const char*>(value), size));
  archive_entry_xattr_clear(e);
  for (const auto& [n, v] : kept)
    archive_entry_xattr_add_entry(e, n.c_str(), v.data(), v.size());
}

bool not_permitted(int err) {
  return err == EPERM || err == EACCES || err == ENOTSUP;
}

class Extractor {
 public:
  Extractor(const std::filesystem::path& blob, const std::filesystem::path& dest)
      : blob_(blob), dest_(dest) {}

  ExtractResult run(std::string_view expected_digest) {
    src_.fd.reset(open(blob_.c_str(), O_RDONLY | O_CLOEXEC));
    if (!src_.fd) throw Error::sys("open", blob_.string(), errno);
    dest_fd_.reset(open(dest_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dest_fd_) throw Error::sys("open", dest_.string(), errno);
    run_in_directory(dest_, [this] { extract_all(); });
    src_.drain();
    std::string digest = src_.hash.digest();
    if (!expected_digest.empty() && digest != expected_digest)
      throw Error(
          "layer " + std::string(expected_digest) + " is corrupt: its content hashes to " + digest,
          EIO);
    return std::move(result_);
  }

 private:
  void extract_all() {
    ReadArchive in(archive_read_new());
    archive_read_support_filter_all(in.get());
    archive_read_support_format_tar(in.get());
    archive_read_support_format_empty(in.get());
    check_archive(archive_read_open(in.get(), &src_, nullptr, read_hashed, nullptr), in.get(),
                  "open", blob_.string());
    // No archive_write_disk_set_standard_lookup: owners stay numeric, never mapped
    // through the host's /etc/passwd.
    WriteArchive out(archive_write_disk_new());
    check_archive(archive_write_disk_set_options(out.get(), kExtractFlags), out.get(),
                  "extract options", "");
    archive_entry* e = nullptr;
    int rc;
    while ((rc = archive_read_next_header(in.get(), &e)) != ARCHIVE_EOF) {
      check_archive(rc, in.get(), "read", blob_.string());
      extract_entry(in.get(), out.get(), e);
    }
    check_archive(archive_write_close(out.get()), out.get(), "finish extracting", "");
  }

  void extract_entry(archive* in, archive* out, archive_entry* e) {
    ++result_.entries;
    const char* link = archive_entry_hardlink(e);
    std::string raw = entry_path(e);
    std::string path = checker_.check(raw, archive_entry_filetype(e) == AE_IFLNK, link ? link : "");
    if (path.empty()) return;  // the root: the layer directory itself
    std::size_t slash = path.rfind('/');
    std::string parent = slash == std::string::npos ? "" : path.substr(0, slash);
    std::string base = path.substr(slash + 1);
    if (base == kOpaqueMarker) return make_opaque(parent);
    if (base.substr(0, kWhiteoutPrefix.size()) == kWhiteoutPrefix)
      return make_whiteout(parent, base.substr(kWhiteoutPrefix.size()), e);
    archive_entry_set_pathname(e, path.c_str());
    if (link) archive_entry_set_hardlink(e, checker_.check_link_target(link).c_str());
    drop_overlay_xattrs(e);
    check_archive(archive_write_header(out, e), out, "extract", path);
    copy_data(in, out, path);
    check_archive(archive_write_finish_entry(out), out, "extract", path);
  }

  static void copy_data(archive* in, archive* out, const std::string& path) {
    const void* buf = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int rc;
    while ((rc = archive_read_data_block(in, &buf, &size, &offset)) != ARCHIVE_EOF) {
      check_archive(rc, in, "read", path);
      la_ssize_t w = archive_write_data_block(out, buf, size, offset);
      if (w < 0) check_archive(static_cast<int>(w), out, "extract", path);
    }
  }

  void make_opaque(const std::string& dir) {
    UniqueFd fd = open_dir_beneath(dest_fd_.get(), dir, true);
    if (fsetxattr(fd.get(), "trusted.overlay.opaque", "y", 1, 0) == 0) return;
    if (!not_permitted(errno)) throw Error::sys("mark opaque", dir.empty() ? "/" : dir, errno);
    result_.recorded_whiteouts.push_back("opaque /" + dir);
  }

  void make_whiteout(const std::string& parent, const std::string& name, archive_entry* e) {
    std::string path = parent.empty() ? name : parent + "/" + name;
    // ".wh..wh.*" are AUFS' own bookkeeping entries, not whiteouts of files.
    if (name.empty() || name.substr(0, kWhiteoutPrefix.size()) == kWhiteoutPrefix) return;
    UniqueFd dir = open_dir_beneath(dest_fd_.get(), parent, true);
    if (mknodat(dir.get(), name.c_str(), S_IFCHR | 0, makedev(0, 0)) != 0) {
      if (!not_permitted(errno)) throw Error::sys("make whiteout", path, errno);
      result_.recorded_whiteouts.push_back("whiteout /" + path);
      return;
    }
    // Best effort, as for any other entry's owner.
    (void)fchownat(dir.get(), name.c_str(), static_cast<uid_t>(archive_entry_uid(e)),
                   static_cast<gid_t>(archive_entry_gid(e)), AT_SYMLINK_NOFOLLOW);
  }

  std::filesystem::path blob_;
  std::filesystem::path dest_;
  HashingSource src_;
  UniqueFd dest_fd_;
  EntryPathChecker checker_;
  ExtractResult result_;
};

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines)
    out += l + "\n";
  return out;
}

}  // namespace

ExtractResult extract_layer(const std::filesystem::path& blob, const std::filesystem::path& dest,
                            std::string_view expected_digest) {
  return Extractor(blob, dest).run(expected_digest);
}

std::filesystem::path ensure_layer_unpacked(const Layout& layout, const Descriptor& layer,
                                            const std::string& diff_id) {
  std::filesystem::path target = layout.layer_dir(diff_id);
  if (std::filesystem::exists(target)) return target;
  std::string hex = digest_hex(diff_id);
  std::string tmpl = (layout.tmp_dir() / ("layer-" + hex.substr(0, 12) + "-XXXXXX")).string();
  if (!mkdtemp(tmpl.data())) throw Error::sys("create", tmpl, errno);
  std::filesystem::path staging = tmpl;
  try {
    check_sys(chmod(staging.c_str(), 0755), "chmod", staging.string());
    ExtractResult result = extract_layer(layout.blob_path(layer.digest), staging, layer.digest);
    if (!result.recorded_whiteouts.empty())
      write_file_atomic(layout.whiteouts_path(diff_id), join_lines(result.recorded_whiteouts),
                        layout.tmp_dir());
    // Everything in the tree reaches the disk before the name makes it visible.
    UniqueFd fd(open(staging.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    check_sys(fd ? syncfs(fd.get()) : -1, "syncfs", staging.string());
    check_sys(rename(staging.c_str(), target.c_str()), "rename " + staging.string() + " ->",
              target.string());
  } catch (const Error& e) {
    remove_tree(staging);
    throw e.with_context("unpack layer " + hex.substr(0, 12));
  }
  fsync_path(layout.layers_dir());
  return target;
}

}  // namespace image
