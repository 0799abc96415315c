// Secrets and configs: the top-level definitions and the references in services.
#include "compose/decoders.h"

namespace compose {
namespace {

const FieldTable<FileObject>& file_object_table(bool is_config) {
  static const FieldTable<FileObject> kSecretTable = {
      {"file", store<&FileObject::file, &Decoder::string>},
      {"environment", store<&FileObject::environment, &Decoder::string>},
      {"name", store<&FileObject::name, &Decoder::string>},
      {"external", store<&FileObject::external, &Decoder::boolean>},
      {"labels", store<&FileObject::labels, &Decoder::string_map>}};
  static const FieldTable<FileObject> kConfigTable = [] {
    FieldTable<FileObject> table = kSecretTable;
    table["content"] = [](Decoder& d, FileObject& f, const Tree& n, const std::string& p) {
      f.content = d.string(n, p);
    };
    return table;
  }();
  return is_config ? kConfigTable : kSecretTable;
}

FileObject decode_file_object(Decoder& d, const std::string& key, const Tree& node,
                              const std::string& path, bool is_config) {
  FileObject f;
  f.key = key;
  f.where = {node.mark(), path};
  decode_fields(d, f, node, path, file_object_table(is_config));
  int sources = !f.file.empty() + !f.environment.empty() + f.content.has_value() + f.external;
  if (node.is_mapping() && sources != 1) {
    d.error(node, path,
            std::string(sources == 0 ? "missing a source" : "more than one source") +
                " (expected exactly one of file, environment" + (is_config ? ", content" : "") +
                " or external)");
  }
  return f;
}

const FieldTable<FileReference>& reference_table() {
  static const FieldTable<FileReference> kTable = {
      {"source", store<&FileReference::source, &Decoder::string>},
      {"target", store<&FileReference::target, &Decoder::string>},
      {"uid", store<&FileReference::uid, &Decoder::string>},
      {"gid", store<&FileReference::gid, &Decoder::string>},
      {"mode", store<&FileReference::mode, &Decoder::file_mode>}};
  return kTable;
}

std::vector<FileReference> decode_references(Decoder& d, const Tree& node,
                                             const std::string& path) {
  std::vector<FileReference> refs;
  if (!d.expect_sequence(node, path)) return refs;
  for (size_t i = 0; i < node.items().size(); ++i) {
    const Tree& item = node.items()[i];
    FileReference ref;
    ref.where = {item.mark(), index_path(path, i)};
    if (item.is_scalar()) {
      ref.source = item.text();
    } else {
      decode_fields(d, ref, item, ref.where.path, reference_table());
    }
    if ((item.is_scalar() || item.is_mapping()) && ref.source.empty())
      d.error(item, ref.where.path, "missing the source");
    // A reference reported here is dropped, so that validation does not report it again as
    // `undefined secret ""`.
    if (!ref.source.empty()) refs.push_back(std::move(ref));
  }
  return refs;
}

}  // namespace

FileObject decode_secret(Decoder& d, const std::string& key, const Tree& node,
                         const std::string& path) {
  return decode_file_object(d, key, node, path, false);
}

FileObject decode_config(Decoder& d, const std::string& key, const Tree& node,
                         const std::string& path) {
  return decode_file_object(d, key, node, path, true);
}

void decode_secret_refs(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  s.secrets = decode_references(d, node, path);
}

void decode_config_refs(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  s.configs = decode_references(d, node, path);
}

}  // namespace compose
