// From a compose service to the runtime's ContainerSpec: the part of `up` that decides what
// a container is (command, environment, user, limits, capabilities, namespaces, mounts).
// Pure: reads the container's merged rootfs (for /etc/passwd and /etc/group) and nothing
// else of the host, so it runs in unit tests on a temporary directory.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "boximg/image_config.h"
#include "boxrt/spec.h"
#include "compose/model.h"

namespace engine {

// How the container joins namespaces that the engine decided (network_mode, pid, ipc).
// Empty path: a new namespace; kHost: the host's (no namespace in the spec).
struct NamespacePlan {
  static constexpr const char* kHost = "host";
  std::string network;  // path of a netns to join (e.g. /proc/<pid>/ns/net), "", or kHost
  std::string pid;      // "", kHost, or a path
  std::string ipc;      // "", kHost, or a path
  std::string uts;      // "" or kHost
};

struct SpecInputs {
  const compose::Project* project = nullptr;
  const compose::Service* service = nullptr;
  const image::ImageConfig* image = nullptr;
  std::string container_name;        // <project>-<service>-<n>
  std::string container_id;          // 64 hex digits; the default hostname is its first 12
  std::filesystem::path rootfs;      // the mounted root (overlay merged dir)
  std::vector<boxrt::Mount> mounts;  // volumes, /etc/hosts, resolv.conf, secrets, ... (in order)
  NamespacePlan namespaces;
  std::string cgroups_path;  // passed through to linux.cgroupsPath
  std::string init_binary;   // host path of the static init used for `init: true`
  int container_number = 1;  // the <n> of the name, for the compose labels
  std::string image_id;      // "sha256:..."; when set, labels carry it and the config hash
};

// Where the init of `init: true` is bind-mounted (read-only) inside the container.
inline constexpr const char* kInitPath = "/sbin/boxcompose-init";

// What `up` needs beside the spec to run and stop the container.
struct ContainerPlan {
  boxrt::ContainerSpec spec;
  int stop_signal = 15;                                 // from stop_signal, the image, else SIGTERM
  std::chrono::nanoseconds stop_grace{10'000'000'000};  // stop_grace_period, default 10 s
  std::vector<std::string> warnings;                    // e.g. what `privileged: true` grants
};

// Throws engine::Error (compose-style message naming the service) for what cannot run:
// an unknown user or group name, a raise of a hard rlimit, a negative oom_score_adj, an
// unreadable seccomp profile, ...
ContainerPlan build_container_plan(const SpecInputs& in);

}  // namespace engine
