// `build`: a context path, or a mapping with context / dockerfile / args / target / ...
#include "compose/decoders.h"

namespace compose {
namespace {

void set_string(Decoder& d, std::string& field, const Tree& n, const std::string& p) {
  if (auto v = d.string(n, p)) field = std::move(*v);
}

const FieldTable<BuildConfig>& build_table() {
  static const FieldTable<BuildConfig> kTable = {
      {"context", [](Decoder& d, BuildConfig& b, const Tree& n,
                     const std::string& p) { set_string(d, b.context, n, p); }},
      {"dockerfile", [](Decoder& d, BuildConfig& b, const Tree& n,
                        const std::string& p) { set_string(d, b.dockerfile, n, p); }},
      {"dockerfile_inline", [](Decoder& d, BuildConfig& b, const Tree& n,
                               const std::string& p) { b.dockerfile_inline = d.string(n, p); }},
      {"target", [](Decoder& d, BuildConfig& b, const Tree& n,
                    const std::string& p) { set_string(d, b.target, n, p); }},
      {"network", [](Decoder& d, BuildConfig& b, const Tree& n,
                     const std::string& p) { set_string(d, b.network, n, p); }},
      {"args",
       [](Decoder& d, BuildConfig& b, const Tree& n, const std::string& p) {
         if (auto v = d.optional_string_map(n, p)) b.args = std::move(*v);
       }},
      {"labels",
       [](Decoder& d, BuildConfig& b, const Tree& n, const std::string& p) {
         if (auto v = d.string_map(n, p)) b.labels = std::move(*v);
       }},
      {"cache_from",
       [](Decoder& d, BuildConfig& b, const Tree& n, const std::string& p) {
         if (auto v = d.string_list(n, p)) b.cache_from = std::move(*v);
       }},
      {"tags",
       [](Decoder& d, BuildConfig& b, const Tree& n, const std::string& p) {
         if (auto v = d.string_list(n, p)) b.tags = std::move(*v);
       }},
      {"shm_size", [](Decoder& d, BuildConfig& b, const Tree& n,
                      const std::string& p) { b.shm_size = d.byte_size(n, p); }},
      {"no_cache",
       [](Decoder& d, BuildConfig& b, const Tree& n, const std::string& p) {
         if (auto v = d.boolean(n, p)) b.no_cache = *v;
       }},
      {"pull", [](Decoder& d, BuildConfig& b, const Tree& n, const std::string& p) {
         if (auto v = d.boolean(n, p)) b.pull = *v;
       }}};
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
