// The hash `up` compares to decide whether a running container still matches its service
// (Docker Compose's com.docker.compose.config-hash).
#pragma once

#include <string>

#include "compose/model.h"

namespace engine {

// sha256 hex (64 digits) of the service's canonical JSON (compose::to_json, keys sorted)
// and the image id. As Docker Compose's ServiceHash, what does not change the container is
// left out: build, pull_policy, scale, deploy.replicas, depends_on and profiles. Where in
// the file a key was written does not count either.
std::string config_hash(const compose::Service& service, const std::string& image_id);

}  // namespace engine
