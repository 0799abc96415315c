#include "engine/paths.h"

#include <cstdlib>

namespace engine {
namespace {

std::filesystem::path env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return std::filesystem::path(value && *value ? value : fallback);
}

}  // namespace

Paths Paths::from_environment() {
  return Paths{env_or("BOXCOMPOSE_ROOT", "/var/lib/boxcompose"),
               env_or("BOXCOMPOSE_STATE", "/run/boxcompose")};
}

}  // namespace engine
