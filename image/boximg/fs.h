// File system steps the store repeats: atomic writes (temp file, fsync, rename), reads,
// removal of read-only trees, and walking below a directory without following symlinks.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "boxrt/fd.h"

namespace image {

namespace fs = std::filesystem;
using boxrt::UniqueFd;

// Creates `dir` with `mode` unless it exists (parents must exist).
void make_dir(const fs::path& dir, mode_t mode);

// fsyncs a file or directory, so that a rename into it survives a crash.
void fsync_path(const fs::path& path);

// A file in `tmp_dir` that is unlinked unless commit() renames it into place. Write it,
// then commit: the data is fsynced before the rename, so `target` is either absent, the
// old file, or the whole new file, never a torn one.
class TempFile {
 public:
  explicit TempFile(const fs::path& tmp_dir, mode_t mode = 0644);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  int fd() const { return fd_.get(); }
  const fs::path& path() const { return path_; }
  void write(const void* data, std::size_t size);
  // fsync, rename to `target` (replacing it), fsync target's directory.
  void commit(const fs::path& target);
  // fsync, then link to `target` unless something is there already; true if linked.
  bool commit_if_absent(const fs::path& target);

 private:
  void sync_and_close();

  UniqueFd fd_;
  fs::path path_;
  bool done_ = false;
};

// Replaces `target` with `data` atomically (via a TempFile in `tmp_dir`).
void write_file_atomic(const fs::path& target, std::string_view data, const fs::path& tmp_dir);

// The whole file; throws Error (with errno) when it cannot be read.
std::string read_file(const fs::path& path);

// rm -rf, without following symlinks, coping with directories left read-only (0555) by a
// layer. Absent is fine.
void remove_tree(const fs::path& path);

// Opens the directory `rel` below `root_fd` one component at a time with O_NOFOLLOW, so
// that no symlink (planted by a layer, say) can lead the walk elsewhere. With `create`,
// missing components are made (0755). "" opens root_fd itself.
UniqueFd open_dir_beneath(int root_fd, std::string_view rel, bool create);

}  // namespace image
