// The on-disk store under BOXCOMPOSE_ROOT:
//   images/              an OCI image layout: oci-layout, index.json, blobs/sha256/<hex>
//   layers/<hex>/        each layer unpacked once, named by its diff ID's hex (a ':' would
//                        break overlayfs' lowerdir= syntax); read-only from then on
//   layers/<hex>.whiteouts  whiteouts that could not be made as 0/0 devices (unprivileged)
//   tmp/                 files and trees being written; renamed into place when whole
//   image.lock           see lock.h
// Blobs are content-addressed and appear under their digest only once complete.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace image {

namespace media_type {
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr std::string_view kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kDockerLayerGzip =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";
}  // namespace media_type

// Index entries carry their NAME:TAG here.
inline constexpr std::string_view kRefNameAnnotation = "org.opencontainers.image.ref.name";

struct Descriptor {
  std::string media_type;
  std::string digest;
  std::int64_t size = 0;
  std::map<std::string, std::string> annotations;
  std::string platform_architecture;  // index entries only; "" when absent
  std::string platform_os;
  bool operator==(const Descriptor&) const = default;
};

struct Manifest {
  Descriptor config;
  std::vector<Descriptor> layers;  // lowest first
};

nlohmann::json descriptor_to_json(const Descriptor& d);
// Throws Error for a malformed descriptor or a digest that is not sha256:<64 hex>.
Descriptor descriptor_from_json(const nlohmann::json& j);

nlohmann::json manifest_to_json(const Manifest& m);
Manifest manifest_from_json(const nlohmann::json& j);

// True for the layer media types this store can unpack.
bool is_layer_media_type(std::string_view type);

class Layout {
 public:
  explicit Layout(std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path images_dir() const { return root_ / "images"; }
  std::filesystem::path blobs_dir() const { return root_ / "images/blobs/sha256"; }
  std::filesystem::path index_path() const { return root_ / "images/index.json"; }
  std::filesystem::path layers_dir() const { return root_ / "layers"; }
  std::filesystem::path tmp_dir() const { return root_ / "tmp"; }
  std::filesystem::path lock_path() const { return root_ / "image.lock"; }
  // blobs/sha256/<hex>; throws Error for anything but a sha256 digest.
  std::filesystem::path blob_path(std::string_view digest) const;
  // layers/<hex> for a diff ID.
  std::filesystem::path layer_dir(std::string_view diff_id) const;
  std::filesystem::path whiteouts_path(std::string_view diff_id) const;

  // Makes the directories, oci-layout and an empty index.json where missing.
  void ensure() const;
  // False when nothing was ever stored here (then there is nothing to read).
  bool exists() const;

  // The index's manifests; [] when there is no index yet.
  std::vector<Descriptor> read_index() const;
  void write_index(const std::vector<Descriptor>& manifests) const;

  // A blob's bytes, checked against its digest (a corrupt blob is an error, not data).
  std::string read_blob(std::string_view digest) const;
  // Stores `data` under its digest (once: an existing blob is kept).
  Descriptor write_blob(std::string_view data, std::string_view media_type) const;

  Manifest read_manifest(std::string_view digest) const;

 private:
  std::filesystem::path root_;
};

}  // namespace image
