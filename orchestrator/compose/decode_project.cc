// The top level of a compose document.
#include "compose/decoders.h"
#include "compose/loader_steps.h"

namespace compose {
namespace {

template <class T, class DecodeOne>
void decode_section(Decoder& d, const Tree& node, const std::string& section,
                    std::map<std::string, T>& out, DecodeOne decode_one) {
  if (node.is_null()) return;
  if (!d.expect_mapping(node, section)) return;
  for (const TreeEntry& e : node.entries()) {
    std::string path = key_path(section, e.key);
    if (!is_valid_service_name(e.key)) {
      d.error(e.key_mark, path,
              "invalid name " + quote(e.key) + " (letters, digits, '_', '.' and '-')");
      continue;
    }
    out.emplace(e.key, decode_one(d, e.key, e.value, path));
  }
}

}  // namespace

Project decode_project(const Tree& doc, Diagnostics& diag) {
  Decoder d(diag);
  Project project;
  if (!doc.is_mapping()) return project;
  for (const TreeEntry& e : doc.entries()) {
    if (e.key == "services") {
      decode_section(d, e.value, e.key, project.services, decode_service);
    } else if (e.key == "networks") {
      decode_section(d, e.value, e.key, project.networks, decode_network);
    } else if (e.key == "volumes") {
      decode_section(d, e.value, e.key, project.volumes, decode_volume);
    } else if (e.key == "secrets") {
      decode_section(d, e.value, e.key, project.secrets, decode_secret);
    } else if (e.key == "configs") {
      decode_section(d, e.value, e.key, project.configs, decode_config);
    } else if (e.key == "name") {
      d.string(e.value, e.key);
    } else if (e.key == "version") {
      // Obsolete; Docker Compose ignores it too.
    } else if (e.key.starts_with("x-")) {
      project.extensions[e.key] = tree_to_json(e.value);
    } else {
      report_unknown_key(d, e, "");
    }
  }
  if (!doc.find("services"))
    diag.error(doc.mark(), "", "no services defined (expected a top-level services: mapping)");
  return project;
}

}  // namespace compose
