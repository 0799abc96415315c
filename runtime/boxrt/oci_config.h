// OCI config.json (runtime-spec 1.x) <-> ContainerSpec. Unknown fields are ignored (the
// spec says runtimes must); a field of the wrong type is an Error naming its JSON path
// ("config.json: process.user.uid: expected an unsigned integer, got string").
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "boxrt/spec.h"

namespace boxrt {

ContainerSpec spec_from_json(const nlohmann::json& j);
nlohmann::json spec_to_json(const ContainerSpec& spec);

// Reads <path>; errors are prefixed with the file name.
ContainerSpec load_config(const std::string& path);

// One process object, as `runc exec --process process.json` reads it (the same shape as
// config.json's "process"); errors name the file and the key path.
Process process_from_json(const nlohmann::json& j);
Process load_process(const std::string& path);
void save_config(const ContainerSpec& spec, const std::string& path);

// What `boxrun spec` writes: runc's template with Docker's default capabilities, masked
// and read-only paths.
ContainerSpec default_spec();

// Docker's default capability set (14 capabilities).
std::vector<std::string> docker_default_capabilities();

}  // namespace boxrt
