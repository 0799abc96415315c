// The process environment of a container, built as the Docker engine does
// (CreateDaemonEnvironment): PATH and HOSTNAME first, then the image's ENV, then the
// service's `environment` (env_file and environment already merged by the loader), each
// replacing an earlier value of the same key in place; HOME last when nobody set it.
#pragma once

#include <string>
#include <vector>

#include "compose/model.h"

namespace engine {

// Docker's default PATH for Linux containers.
inline constexpr const char* kDefaultPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// `image_env` holds "KEY=value" (or a bare "KEY") in the image's order. Service entries
// whose value is nullopt (`environment: [FOO]` with FOO unset) are left out; new keys come
// in the map's (sorted) order. `home` is the user's home from /etc/passwd.
std::vector<std::string> build_env(const std::vector<std::string>& image_env,
                                   const compose::OptionalStringMap& service_env,
                                   const std::string& hostname, const std::string& home);

}  // namespace engine
