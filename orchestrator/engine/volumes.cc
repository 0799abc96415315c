// Named and anonymous volumes: <root>/volumes/<name>/_data and a volume.json that says what
// made the volume, so that `down -v` and `volume ls` know it.
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "boximg/digest.h"
#include "engine/error.h"
#include "engine/storage.h"

namespace engine {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A name no other thread or process uses at the same moment.
std::string unique_suffix() {
  static std::atomic<unsigned> counter{0};
  return std::to_string(getpid()) + "." + std::to_string(counter++);
}

void make_dir(const fs::path& p, mode_t mode) {
  if (mkdir(p.c_str(), mode) < 0 && errno != EEXIST) throw Error::sys("mkdir", p.string(), errno);
}

std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  time_t t = std::chrono::system_clock::to_time_t(now);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Atomically, so that a reader never sees half a record.
void write_record(const fs::path& dir, const VolumeSpec& spec) {
  json labels = spec.labels;
  if (!spec.project.empty()) labels["com.docker.compose.project"] = spec.project;
  if (!spec.key.empty()) labels["com.docker.compose.volume"] = spec.key;
  json record = {{"name", spec.name},           {"driver", spec.driver},
                 {"created", utc_now()},        {"project", spec.project},
                 {"anonymous", spec.anonymous}, {"labels", labels},
                 {"options", spec.driver_opts}};
  if (spec.anonymous) record["container"] = spec.container;
  fs::path tmp = dir / ("volume.json.tmp." + unique_suffix());
  {
    std::ofstream out(tmp);
    out << record.dump(2) << '\n';
    if (!out.flush()) throw Error::sys("write", tmp.string(), EIO);
  }
  if (rename(tmp.c_str(), (dir / "volume.json").c_str()) < 0) {
    int err = errno;
    unlink(tmp.c_str());
    throw Error::sys("rename", tmp.string(), err);
  }
}

// The local driver's one host-side option: `type: none, o: bind, device: /dir` mounts a
// host directory as the volume (Docker's way to name a host path).
fs::path bound_device(const VolumeSpec& spec) {
  if (spec.driver != "local" && !spec.driver.empty())
    throw Error("volume \"" + spec.name + "\": driver \"" + spec.driver +
                "\" is not supported (only local)");
  if (spec.driver_opts.empty()) return {};
  auto get = [&](const char* key) {
    auto it = spec.driver_opts.find(key);
    return it == spec.driver_opts.end() ? std::string() : it->second;
  };
  std::string type = get("type"), o = get("o"), device = get("device");
  bool bind = ("," + o + ",").find(",bind,") != std::string::npos ||
              ("," + o + ",").find(",rbind,") != std::string::npos;
  if (type != "none" || !bind || device.empty() || device[0] != '/')
    throw Error("volume \"" + spec.name + "\": driver_opts type \"" + type + "\" o \"" + o +
                "\" are not supported (only type: none, o: bind, device: an absolute path)");
  struct stat st;
  if (stat(device.c_str(), &st) < 0)
    throw Error::sys("volume \"" + spec.name + "\": device", device, errno);
  if (!S_ISDIR(st.st_mode))
    throw Error::sys("volume \"" + spec.name + "\": device", device, ENOTDIR);
  return device;
}

bool dir_is_empty(const fs::path& dir) {
  std::error_code ec;
  return fs::is_empty(dir, ec) && !ec;
}

}  // namespace

bool valid_volume_name(const std::string& name) {
  if (name.empty() || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-')
      return false;
  }
  return true;
}

std::string anonymous_volume_name(const std::string& container, const std::string& target) {
  std::string clean = fs::path(target).lexically_normal().string();
  while (clean.size() > 1 && clean.back() == '/')
    clean.pop_back();
  // "sha256:" then the hex digits.
  return container + "_anon_" + image::sha256_digest(clean).substr(7, 8);
}

fs::path volume_dir(const fs::path& root, const std::string& name) {
  if (!valid_volume_name(name))
    throw Error("invalid volume name \"" + name + "\" (expected [a-zA-Z0-9][a-zA-Z0-9_.-]*)");
  return root / "volumes" / name;
}

void remove_volume(const fs::path& root, const std::string& name) {
  fs::path dir = volume_dir(root, name);
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) throw Error::sys("remove volume", dir.string(), ec.value());
}

EnsuredVolume ensure_volume(const fs::path& root, const VolumeSpec& spec,
                            const std::function<void(const fs::path&)>& fill) {
  fs::path dir = volume_dir(root, spec.name);
  fs::path data = dir / "_data";
  fs::path device = bound_device(spec);
  fs::path source = device.empty() ? data : device;
  struct stat st;
  if (lstat(data.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return {source, false};
  if (spec.external)
    throw Error("volume \"" + spec.name + "\" is external and does not exist", ENOENT);

  make_dir(root / "volumes", 0711);
  make_dir(dir, 0711);
  fs::path tmp = dir / ("_data.new." + unique_suffix());
  make_dir(tmp, 0755);
  try {
    if (fill && device.empty()) {
      fill(tmp);
    } else if (fill && dir_is_empty(device)) {
      fill(device);
    }
    write_record(dir, spec);
    if (renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, data.c_str(), RENAME_NOREPLACE) < 0) {
      if (errno != EEXIST) throw Error::sys("rename", tmp.string(), errno);
      std::error_code ec;
      fs::remove_all(tmp, ec);  // another `up` made it first; its content is the volume's
      return {source, false};
    }
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
  return {source, true};
}

}  // namespace engine
