// Secrets at /run/secrets/<target> and configs at /<target>, read-only, as Docker Compose
// mounts them outside a swarm: a file-based one is the host file bound as it is; one from
// an environment variable or inline `content:` (or given uid, gid or mode) is written under
// <container dir>/files first.
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <fstream>
#include <sstream>

#include "boxrt/fd.h"
#include "engine/error.h"
#include "engine/storage.h"

namespace engine {
namespace {

namespace fs = std::filesystem;

struct Kind {
  const char* what;  // "secret" or "config"
  const std::map<std::string, compose::FileObject>& defined;
  const std::vector<compose::FileReference>& refs;
};

std::string quote(const std::string& s) {
  return "\"" + s + "\"";
}

std::string destination(const Kind& kind, const compose::FileReference& ref) {
  const std::string& name = ref.target.empty() ? ref.source : ref.target;
  if (name.starts_with('/')) return name;
  return std::string(kind.what) == "secret" ? "/run/secrets/" + name : "/" + name;
}

uint32_t parse_id(const std::string& text, const char* what) {
  uint32_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw Error(std::string(what) + " " + quote(text) + " must be a number");
  return id;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  if (!in) throw Error::sys("read", path, errno ? errno : EIO);
  return buf.str();
}

// <dir>/files/<kind>s/<key>, replaced atomically (a restarted container rewrites it).
fs::path write_file(const fs::path& dir, const Kind& kind, const std::string& key,
                    const std::string& content, const compose::FileReference& ref) {
  if (dir.empty()) throw Error("no container directory to write it in");
  if (key.find('/') != std::string::npos || key == "." || key == "..")
    throw Error(std::string("invalid ") + kind.what + " name " + quote(key));
  fs::path files = dir / "files" / (std::string(kind.what) + "s");
  fs::create_directories(files);
  // Search only: a user namespace's root must reach the file, nobody needs to list them.
  chmod((dir / "files").c_str(), 0711);
  chmod(files.c_str(), 0711);
  static std::atomic<unsigned> counter{0};
  fs::path tmp =
      files / (key + ".tmp." + std::to_string(getpid()) + "." + std::to_string(counter++));
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) throw Error::sys("create", tmp.string(), errno);
  boxrt::UniqueFd owned(fd);
  auto fail = [&](const char* what) {
    int err = errno;
    unlink(tmp.c_str());
    throw Error::sys(what, tmp.string(), err);
  };
  for (size_t off = 0; off < content.size();) {
    ssize_t n = write(fd, content.data() + off, content.size() - off);
    if (n < 0) fail("write");
    off += static_cast<size_t>(n);
  }
  uid_t uid = ref.uid.empty() ? 0 : parse_id(ref.uid, "uid");
  gid_t gid = ref.gid.empty() ? 0 : parse_id(ref.gid, "gid");
  if (fchown(fd, uid, gid) < 0) fail("chown");
  if (fchmod(fd, ref.mode.value_or(0444) & 07777) < 0) fail("chmod");
  if (rename(tmp.c_str(), (files / key).c_str()) < 0) fail("rename");
  return files / key;
}

fs::path source_of(const StorageInputs& in, const Kind& kind, const compose::FileReference& ref,
                   const compose::FileObject& obj) {
  const std::string& key = ref.source;
  if (obj.external)
    throw Error(std::string("is external: that needs a swarm, which boxcompose does not run"));
  bool custom = ref.mode || !ref.uid.empty() || !ref.gid.empty();
  if (!obj.file.empty()) {
    struct stat st;
    if (stat(obj.file.c_str(), &st) < 0) {
      if (errno == ENOENT) throw Error("file " + quote(obj.file) + " does not exist", ENOENT);
      throw Error::sys("stat", obj.file, errno);
    }
    if (!custom || !S_ISREG(st.st_mode)) return obj.file;
    return write_file(in.rootfs.dir, kind, key, read_file(obj.file), ref);
  }
  if (!obj.environment.empty()) {
    auto it = in.project->environment.find(obj.environment);
    if (it == in.project->environment.end())
      throw Error("environment variable " + quote(obj.environment) + " is not set");
    return write_file(in.rootfs.dir, kind, key, it->second, ref);
  }
  if (obj.content) return write_file(in.rootfs.dir, kind, key, *obj.content, ref);
  throw Error("has no file, environment or content");
}

void add_mounts(const StorageInputs& in, const Kind& kind, std::vector<boxrt::Mount>& out) {
  for (const auto& ref : kind.refs) {
    std::string context = std::string(kind.what) + " " + quote(ref.source);
    try {
      auto it = kind.defined.find(ref.source);
      if (it == kind.defined.end())
        throw Error("is not defined in the top-level " + std::string(kind.what) + "s");
      fs::path source = source_of(in, kind, ref, it->second);
      out.push_back({destination(kind, ref), "bind", source.string(), {"rbind", "ro", "rprivate"}});
    } catch (const fs::filesystem_error& e) {
      throw Error::sys("create", e.path1().string(), e.code().value()).with_context(context);
    } catch (const Error& e) {
      // "secret "x": file ... does not exist" reads better without a colon after "is".
      std::string msg = e.what();
      if (msg.starts_with("is ") || msg.starts_with("has "))
        throw Error(context + " " + msg, e.code());
      throw e.with_context(context);
    }
  }
}

}  // namespace

std::vector<boxrt::Mount> secret_and_config_mounts(const StorageInputs& in) {
  std::vector<boxrt::Mount> out;
  const compose::Service& s = *in.service;
  add_mounts(in, {"secret", in.project->secrets, s.secrets}, out);
  add_mounts(in, {"config", in.project->configs, s.configs}, out);
  return out;
}

}  // namespace engine
