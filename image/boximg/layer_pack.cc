#include "boximg/layer_pack.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "boximg/archive_util.h"
#include "boximg/digest.h"
#include "boximg/entry_paths.h"
#include "boximg/error.h"
#include "boximg/fs.h"

namespace image {
namespace {

constexpr std::size_t kBlockSize = 64 * 1024;

// Where the new tar goes: a temp file, hashed as it is written.
struct BlobSink {
  explicit BlobSink(const Layout& layout) : file(layout.tmp_dir(), 0444) {}
  TempFile file;
  Sha256 hash;
  std::int64_t size = 0;
};

la_ssize_t write_to_sink(archive* a, void* ctx, const void* buf, size_t n) {
  auto* sink = static_cast<BlobSink*>(ctx);
  try {
    sink->file.write(buf, n);
  } catch (const Error& e) {
    archive_set_error(a, e.code(), "%s", e.what());
    return -1;
  }
  sink->hash.update(buf, n);
  sink->size += static_cast<std::int64_t>(n);
  return static_cast<la_ssize_t>(n);
}

WriteArchive open_tar_writer(BlobSink& sink) {
  WriteArchive out(archive_write_new());
  if (!out) throw Error("libarchive: out of memory");
  check_archive(archive_write_set_format_pax_restricted(out.get()), out.get(), "tar writer", "");
  // Pad to 512-byte records only, as Docker's layer tars are.
  archive_write_set_bytes_per_block(out.get(), 512);
  check_archive(archive_write_open(out.get(), &sink, nullptr, write_to_sink, nullptr), out.get(),
                "open", sink.file.path().string());
  return out;
}

// Copies the current entry's data from `in` to `out`.
void copy_data(archive* in, archive* out, const std::string& path) {
  char buf[kBlockSize];
  for (;;) {
    la_ssize_t n = archive_read_data(in, buf, sizeof buf);
    if (n == 0) return;
    if (n < 0) check_archive(std::min<int>(static_cast<int>(n), ARCHIVE_FAILED), in, "read", path);
    la_ssize_t w = archive_write_data(out, buf, static_cast<size_t>(n));
    if (w < 0) check_archive(static_cast<int>(w), out, "write", path);
  }
}

class Packer {
 public:
  Packer(const Layout& layout, const std::string& source)
      : layout_(layout), source_(source), sink_(layout), out_(open_tar_writer(sink_)) {}

  PackedLayer run() {
    struct stat st {};
    if (source_ != "-" && stat(source_.c_str(), &st) != 0) throw Error(std::strerror(errno), errno);
    if (source_ != "-" && S_ISDIR(st.st_mode))
      pack_directory();
    else
      pack_tarball();
    check_archive(archive_write_close(out_.get()), out_.get(), "finish layer tar", "");
    std::string digest = sink_.hash.digest();
    sink_.file.commit_if_absent(layout_.blob_path(digest));
    stats_.blob = Descriptor{std::string(media_type::kOciLayer), digest, sink_.size, {}, {}, {}};
    stats_.diff_id = digest;
    return stats_;
  }

 private:
  // Writes one entry whose pathname is relative to the rootfs.
  void add(archive* in, archive_entry* e, const std::string& raw_path) {
    const char* link = archive_entry_hardlink(e);
    bool symlink = archive_entry_filetype(e) == AE_IFLNK;
    std::string path = checker_.check(raw_path, symlink, link ? link : "");
    if (path.empty() || archive_entry_filetype(e) == AE_IFSOCK) return;  // root, sockets
    if (link) archive_entry_set_hardlink(e, checker_.check_link_target(link).c_str());
    archive_entry_set_pathname(e, path.c_str());
    if (resolver_) link_entry(e);
    check_archive(archive_write_header(out_.get(), e), out_.get(), "write", path);
    if (archive_entry_size(e) > 0) copy_data(in, out_.get(), path);
    if (archive_entry_filetype(e) == AE_IFREG && !archive_entry_hardlink(e))
      stats_.content_size += archive_entry_size(e);
    ++stats_.entries;
  }

  // A directory's files that share an inode become tar hard links (second one onwards).
  void link_entry(archive_entry* e) {
    archive_entry* spare = nullptr;
    archive_entry_linkify(resolver_.get(), &e, &spare);
  }

  void pack_tarball() {
    ReadArchive in(archive_read_new());
    archive_read_support_filter_all(in.get());
    archive_read_support_format_tar(in.get());
    archive_read_support_format_empty(in.get());
    int rc = source_ == "-" ? archive_read_open_fd(in.get(), STDIN_FILENO, kBlockSize)
                            : archive_read_open_filename(in.get(), source_.c_str(), kBlockSize);
    check_archive(rc, in.get(), "open", "");
    archive_entry* e = nullptr;
    while ((rc = archive_read_next_header(in.get(), &e)) != ARCHIVE_EOF) {
      check_archive(rc, in.get(), "read", "");
      add(in.get(), e, entry_path(e));
    }
  }

  void pack_directory() {
    ReadArchive in(archive_read_disk_new());
    // Numeric owners only: host user names mean nothing inside a container. Like
    // `tar --one-file-system`, mounts below the source (a rootfs' /proc) stay empty.
    archive_read_disk_set_symlink_physical(in.get());
    archive_read_disk_set_behavior(
        in.get(), ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS | ARCHIVE_READDISK_NO_FFLAGS);
    resolver_.reset(archive_entry_linkresolver_new());
    archive_entry_linkresolver_set_strategy(resolver_.get(), ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
    // The directory itself, not a symlink to it (which read_disk would store as such).
    std::string prefix = std::filesystem::canonical(source_).string();
    check_archive(archive_read_disk_open(in.get(), prefix.c_str()), in.get(), "open", "");
    ArchiveEntry e(archive_entry_new());
    int rc;
    while ((rc = archive_read_next_header2(in.get(), e.get())) != ARCHIVE_EOF) {
      check_archive(rc, in.get(), "read", "");
      std::string full = entry_path(e.get());
      archive_read_disk_descend(in.get());
      std::string rel = full.size() > prefix.size() ? full.substr(prefix.size()) : "";
      add(in.get(), e.get(), rel.substr(std::min(rel.size(), rel.find_first_not_of('/'))));
      archive_entry_clear(e.get());
    }
  }

  const Layout& layout_;
  const std::string& source_;
  BlobSink sink_;
  WriteArchive out_;
  EntryPathChecker checker_;
  LinkResolver resolver_;
  PackedLayer stats_;
};

}  // namespace

PackedLayer pack_layer(const Layout& layout, const std::string& source) {
  try {
    return Packer(layout, source).run();
  } catch (const Error& e) {
    throw e.with_context(source == "-" ? "stdin" : source);
  }
}

}  // namespace image
