// The normalized project as `boxcompose config` prints it, in Docker Compose's shape:
// long syntax for ports and volumes, maps for lists, durations and sizes written out.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "compose/model.h"

namespace compose {

nlohmann::json to_json(const Project& project);
nlohmann::json to_json(const Service& service);

// YAML text of a JSON value; strings that would read back as another type are quoted.
std::string to_yaml(const nlohmann::json& value);

}  // namespace compose
