// `user:` and `group_add:` resolved against the container's own /etc/passwd and /etc/group,
// as runc's GetExecUser does for Docker. The files are read inside the rootfs with
// openat2(RESOLVE_IN_ROOT): an image whose /etc/passwd is a symlink to /etc/shadow or to
// "../../../etc/passwd" gets its own (missing) file, never the host's.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace engine {

struct PasswdEntry {
  std::string name;
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::string home;
};

struct GroupEntry {
  std::string name;
  uint32_t gid = 0;
  std::vector<std::string> members;
};

// The two files of one rootfs; nullopt when the image has no such file.
struct UserDb {
  std::optional<std::vector<PasswdEntry>> passwd;
  std::optional<std::vector<GroupEntry>> group;
};

// Lines that do not parse (comments, NIS "+" entries, bad numbers) are skipped.
std::vector<PasswdEntry> parse_passwd(std::string_view text);
std::vector<GroupEntry> parse_group(std::string_view text);

// Contents of `path` (relative to the root, e.g. "etc/passwd") read without leaving `root`:
// symlinks resolve as if `root` were "/". nullopt when it does not exist; Error when it is
// not a regular file, cannot be read, or the kernel lacks openat2 (Linux < 5.6).
std::optional<std::string> read_file_in_root(const std::filesystem::path& root,
                                             const std::string& path);

// Both files of `rootfs`; an empty path means "no files" (numeric users only).
UserDb load_user_db(const std::filesystem::path& rootfs);

struct ResolvedUser {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> additional_gids;  // from /etc/group (implicit form only), then group_add
  std::string home = "/";              // the passwd entry's, else "/"
};

// `spec`: "", "name", "uid", "name:group", "uid:gid", "uid:group", "name:gid". An empty spec
// is uid 0 (root's passwd entry, when there is one, gives home and groups). Errors (without
// the service name): an unknown user or group name, an id out of range.
ResolvedUser resolve_user(const std::string& spec, const std::vector<std::string>& group_add,
                          const UserDb& db);

}  // namespace engine
