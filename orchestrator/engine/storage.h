// A container's filesystem on the host: its overlay root (image layers read-only below,
// its own upper dir above) and the volumes, binds, tmpfs, secrets and configs mounted in
// it. Everything persistent lives under BOXCOMPOSE_ROOT:
//
//   <root>/containers/<container>/{upper,work,merged,files}   one container's layer
//   <root>/volumes/<volume>/_data                             a named or anonymous volume
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "boxrt/spec.h"
#include "compose/model.h"

namespace engine {

struct RootfsLayout {
  std::filesystem::path dir;     // <root>/containers/<container>
  std::filesystem::path merged;  // what the container sees as /
  bool read_only = false;        // no upper dir: the layers alone
};

// Mounts the overlay of `lowerdirs` (lowest first, as image::ResolvedImage lists them)
// with an upper dir under `dir` (none when read_only). Idempotent: an overlay already
// mounted at <dir>/merged is kept. Throws Error; a failed call leaves nothing mounted.
RootfsLayout mount_rootfs(const std::filesystem::path& dir,
                          const std::vector<std::filesystem::path>& lowerdirs, bool read_only);
// How mount_rootfs asks the kernel for the overlay. The new mount API appends one lower
// layer per fsconfig call ("lowerdir+", Linux 6.8+), so any number of layers fits; mount(2)
// takes the options in one page. Auto tries the first and falls back to the second; tests
// force each.
enum class OverlayApi { Auto, MountApi, Legacy };
RootfsLayout mount_rootfs(const std::filesystem::path& dir,
                          const std::vector<std::filesystem::path>& lowerdirs, bool read_only,
                          OverlayApi api);
// Unmounts <dir>/merged if mounted (detaching it when busy). Keeps the upper dir.
void unmount_rootfs(const std::filesystem::path& dir);
// Unmounts, then removes <dir> and everything in it. Idempotent.
void remove_container_dir(const std::filesystem::path& dir);

// A volume the engine made, so `down -v` knows what to remove.
struct VolumeRecord {
  std::string name;  // directory name under <root>/volumes
  bool anonymous = false;
  bool external = false;  // never made here, never removed by `down -v`
  bool created = false;   // made by this call (Docker's "Volume proj_data  Created")
};

struct StorageInputs {
  std::filesystem::path root;  // BOXCOMPOSE_ROOT
  const compose::Project* project = nullptr;
  const compose::Service* service = nullptr;
  std::vector<std::string> image_volumes;  // the image config's VOLUME paths
  std::string container_name;
  RootfsLayout rootfs;  // mounted: its content fills a new volume (as Docker does)
};

struct StoragePlan {
  std::vector<boxrt::Mount> mounts;   // in the order they must be mounted
  std::vector<VolumeRecord> volumes;  // every volume this container uses (made or not)
};

// Makes what the service's mounts need on the host (named and anonymous volume dirs, bind
// sources when create_host_path, secret and config files under <dir>/files) and returns
// the runtime mounts: volumes, binds (with :ro, propagation), tmpfs (size, mode), service
// `tmpfs:`, secrets at /run/secrets/<target> and configs at /<target>, all read-only.
// A new, empty named or anonymous volume is filled from the rootfs at its target unless
// `nocopy`. Errors name the service and the mount: a missing bind source without
// create_host_path, an external volume that does not exist, a secret file missing.
StoragePlan prepare_storage(const StorageInputs& in);

// <root>/volumes/<name>; removal for `down -v` and `volume rm`. Idempotent.
std::filesystem::path volume_dir(const std::filesystem::path& root, const std::string& name);
void remove_volume(const std::filesystem::path& root, const std::string& name);

// The pieces of prepare_storage, public so they can be tested alone.

// What a volume is, as recorded in <root>/volumes/<name>/volume.json.
struct VolumeSpec {
  std::string name;       // directory name under <root>/volumes
  bool external = false;  // must exist already; never made nor filled
  bool anonymous = false;
  std::string project;
  std::string key;        // the key in the project's `volumes:` (empty when anonymous)
  std::string container;  // anonymous: the container it belongs to
  std::string driver = "local";
  compose::StringMap driver_opts;  // local driver: only `type: none, o: bind, device: DIR`
  compose::StringMap labels;
};

struct EnsuredVolume {
  std::filesystem::path source;  // what to mount: <name>/_data, or the bound device
  bool created = false;
};

// Finds or makes the volume. A volume made now is filled by `fill` (called with its empty
// data directory, may be empty) before it appears under its name: a crash or a concurrent
// `up` never sees it half filled, and only the first user's content is copied.
EnsuredVolume ensure_volume(const std::filesystem::path& root, const VolumeSpec& spec,
                            const std::function<void(const std::filesystem::path&)>& fill);

// The mounts of the service's secrets and configs (files under <rootfs.dir>/files).
std::vector<boxrt::Mount> secret_and_config_mounts(const StorageInputs& in);

// "<container>_anon_<first 8 hex digits of sha256(target)>": the same container name and
// target give the same volume, so an anonymous volume's data survives a stop and start.
std::string anonymous_volume_name(const std::string& container, const std::string& target);
// True for a name Docker accepts for a volume: [a-zA-Z0-9][a-zA-Z0-9_.-]*.
bool valid_volume_name(const std::string& name);
// A service `tmpfs:` entry ("/run" or "/run:size=64m,mode=1777") as a runtime mount.
boxrt::Mount parse_tmpfs_entry(const std::string& entry);
// Parents before children: a stable sort by the depth of the destination, as Docker does.
void sort_mounts(std::vector<boxrt::Mount>& mounts);
// Copies the content of `path` inside `rootfs` (resolved there: a symlink cannot lead out
// of it) into the directory `to`, keeping modes, owners, symlinks, hard links, xattrs and
// timestamps; `to` itself takes the owner and mode of `path`. Returns false (and copies
// nothing) when `path` is missing or not a directory in the rootfs.
bool copy_up(const std::filesystem::path& rootfs, const std::string& path,
             const std::filesystem::path& to);

}  // namespace engine
