// Host-side path safety for container storage. Paths inside an image's rootfs or inside a
// volume are written by whoever built the image or used the volume: a symlink there, such
// as /data -> /etc or ../../../etc, must resolve inside that tree and never reach the host's
// files. Everything below walks by file descriptor, with openat2's RESOLVE_IN_ROOT.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "boxrt/fd.h"

namespace engine {

// Opens `path` below the directory `root_fd` as if that directory were "/": absolute
// symlinks and ".." stop at it, magic links (/proc/self/...) are refused. Returns an
// invalid fd and sets errno on failure.
boxrt::UniqueFd open_in_root(int root_fd, const std::string& path, int flags);

// Opens a host directory that we trust (the caller's own path) without following a
// symlink in its last component. Throws Error on failure.
boxrt::UniqueFd open_dir(const std::filesystem::path& dir, int flags = 0);

// "/proc/self/fd/<fd>": a path the kernel resolves to exactly what `fd` refers to.
std::string fd_path(int fd);

// Where `fd` is on the host now (readlink of its /proc/self/fd link).
std::filesystem::path path_of_fd(int fd);

// True when `path` is the root of a mount (not merely a directory on its parent's mount).
bool is_mount_point(const std::filesystem::path& path);

// True when `rel` is a relative path with no ".." component (a volume subpath).
bool is_plain_relative(const std::string& rel);

}  // namespace engine
