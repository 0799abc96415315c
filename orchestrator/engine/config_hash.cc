#include "engine/config_hash.h"

#include "boximg/digest.h"
#include "compose/serialize.h"

namespace engine {

std::string config_hash(const compose::Service& service, const std::string& image_id) {
  compose::Service s = service;
  s.build.reset();
  s.pull_policy.clear();
  s.scale.reset();
  if (s.deploy) s.deploy->replicas.reset();
  s.depends_on.clear();
  s.profiles.clear();
  // nlohmann::json keeps object keys sorted, so dump() is canonical.
  std::string text = compose::to_json(s).dump();
  image::Sha256 sha;
  sha.update(text);
  sha.update(std::string_view("\0", 1));  // keeps "a"+"bc" apart from "ab"+"c"
  sha.update(image_id);
  return image::digest_hex(sha.digest());
}

}  // namespace engine
