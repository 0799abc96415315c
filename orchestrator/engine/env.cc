#include "engine/env.h"

#include <string_view>

namespace engine {
namespace {

std::string_view key_of(std::string_view entry) {
  return entry.substr(0, entry.find('='));
}

// Replaces the entry with the same key in place, or appends (Docker's
// ReplaceOrAppendEnvValues).
void replace_or_append(std::vector<std::string>& env, std::string entry) {
  std::string_view key = key_of(entry);
  for (auto& e : env) {
    if (key_of(e) == key) {
      e = std::move(entry);
      return;
    }
  }
  env.push_back(std::move(entry));
}

bool has_key(const std::vector<std::string>& env, std::string_view key) {
  for (const auto& e : env)
    if (key_of(e) == key) return true;
  return false;
}

}  // namespace

std::vector<std::string> build_env(const std::vector<std::string>& image_env,
                                   const compose::OptionalStringMap& service_env,
                                   const std::string& hostname, const std::string& home) {
  std::vector<std::string> env = {std::string("PATH=") + kDefaultPath, "HOSTNAME=" + hostname};
  for (const auto& e : image_env)
    if (!key_of(e).empty()) replace_or_append(env, e);
  for (const auto& [key, value] : service_env)
    if (value) replace_or_append(env, key + "=" + *value);
  // runc sets HOME at exec time for Docker; boxrt does not, so it goes in the spec.
  if (!has_key(env, "HOME")) env.push_back("HOME=" + home);
  return env;
}

}  // namespace engine
