// A container's filesystem on the host: its overlay root (image layers read-only below,
// its own upper dir above) and the volumes, binds, tmpfs, secrets and configs mounted in
// it. Everything persistent lives under BOXCOMPOSE_ROOT:
//
//   <root>/containers/<container>/{upper,work,merged,files}   one container's layer
//   <root>/volumes/<volume>/_data                             a named or anonymous volume
#pragma once

#include <filesystem>
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
// Unmounts <dir>/merged if mounted (detaching it when busy). Keeps the upper dir.
void unmount_rootfs(const std::filesystem::path& dir);
// Unmounts, then removes <dir> and everything in it. Idempotent.
void remove_container_dir(const std::filesystem::path& dir);

// A volume the engine made, so `down -v` knows what to remove.
struct VolumeRecord {
  std::string name;  // directory name under <root>/volumes
  bool anonymous = false;
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
  std::vector<boxrt::Mount> mounts;    // in the order they must be mounted
  std::vector<VolumeRecord> volumes;   // every volume this container uses (made or not)
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

}  // namespace engine
