#include "boximg/store.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>

#include "boximg/digest.h"
#include "boximg/error.h"
#include "boximg/gc.h"
#include "boximg/instruction.h"
#include "boximg/layer_pack.h"
#include "boximg/layer_unpack.h"
#include "boximg/lock.h"

namespace image {

namespace fs = std::filesystem;
using nlohmann::json;

struct Store::Tagged {
  Reference ref;
  Descriptor entry;  // the index entry (manifest descriptor)
  Manifest manifest;
  OciImage image;

  const std::string& id() const { return manifest.config.digest; }
  std::int64_t size() const {
    std::int64_t total = 0;
    for (const auto& l : manifest.layers)
      total += l.size;
    return total;
  }
};

namespace {

bool is_manifest_type(std::string_view type) {
  return type == media_type::kOciManifest || type == media_type::kDockerManifest;
}

// "sha256:3f2a", "3f2a09..." -> the hex prefix; nullopt for anything else.
std::optional<std::string> id_prefix(std::string_view text) {
  if (text.substr(0, 7) == "sha256:") text.remove_prefix(7);
  if (text.empty() || text.size() > 64) return std::nullopt;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  return std::string(text);
}

OciImage new_image(const ImportOptions& options) {
  OciImage image;
  apply_changes(image.config, options.changes);
  image.created = now_rfc3339();
  image.architecture = host_architecture();
  image.os = "linux";
  std::string comment =
      options.message.empty() ? "Imported from " + options.source : options.message;
  image.history.push_back(HistoryEntry{image.created, "", comment, false});
  return image;
}

// Points `ref` at `manifest` in the index, taking the tag from any image that had it.
void set_tag(const Layout& layout, const Reference& ref, Descriptor manifest,
             const OciImage& image) {
  std::vector<Descriptor> index = layout.read_index();
  std::erase_if(index, [&](const Descriptor& d) {
    auto it = d.annotations.find(std::string(kRefNameAnnotation));
    return it != d.annotations.end() && it->second == ref.str();
  });
  manifest.annotations[std::string(kRefNameAnnotation)] = ref.str();
  manifest.platform_architecture = image.architecture;
  manifest.platform_os = image.os;
  index.push_back(manifest);
  layout.write_index(index);
}

void ensure_root(const fs::path& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) throw Error::sys("create", root.string(), ec.value());
}

}  // namespace

Store::Store(fs::path root) : layout_(std::move(root)) {}

fs::path Store::default_root() {
  const char* env = std::getenv("BOXCOMPOSE_ROOT");
  return env && *env ? fs::path(env) : fs::path("/var/lib/boxcompose");
}

ImageSummary Store::import_image(const ImportOptions& options) {
  Reference ref = Reference::parse(options.reference);
  OciImage image = new_image(options);  // bad --change values fail before any work
  ensure_root(layout_.root());
  StoreLock lock(layout_.lock_path(), StoreLock::Mode::kExclusive);
  layout_.ensure();
  try {
    PackedLayer layer = pack_layer(layout_, options.source);
    image.diff_ids = {layer.diff_id};
    Descriptor config = layout_.write_blob(image_to_json(image).dump(), media_type::kOciConfig);
    Descriptor manifest = layout_.write_blob(
        manifest_to_json(Manifest{config, {layer.blob}}).dump(), media_type::kOciManifest);
    ensure_layer_unpacked(layout_, layer.blob, layer.diff_id);
    set_tag(layout_, ref, manifest, image);
    collect_garbage_locked(layout_);
    return ImageSummary{ref.name, ref.tag, config.digest, image.created, layer.blob.size};
  } catch (const Error& e) {
    // Blobs written before the failure are not tagged: collect them now, not at the next rm.
    try {
      collect_garbage_locked(layout_);
    } catch (const Error&) {
    }
    throw e.with_context("import " + ref.str());
  }
}

std::vector<Store::Tagged> Store::read_all() const {
  std::vector<Tagged> out;
  for (const auto& entry : layout_.read_index()) {
    auto name = entry.annotations.find(std::string(kRefNameAnnotation));
    if (name == entry.annotations.end() || !is_manifest_type(entry.media_type)) continue;
    Tagged t;
    t.ref = Reference::parse(name->second);
    t.entry = entry;
    try {
      t.manifest = layout_.read_manifest(entry.digest);
      json config = json::parse(layout_.read_blob(t.manifest.config.digest), nullptr, false);
      if (config.is_discarded()) throw Error("config " + t.manifest.config.digest + ": not JSON");
      t.image = image_from_json(config);
    } catch (const Error& e) {
      throw e.with_context("image " + t.ref.str());
    }
    if (t.image.diff_ids.size() != t.manifest.layers.size())
      throw Error("image " + t.ref.str() + ": its manifest lists " +
                  std::to_string(t.manifest.layers.size()) + " layers, its config " +
                  std::to_string(t.image.diff_ids.size()) + " diff IDs");
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<Store::Tagged> Store::match(std::string_view text) const {
  std::vector<Tagged> all = read_all();
  std::vector<Tagged> found;
  std::optional<Reference> ref;
  try {
    ref = Reference::parse(text);
  } catch (const Error&) {
    if (!id_prefix(text)) throw;
  }
  for (const auto& t : all)
    if (ref && t.ref == *ref) found.push_back(t);
  if (!found.empty()) return found;
  auto prefix = id_prefix(text);
  if (!prefix) return found;
  std::set<std::string> ids;
  for (const auto& t : all)
    if (digest_hex(t.id()).compare(0, prefix->size(), *prefix) == 0) {
      found.push_back(t);
      ids.insert(t.id());
    }
  if (ids.size() > 1)
    throw Error("image ID prefix \"" + std::string(text) + "\" is ambiguous: it matches " +
                    std::to_string(ids.size()) + " images",
                EINVAL);
  return found;
}

ResolvedImage Store::load(const Tagged& t) const {
  ResolvedImage r;
  r.reference = t.ref.str();
  r.id = t.id();
  r.architecture = t.image.architecture;
  r.os = t.image.os;
  r.config = t.image.config;
  r.diff_ids = t.image.diff_ids;
  for (const auto& id : t.image.diff_ids)
    r.layer_dirs.push_back(layout_.layer_dir(id));
  return r;
}

std::optional<ResolvedImage> Store::resolve(std::string_view text) {
  Reference ref = Reference::parse(text);
  if (!layout_.exists()) return std::nullopt;
  auto find = [&]() -> std::optional<Tagged> {
    for (auto& t : read_all())
      if (t.ref == ref) return std::move(t);
    return std::nullopt;
  };
  {
    StoreLock shared(layout_.lock_path(), StoreLock::Mode::kShared);
    auto found = find();
    if (!found) return std::nullopt;
    ResolvedImage r = load(*found);
    if (std::all_of(r.layer_dirs.begin(), r.layer_dirs.end(),
                    [](const fs::path& p) { return fs::exists(p); }))
      return r;
  }
  // A layer is missing (an interrupted import, or a store copied without layers/):
  // unpack it now, alone in the store.
  StoreLock exclusive(layout_.lock_path(), StoreLock::Mode::kExclusive);
  layout_.ensure();
  auto found = find();
  if (!found) return std::nullopt;
  for (std::size_t i = 0; i < found->manifest.layers.size(); ++i)
    ensure_layer_unpacked(layout_, found->manifest.layers[i], found->image.diff_ids[i]);
  return load(*found);
}

ResolvedImage Store::require(std::string_view reference) {
  auto found = resolve(reference);
  if (!found) throw ImageNotFound(Reference::parse(reference).str());
  return std::move(*found);
}

std::vector<ImageSummary> Store::list() {
  if (!layout_.exists()) return {};
  StoreLock shared(layout_.lock_path(), StoreLock::Mode::kShared);
  std::vector<ImageSummary> out;
  for (const auto& t : read_all())
    out.push_back(ImageSummary{t.ref.name, t.ref.tag, t.id(), t.image.created, t.size()});
  std::stable_sort(out.begin(), out.end(), [](const ImageSummary& a, const ImageSummary& b) {
    auto ta = parse_rfc3339(a.created).value_or(0), tb = parse_rfc3339(b.created).value_or(0);
    if (ta != tb) return ta > tb;
    return std::tie(a.name, a.tag) < std::tie(b.name, b.tag);
  });
  return out;
}

std::optional<ImageDetails> Store::inspect(std::string_view text) {
  if (!layout_.exists()) return std::nullopt;
  StoreLock shared(layout_.lock_path(), StoreLock::Mode::kShared);
  std::vector<Tagged> found = match(text);
  if (found.empty()) return std::nullopt;
  const Tagged& first = found.front();
  ImageDetails d{first.id(), {}, first.entry.digest, first.size(), first.image};
  for (const auto& t : read_all())
    if (t.id() == first.id()) d.repo_tags.push_back(t.ref.str());
  return d;
}

RemoveResult Store::remove(std::string_view text, bool force) {
  if (!layout_.exists()) throw Error("no such image: " + std::string(text), ENOENT);
  StoreLock lock(layout_.lock_path(), StoreLock::Mode::kExclusive);
  std::vector<Tagged> found = match(text);
  if (found.empty()) throw Error("no such image: " + std::string(text), ENOENT);
  if (found.size() > 1 && !force)
    throw Error("conflict: unable to delete " + short_id(found.front().id()) +
                    " (must be forced) - image is referenced in multiple repositories",
                EBUSY);
  RemoveResult result;
  std::set<std::string> untag;
  for (const auto& t : found)
    untag.insert(t.ref.str());
  std::vector<Descriptor> index = layout_.read_index();
  std::erase_if(index, [&](const Descriptor& d) {
    auto it = d.annotations.find(std::string(kRefNameAnnotation));
    return it != d.annotations.end() && untag.count(Reference::parse(it->second).str());
  });
  layout_.write_index(index);
  result.untagged.assign(untag.begin(), untag.end());
  std::set<std::string> remaining;
  for (const auto& t : read_all())
    remaining.insert(t.id());
  for (const auto& t : found)
    if (!remaining.count(t.id()) &&
        std::find(result.deleted.begin(), result.deleted.end(), t.id()) == result.deleted.end())
      result.deleted.push_back(t.id());
  result.gc = collect_garbage_locked(layout_);
  return result;
}

GcReport Store::collect_garbage() {
  if (!layout_.exists()) return {};
  StoreLock lock(layout_.lock_path(), StoreLock::Mode::kExclusive);
  return collect_garbage_locked(layout_);
}

json inspect_to_json(const ImageDetails& d) {
  std::string comment = d.image.history.empty() ? "" : d.image.history.back().comment;
  return {{"Id", d.id},
          {"RepoTags", d.repo_tags},
          {"RepoDigests", json::array()},
          {"Created", d.image.created},
          {"Comment", comment},
          {"Architecture", d.image.architecture},
          {"Os", d.image.os},
          {"Config", config_to_json(d.image.config)},
          {"RootFS", {{"Type", "layers"}, {"Layers", d.image.diff_ids}}},
          {"Size", d.size},
          {"Descriptor", {{"mediaType", media_type::kOciManifest}, {"digest", d.manifest_digest}}}};
}

}  // namespace image
