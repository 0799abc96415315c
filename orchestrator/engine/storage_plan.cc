// prepare_storage: a service's `volumes:`, `tmpfs:`, the image's VOLUMEs, secrets and
// configs, turned into what the host needs (volume dirs, bind sources) and the runtime's
// mounts. The runtime resolves each destination inside the container's root; the host side
// of every mount is decided here.
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "engine/error.h"
#include "engine/safe_path.h"
#include "engine/storage.h"

namespace engine {
namespace {

namespace fs = std::filesystem;

std::string quote(const std::string& s) {
  return "\"" + s + "\"";
}

std::string clean_path(const std::string& p) {
  std::string out = fs::path(p).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/')
    out.pop_back();
  return out;
}

// Docker's defaults for a tmpfs: nothing on it runs, no device nodes, no set-id.
std::vector<std::string> tmpfs_defaults() {
  return {"nosuid", "nodev", "noexec"};
}

boxrt::Mount tmpfs_mount(const compose::VolumeMount& m) {
  boxrt::Mount out{m.target, "tmpfs", "tmpfs", tmpfs_defaults()};
  if (m.read_only) out.options.push_back("ro");
  if (m.tmpfs_size) out.options.push_back("size=" + std::to_string(*m.tmpfs_size));
  if (m.tmpfs_mode) {
    char mode[16];
    std::snprintf(mode, sizeof mode, "mode=%o", *m.tmpfs_mode & 07777);
    out.options.push_back(mode);
  }
  return out;
}

std::vector<std::string> bind_options(const compose::VolumeMount& m) {
  std::vector<std::string> options = {"rbind"};
  if (m.read_only) options.push_back("ro");
  options.push_back(m.propagation.empty() ? "rprivate" : m.propagation);
  return options;
}

void mkdir_p(const fs::path& dir) {
  if (dir.empty() || dir == dir.root_path()) return;
  struct stat st;
  if (stat(dir.c_str(), &st) == 0) return;
  mkdir_p(dir.parent_path());
  if (mkdir(dir.c_str(), 0755) < 0 && errno != EEXIST)
    throw Error::sys("mkdir", dir.string(), errno);
}

boxrt::Mount bind_mount(const compose::VolumeMount& m) {
  if (!m.source.starts_with('/'))
    throw Error("bind source path " + quote(m.source) + " is not absolute");
  struct stat st;
  if (stat(m.source.c_str(), &st) < 0) {
    if (errno != ENOENT) throw Error::sys("stat bind source path", m.source, errno);
    // Docker Compose's short syntax implies create_host_path; the long one defaults to false.
    if (!m.create_host_path.value_or(false))
      throw Error("bind source path " + quote(m.source) + " does not exist", ENOENT);
    mkdir_p(m.source);
  }
  return {m.target, "bind", m.source, bind_options(m)};
}

// <volume>/<subpath>, resolved inside the volume: a symlink in it cannot point out.
fs::path resolve_subpath(const fs::path& volume, const std::string& subpath) {
  if (!is_plain_relative(subpath))
    throw Error("subpath " + quote(subpath) + " must be relative, without \"..\"");
  boxrt::UniqueFd root = open_dir(volume, O_PATH);
  boxrt::UniqueFd fd = open_in_root(root.get(), subpath, O_PATH);
  if (!fd && errno == ENOENT)
    throw Error("subpath " + quote(subpath) + " does not exist in the volume", ENOENT);
  if (!fd) throw Error::sys("open subpath", subpath, errno);
  fs::path real = path_of_fd(fd.get());
  fs::path real_root = path_of_fd(root.get());
  if (real != real_root && !real.string().starts_with(real_root.string() + "/"))
    throw Error::sys("subpath", subpath + " (outside the volume)", EXDEV);
  return real;
}

class Planner {
 public:
  explicit Planner(const StorageInputs& in) : in_(in) {}

  // Errors name the volume or the bind source, which is what the user has to fix.
  void add(const compose::VolumeMount& m) {
    if (m.type == "volume") return add_volume(m);
    if (m.type == "bind") return push(bind_mount(m));
    if (m.type == "tmpfs") return push(tmpfs_mount(m));
    throw Error("mount type " + quote(m.type) + " at " + quote(m.target) + " is not supported");
  }

  void push(boxrt::Mount m) {
    m.destination = clean_path(m.destination);
    if (!destinations_.insert(m.destination).second)
      throw Error("two mounts at " + quote(m.destination));
    plan_.mounts.push_back(std::move(m));
  }

  bool covers(const std::string& target) const {
    return destinations_.count(clean_path(target)) > 0;
  }

  StoragePlan take() { return std::move(plan_); }

 private:
  VolumeSpec spec_for(const compose::VolumeMount& m) const {
    VolumeSpec spec;
    spec.project = in_.project->name;
    if (m.source.empty()) {
      spec.name = anonymous_volume_name(in_.container_name, m.target);
      spec.anonymous = true;
      spec.container = in_.container_name;
      return spec;
    }
    auto it = in_.project->volumes.find(m.source);
    if (it == in_.project->volumes.end())
      throw Error("volume " + quote(m.source) + " is not defined in the top-level volumes");
    const compose::Volume& v = it->second;
    spec.name = v.name;
    spec.key = v.key.empty() ? m.source : v.key;
    spec.external = v.external;
    spec.driver = v.driver;
    spec.driver_opts = v.driver_opts;
    spec.labels = v.labels;
    return spec;
  }

  void add_volume(const compose::VolumeMount& m) {
    VolumeSpec spec = spec_for(m);
    std::function<void(const fs::path&)> fill;
    if (!m.nocopy && !in_.rootfs.merged.empty()) {
      fill = [&](const fs::path& to) {
        try {
          copy_up(in_.rootfs.merged, m.target, to);
        } catch (const Error& e) {
          throw e.with_context("volume " + quote(spec.name));
        }
      };
    }
    EnsuredVolume v = ensure_volume(in_.root, spec, fill);
    fs::path source = v.source;
    try {
      if (!m.subpath.empty()) source = resolve_subpath(v.source, m.subpath);
    } catch (const Error& e) {
      throw e.with_context("volume " + quote(spec.name));
    }
    plan_.volumes.push_back({spec.name, spec.anonymous, spec.external, v.created});
    push({m.target, "bind", source.string(), bind_options(m)});
  }

  const StorageInputs& in_;
  StoragePlan plan_;
  std::set<std::string> destinations_;
};

}  // namespace

boxrt::Mount parse_tmpfs_entry(const std::string& entry) {
  auto colon = entry.find(':');
  boxrt::Mount m{entry.substr(0, colon), "tmpfs", "tmpfs", tmpfs_defaults()};
  std::string_view rest =
      colon == std::string::npos ? std::string_view() : std::string_view(entry).substr(colon + 1);
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string opt(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
    // Docker's own copy-up switches for tmpfs; the kernel knows neither.
    if (opt.empty() || opt == "tmpcopyup" || opt == "notmpcopyup") continue;
    m.options.push_back(opt);
  }
  return m;
}

void sort_mounts(std::vector<boxrt::Mount>& mounts) {
  auto depth = [](const boxrt::Mount& m) {
    auto p = fs::path(clean_path(m.destination));
    return std::distance(p.begin(), p.end());
  };
  std::stable_sort(mounts.begin(), mounts.end(),
                   [&](const auto& a, const auto& b) { return depth(a) < depth(b); });
}

StoragePlan prepare_storage(const StorageInputs& in) {
  if (!in.project || !in.service) throw Error("prepare storage: no project or service given");
  const compose::Service& s = *in.service;
  try {
    Planner planner(in);
    for (const auto& m : s.volumes)
      planner.add(m);
    for (const auto& entry : s.tmpfs)
      planner.push(parse_tmpfs_entry(entry));
    for (const auto& target : in.image_volumes) {
      if (planner.covers(target)) continue;
      compose::VolumeMount m;
      m.type = "volume";
      m.target = clean_path(target);
      planner.add(m);
    }
    for (auto& m : secret_and_config_mounts(in))
      planner.push(std::move(m));
    StoragePlan plan = planner.take();
    sort_mounts(plan.mounts);
    return plan;
  } catch (const fs::filesystem_error& e) {
    throw Error::sys("create", e.path1().string(), e.code().value())
        .with_context("service " + s.name);
  } catch (const Error& e) {
    throw e.with_context("service " + s.name);
  }
}

}  // namespace engine
