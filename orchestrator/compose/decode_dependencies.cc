// `depends_on` (list or map with condition / required / restart).
#include "compose/decoders.h"

namespace compose {
namespace {

std::optional<DependencyCondition> parse_condition(std::string_view text) {
  if (text == "service_started") return DependencyCondition::Started;
  if (text == "service_healthy") return DependencyCondition::Healthy;
  if (text == "service_completed_successfully") return DependencyCondition::CompletedSuccessfully;
  return std::nullopt;
}

const FieldTable<Dependency>& dependency_table() {
  static const FieldTable<Dependency> kTable = {
      {"condition",
       [](Decoder& d, Dependency& dep, const Tree& n, const std::string& p) {
         auto text = d.string(n, p);
         if (!text) return;
         if (auto c = parse_condition(*text)) {
           dep.condition = *c;
         } else {
           d.error(n, p,
                   "invalid condition " + quote(*text) +
                       " (expected service_started, service_healthy or "
                       "service_completed_successfully)");
         }
       }},
      {"required", store<&Dependency::required, &Decoder::boolean>},
      {"restart", store<&Dependency::restart, &Decoder::boolean>}};
  return kTable;
}

}  // namespace

void decode_depends_on(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  s.depends_on.clear();
  if (node.is_sequence()) {
    auto names = d.string_list(node, path);
    if (!names) return;
    for (size_t i = 0; i < names->size(); ++i) {
      Dependency dep;
      dep.where = {node.items()[i].mark(), index_path(path, i)};
      s.depends_on[(*names)[i]] = dep;
    }
    return;
  }
  if (!node.is_mapping()) {
    d.error(node, path,
            "must be a list of services or a mapping, not " + std::string(node.kind_name()));
    return;
  }
  for (const TreeEntry& e : node.entries()) {
    Dependency dep;
    dep.where = {e.key_mark, key_path(path, e.key)};
    if (!e.value.is_null())
      decode_fields(d, dep, e.value, key_path(path, e.key), dependency_table());
    s.depends_on[e.key] = dep;
  }
}

}  // namespace compose
