#include "engine/user_db.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <limits>

#include "boxrt/fd.h"
#include "engine/error.h"
#include "engine/safe_path.h"

namespace engine {
namespace {

// runc's range for ids given in a user spec: anything a 32-bit id holds except -1.
constexpr uint64_t kMaxId = std::numeric_limits<int32_t>::max();

// An /etc/passwd larger than this is not a passwd file; refuse rather than read gigabytes.
constexpr off_t kMaxFileSize = 16 << 20;

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(sep, start);
    out.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

std::optional<uint32_t> parse_id(std::string_view text) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || v > kMaxId)
    return std::nullopt;
  return static_cast<uint32_t>(v);
}

bool is_number(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The lines of a colon file worth parsing: no blank lines, comments or NIS entries.
template <class F>
void for_each_entry(std::string_view text, F&& f) {
  for (std::string_view line : split(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-') continue;
    f(split(line, ':'));
  }
}

std::string read_all(int fd, const std::string& what) {
  struct stat st;
  if (fstat(fd, &st) < 0) throw Error::sys("stat", what, errno);
  if (!S_ISREG(st.st_mode)) throw Error(what + ": not a regular file");
  if (st.st_size > kMaxFileSize)
    throw Error(what + ": " + std::to_string(st.st_size) + " bytes is too large");
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error::sys("read", what, errno);
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > static_cast<size_t>(kMaxFileSize)) throw Error(what + ": too large");
  }
}

std::string in_quotes(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

const GroupEntry* find_group(const UserDb& db, std::string_view arg) {
  if (!db.group) return nullptr;
  bool numeric = is_number(arg);
  auto id = parse_id(arg);
  for (const auto& g : *db.group)
    if (numeric ? (id && g.gid == *id) : g.name == arg) return &g;
  return nullptr;
}

void add_unique(std::vector<gid_t>& gids, gid_t gid) {
  if (std::find(gids.begin(), gids.end(), gid) == gids.end()) gids.push_back(gid);
}

// The primary user: a passwd entry (by name, or by uid when numeric), else a bare uid.
// Returns the matched entry's name ("" when none), for the implicit supplementary groups.
std::string resolve_primary(const std::string& spec, std::string_view user_arg, const UserDb& db,
                            ResolvedUser& out) {
  bool numeric = is_number(user_arg);
  std::optional<uint32_t> uid = user_arg.empty() ? std::optional<uint32_t>(0) : parse_id(user_arg);
  if (numeric && !uid) throw Error("user " + in_quotes(spec) + ": uid out of range");
  if (db.passwd) {
    for (const auto& p : *db.passwd) {
      if ((numeric || user_arg.empty()) ? p.uid == *uid : p.name == user_arg) {
        out.uid = p.uid;
        out.gid = p.gid;
        if (!p.home.empty()) out.home = p.home;
        return p.name;
      }
    }
  }
  if (!numeric && !user_arg.empty())
    throw Error("user " + in_quotes(user_arg) + ": no such user in the image's /etc/passwd" +
                (db.passwd ? "" : " (the image has no /etc/passwd)"));
  out.uid = uid.value_or(0);
  out.gid = 0;
  return "";
}

}  // namespace

std::vector<PasswdEntry> parse_passwd(std::string_view text) {
  std::vector<PasswdEntry> out;
  for_each_entry(text, [&](const std::vector<std::string_view>& f) {
    if (f.size() < 4) return;
    auto uid = parse_id(f[2]);
    auto gid = parse_id(f[3]);
    if (f[0].empty() || !uid || !gid) return;
    out.push_back({std::string(f[0]), *uid, *gid, f.size() > 5 ? std::string(f[5]) : ""});
  });
  return out;
}

std::vector<GroupEntry> parse_group(std::string_view text) {
  std::vector<GroupEntry> out;
  for_each_entry(text, [&](const std::vector<std::string_view>& f) {
    if (f.size() < 3) return;
    auto gid = parse_id(f[2]);
    if (f[0].empty() || !gid) return;
    GroupEntry g{std::string(f[0]), *gid, {}};
    if (f.size() > 3)
      for (std::string_view m : split(f[3], ','))
        if (!m.empty()) g.members.emplace_back(m);
    out.push_back(std::move(g));
  });
  return out;
}

std::optional<std::string> read_file_in_root(const std::filesystem::path& root,
                                             const std::string& path) {
  boxrt::UniqueFd root_fd(open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd) throw Error::sys("open", root.string(), errno);
  // O_NONBLOCK: a FIFO planted at etc/passwd must not hang `up`; regular files ignore it.
  boxrt::UniqueFd fd = open_in_root(root_fd.get(), path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
  std::string what = "/" + path + " in " + root.string();
  if (!fd) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) return std::nullopt;
    if (err == ENOSYS)
      throw Error("reading " + what + " safely needs openat2 (Linux 5.6 or later); " +
                      "this kernel lacks it",
                  err);
    throw Error::sys("open", what, err);
  }
  return read_all(fd.get(), what);
}

UserDb load_user_db(const std::filesystem::path& rootfs) {
  UserDb db;
  if (rootfs.empty()) return db;
  if (auto text = read_file_in_root(rootfs, "etc/passwd")) db.passwd = parse_passwd(*text);
  if (auto text = read_file_in_root(rootfs, "etc/group")) db.group = parse_group(*text);
  return db;
}

ResolvedUser resolve_user(const std::string& spec, const std::vector<std::string>& group_add,
                          const UserDb& db) {
  std::string_view user_arg = spec;
  std::string_view group_arg;
  if (size_t colon = user_arg.find(':'); colon != std::string_view::npos) {
    group_arg = user_arg.substr(colon + 1);
    user_arg = user_arg.substr(0, colon);
  }
  ResolvedUser out;
  std::string matched = resolve_primary(spec, user_arg, db, out);
  if (!group_arg.empty()) {
    if (const GroupEntry* g = find_group(db, group_arg)) {
      out.gid = g->gid;
    } else if (is_number(group_arg)) {
      auto gid = parse_id(group_arg);
      if (!gid) throw Error("user " + in_quotes(spec) + ": gid out of range");
      out.gid = *gid;
    } else {
      throw Error("user " + in_quotes(spec) + ": no such group " + in_quotes(group_arg) +
                  " in the image's /etc/group");
    }
  } else if (!matched.empty() && db.group) {
    // As runc: the groups that list the user by name, only when no group was given.
    for (const auto& g : *db.group)
      if (std::find(g.members.begin(), g.members.end(), matched) != g.members.end())
        add_unique(out.additional_gids, g.gid);
  }
  for (const std::string& name : group_add) {
    if (const GroupEntry* g = find_group(db, name)) {
      add_unique(out.additional_gids, g->gid);
    } else if (auto gid = parse_id(name); gid && is_number(name)) {
      add_unique(out.additional_gids, *gid);
    } else {
      throw Error("group_add " + in_quotes(name) + ": no such group in the image's /etc/group");
    }
  }
  return out;
}

}  // namespace engine
