// The local image store: what the orchestrator and `boxcompose image ...` call.
//
//   image::Store store(image::Store::default_root());
//   std::optional<image::ResolvedImage> img = store.resolve("busybox:local");
//   image::ResolvedImage img = store.require("nginx:1.27");  // or throws ImageNotFound
//
// All methods are safe to call from several processes at once (see lock.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "boximg/image_config.h"
#include "boximg/layout.h"
#include "boximg/reference.h"

namespace image {

struct ImportOptions {
  std::string source;                // rootfs tarball (any compression), directory, or "-"
  std::string reference;             // NAME[:TAG], tag "latest" when omitted
  std::vector<std::string> changes;  // Dockerfile instructions, as `docker import --change`
  std::string message;               // history comment (`docker import --message`)
};

// What a container of the image needs.
struct ResolvedImage {
  std::string reference;  // "busybox:local"
  std::string id;         // the config's digest, "sha256:..."
  std::string architecture;
  std::string os;
  ImageConfig config;
  std::vector<std::string> diff_ids;              // lowest first
  std::vector<std::filesystem::path> layer_dirs;  // unpacked, lowest first (lowerdirs)
};

// One NAME:TAG, as `image ls` shows it.
struct ImageSummary {
  std::string name;
  std::string tag;
  std::string id;         // config digest
  std::string created;    // RFC 3339
  std::int64_t size = 0;  // bytes of the layer blobs
};

// `image inspect`'s view of one image (all its tags).
struct ImageDetails {
  std::string id;
  std::vector<std::string> repo_tags;
  std::string manifest_digest;
  std::int64_t size = 0;
  OciImage image;
};

struct GcReport {
  std::vector<std::string> removed_blobs;   // digests
  std::vector<std::string> removed_layers;  // diff IDs whose unpacked tree went
  std::size_t removed_temp = 0;             // leftovers of interrupted writes
};

struct RemoveResult {
  std::vector<std::string> untagged;  // "NAME:TAG"
  std::vector<std::string> deleted;   // image IDs no tag points to any more
  GcReport gc;
};

class Store {
 public:
  explicit Store(std::filesystem::path root);

  // $BOXCOMPOSE_ROOT, or /var/lib/boxcompose.
  static std::filesystem::path default_root();

  const Layout& layout() const { return layout_; }

  // `docker import`: stores SOURCE as a one-layer image tagged `reference` (moving the
  // tag if it existed), unpacks the layer, and collects what the old tag left unused.
  ImageSummary import_image(const ImportOptions& options);

  // The image tagged `reference`, with every layer unpacked; nullopt if there is none.
  // Throws Error for an invalid reference or a damaged store.
  std::optional<ResolvedImage> resolve(std::string_view reference);
  // As resolve, but a missing image throws ImageNotFound:
  //   image "nginx:1.27" not found locally (try: boxcompose image import ...)
  ResolvedImage require(std::string_view reference);

  // Every NAME:TAG, newest first.
  std::vector<ImageSummary> list();

  // By NAME[:TAG] or by (a prefix of) the image ID; nullopt when nothing matches.
  std::optional<ImageDetails> inspect(std::string_view reference_or_id);

  // `docker rmi`: untags NAME[:TAG], or every tag of an image ID (more than one only
  // with `force`), then collects garbage. Throws Error when nothing matches.
  RemoveResult remove(std::string_view reference_or_id, bool force = false);

  // Removes blobs and unpacked layers no tag reaches, and leftovers of interrupted writes.
  GcReport collect_garbage();

 private:
  struct Tagged;  // an index entry with its manifest and config, read
  std::vector<Tagged> read_all() const;
  std::vector<Tagged> match(std::string_view reference_or_id) const;
  ResolvedImage load(const Tagged& tagged) const;

  Layout layout_;
};

// `image inspect`'s JSON for one image (Docker's essentials: Id, RepoTags, Created,
// Config, RootFS, Size, ...).
nlohmann::json inspect_to_json(const ImageDetails& details);

}  // namespace image
