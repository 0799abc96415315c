// Service `volumes` (short and long syntax) and `tmpfs`.
#include <algorithm>

#include "compose/decoders.h"
#include "compose/units.h"

namespace compose {
namespace {

bool is_host_path(std::string_view source) {
  return source.starts_with('/') || source.starts_with('.') || source.starts_with('~');
}

bool known_type(std::string_view t) {
  return t == "volume" || t == "bind" || t == "tmpfs" || t == "npipe" || t == "image" ||
         t == "cluster";
}

// Applies the comma-separated options of "src:dst:ro,z" to a mount.
bool apply_short_options(VolumeMount& m, std::string_view options, std::string& problem) {
  while (!options.empty()) {
    auto comma = options.find(',');
    std::string_view opt = options.substr(0, comma);
    options = comma == std::string_view::npos ? "" : options.substr(comma + 1);
    if (opt == "ro") {
      m.read_only = true;
    } else if (opt == "rw") {
      m.read_only = false;
    } else if (opt == "z" || opt == "Z") {
      m.selinux = std::string(opt);
    } else if (opt == "nocopy") {
      m.nocopy = true;
    } else if (opt == "cached" || opt == "delegated" || opt == "consistent") {
      m.consistency = std::string(opt);
    } else if (opt == "shared" || opt == "rshared" || opt == "slave" || opt == "rslave" ||
               opt == "private" || opt == "rprivate") {
      m.propagation = std::string(opt);
    } else {
      problem = "unknown volume option " + quote(opt) +
                " (expected ro, rw, z, Z, nocopy or a propagation mode)";
      return false;
    }
  }
  return true;
}

void decode_short_volume(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  auto text = d.string(node, path);
  if (!text) return;
  std::vector<std::string_view> parts;
  std::string_view rest = *text;
  for (size_t colon; (colon = rest.find(':')) != std::string_view::npos;) {
    parts.push_back(rest.substr(0, colon));
    rest = rest.substr(colon + 1);
  }
  parts.push_back(rest);
  if (parts.size() > 3 ||
      std::any_of(parts.begin(), parts.end(), [](auto p) { return p.empty(); })) {
    d.error(node, path, "invalid volume " + quote(*text) + " (expected [SOURCE:]TARGET[:MODE])");
    return;
  }
  VolumeMount m;
  m.where = {node.mark(), path};
  if (parts.size() == 1) {
    m.type = "volume";  // anonymous
    m.target = std::string(parts[0]);
  } else {
    m.source = std::string(parts[0]);
    m.target = std::string(parts[1]);
    m.type = is_host_path(m.source) ? "bind" : "volume";
    if (m.type == "bind") m.create_host_path = true;  // Docker creates missing bind sources
  }
  std::string problem;
  if (parts.size() == 3 && !apply_short_options(m, parts[2], problem)) {
    d.error(node, path, problem);
    return;
  }
  if (!m.target.starts_with('/')) {
    d.error(node, path, "the mount target " + quote(m.target) + " must be an absolute path");
    return;
  }
  s.volumes.push_back(std::move(m));
}

void decode_bind_options(Decoder& d, VolumeMount& m, const Tree& node, const std::string& path) {
  static const FieldTable<VolumeMount> kTable = {
      {"propagation", store<&VolumeMount::propagation, &Decoder::string>},
      {"create_host_path", store<&VolumeMount::create_host_path, &Decoder::boolean>},
      {"selinux", store<&VolumeMount::selinux, &Decoder::string>}};
  decode_fields(d, m, node, path, kTable);
}

void decode_volume_options(Decoder& d, VolumeMount& m, const Tree& node, const std::string& path) {
  static const FieldTable<VolumeMount> kTable = {
      {"nocopy", store<&VolumeMount::nocopy, &Decoder::boolean>},
      {"subpath", store<&VolumeMount::subpath, &Decoder::string>}};
  decode_fields(d, m, node, path, kTable);
}

void decode_tmpfs_options(Decoder& d, VolumeMount& m, const Tree& node, const std::string& path) {
  static const FieldTable<VolumeMount> kTable = {
      {"size", store<&VolumeMount::tmpfs_size, &Decoder::byte_size>},
      {"mode", store<&VolumeMount::tmpfs_mode, &Decoder::file_mode>}};
  decode_fields(d, m, node, path, kTable);
}

const FieldTable<VolumeMount>& long_volume_table() {
  static const FieldTable<VolumeMount> kTable = {
      {"type",
       [](Decoder& d, VolumeMount& m, const Tree& n, const std::string& p) {
         auto v = d.string(n, p);
         if (v && known_type(*v))
           m.type = *v;
         else if (v)
           d.error(n, p, "invalid mount type " + quote(*v) + " (expected volume, bind or tmpfs)");
       }},
      {"source", store<&VolumeMount::source, &Decoder::string>},
      {"target", store<&VolumeMount::target, &Decoder::string>},
      {"read_only", store<&VolumeMount::read_only, &Decoder::boolean>},
      {"consistency", store<&VolumeMount::consistency, &Decoder::string>},
      {"bind", decode_bind_options},
      {"volume", decode_volume_options},
      {"tmpfs", decode_tmpfs_options}};
  return kTable;
}

void decode_long_volume(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  VolumeMount m;
  m.where = {node.mark(), path};
  decode_fields(d, m, node, path, long_volume_table());
  if (m.type.empty()) {
    if (!node.find("type")) d.error(node, path, "missing the mount type (volume, bind or tmpfs)");
    return;
  }
  if (!m.target.starts_with('/')) {
    d.error(node, path,
            m.target.empty() ? "missing the mount target"
                             : "the mount target " + quote(m.target) + " must be an absolute path");
    return;
  }
  if (m.type == "bind" && m.source.empty()) {
    d.error(node, path, "a bind mount needs a source");
    return;
  }
  if (m.type == "tmpfs" && !m.source.empty()) {
    d.error(node, path, "a tmpfs mount takes no source");
    return;
  }
  s.volumes.push_back(std::move(m));
}

}  // namespace

void decode_volumes(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  if (!d.expect_sequence(node, path)) return;
  s.volumes.clear();
  for (size_t i = 0; i < node.items().size(); ++i) {
    const Tree& item = node.items()[i];
    if (item.is_mapping()) {
      decode_long_volume(d, s, item, index_path(path, i));
    } else {
      decode_short_volume(d, s, item, index_path(path, i));
    }
  }
}

void decode_tmpfs(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  auto entries = d.string_or_list(node, path);
  if (!entries) return;
  for (size_t i = 0; i < entries->size(); ++i) {
    const std::string& entry = (*entries)[i];
    if (!entry.starts_with('/')) {
      const Tree& at = node.is_sequence() ? node.items()[i] : node;
      d.error(at, node.is_sequence() ? index_path(path, i) : path,
              "the tmpfs target " + quote(entry) + " must be an absolute path");
      continue;
    }
    s.tmpfs.push_back(entry);
  }
}

}  // namespace compose
