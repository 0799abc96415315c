// `build`: a context path, or a mapping with context / dockerfile / args / target / ...
#include "compose/decoders.h"

namespace compose {
namespace {

const FieldTable<BuildConfig>& build_table() {
  static const FieldTable<BuildConfig> kTable = {
      {"context", store<&BuildConfig::context, &Decoder::string>},
      {"dockerfile", store<&BuildConfig::dockerfile, &Decoder::string>},
      {"dockerfile_inline", store<&BuildConfig::dockerfile_inline, &Decoder::string>},
      {"target", store<&BuildConfig::target, &Decoder::string>},
      {"network", store<&BuildConfig::network, &Decoder::string>},
      {"args", store<&BuildConfig::args, &Decoder::optional_string_map>},
      {"labels", store<&BuildConfig::labels, &Decoder::string_map>},
      {"cache_from", store<&BuildConfig::cache_from, &Decoder::string_list>},
      {"tags", store<&BuildConfig::tags, &Decoder::string_list>},
      {"shm_size", store<&BuildConfig::shm_size, &Decoder::byte_size>},
      {"no_cache", store<&BuildConfig::no_cache, &Decoder::boolean>},
      {"pull", store<&BuildConfig::pull, &Decoder::boolean>}};
  return kTable;
}

}  // namespace

void decode_build(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  BuildConfig build;
  if (node.is_scalar()) {
    build.context = node.text();
  } else {
    decode_fields(d, build, node, path, build_table());
  }
  if (build.context.empty()) build.context = ".";
  if (build.dockerfile.empty() && !build.dockerfile_inline) build.dockerfile = "Dockerfile";
  s.build = std::move(build);
}

}  // namespace compose
