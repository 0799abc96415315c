#include "boximg/layout.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "boximg/digest.h"
#include "boximg/error.h"
#include "boximg/fs.h"

namespace image {

using nlohmann::json;

json descriptor_to_json(const Descriptor& d) {
  json j = {{"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}};
  if (!d.annotations.empty()) j["annotations"] = d.annotations;
  if (!d.platform_architecture.empty())
    j["platform"] = {{"architecture", d.platform_architecture}, {"os", d.platform_os}};
  return j;
}

Descriptor descriptor_from_json(const json& j) {
  try {
    Descriptor d;
    d.media_type = j.value("mediaType", "");
    d.digest = j.at("digest").get<std::string>();
    d.size = j.at("size").get<std::int64_t>();
    digest_hex(d.digest);
    if (j.contains("annotations"))
      d.annotations = j["annotations"].get<std::map<std::string, std::string>>();
    if (j.contains("platform")) {
      d.platform_architecture = j["platform"].value("architecture", "");
      d.platform_os = j["platform"].value("os", "");
    }
    return d;
  } catch (const json::exception& e) {
    throw Error(std::string("descriptor: ") + e.what());
  }
}

json manifest_to_json(const Manifest& m) {
  json layers = json::array();
  for (const auto& l : m.layers)
    layers.push_back(descriptor_to_json(l));
  return {{"schemaVersion", 2},
          {"mediaType", media_type::kOciManifest},
          {"config", descriptor_to_json(m.config)},
          {"layers", layers}};
}

Manifest manifest_from_json(const json& j) {
  try {
    if (j.at("schemaVersion") != 2) throw Error("schemaVersion is not 2");
    Manifest m;
    m.config = descriptor_from_json(j.at("config"));
    for (const auto& l : j.at("layers"))
      m.layers.push_back(descriptor_from_json(l));
    for (const auto& l : m.layers)
      if (!is_layer_media_type(l.media_type))
        throw Error("layer " + l.digest + " has unsupported media type \"" + l.media_type + "\"");
    return m;
  } catch (const json::exception& e) {
    throw Error(std::string("manifest: ") + e.what());
  }
}

bool is_layer_media_type(std::string_view type) {
  using namespace media_type;
  return type == kOciLayer || type == kOciLayerGzip || type == kOciLayerZstd ||
         type == kDockerLayerGzip;
}

Layout::Layout(std::filesystem::path root) : root_(std::move(root)) {}

std::filesystem::path Layout::blob_path(std::string_view digest) const {
  return blobs_dir() / digest_hex(digest);
}

std::filesystem::path Layout::layer_dir(std::string_view diff_id) const {
  return layers_dir() / digest_hex(diff_id);
}

std::filesystem::path Layout::whiteouts_path(std::string_view diff_id) const {
  return layers_dir() / (digest_hex(diff_id) + ".whiteouts");
}

bool Layout::exists() const {
  return std::filesystem::exists(index_path());
}

void Layout::ensure() const {
  std::error_code ec;
  std::filesystem::create_directories(root_, ec);
  if (ec) throw Error::sys("create", root_.string(), ec.value());
  make_dir(images_dir(), 0755);
  make_dir(images_dir() / "blobs", 0755);
  make_dir(blobs_dir(), 0755);
  // Layers hold other images' setuid binaries and devices: keep host users out (as
  // Docker does with /var/lib/docker).
  make_dir(layers_dir(), 0700);
  make_dir(tmp_dir(), 0700);
  if (!std::filesystem::exists(images_dir() / "oci-layout"))
    write_file_atomic(images_dir() / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})", tmp_dir());
  if (!std::filesystem::exists(index_path())) write_index({});
}

std::vector<Descriptor> Layout::read_index() const {
  if (!exists()) return {};
  json j = json::parse(read_file(index_path()), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw Error(index_path().string() + ": not a JSON object");
  std::vector<Descriptor> out;
  try {
    for (const auto& m : j.value("manifests", json::array()))
      out.push_back(descriptor_from_json(m));
  } catch (const Error& e) {
    throw e.with_context(index_path().string());
  }
  return out;
}

void Layout::write_index(const std::vector<Descriptor>& manifests) const {
  json list = json::array();
  for (const auto& m : manifests)
    list.push_back(descriptor_to_json(m));
  json j = {{"schemaVersion", 2}, {"mediaType", media_type::kOciIndex}, {"manifests", list}};
  write_file_atomic(index_path(), j.dump(), tmp_dir());
}

std::string Layout::read_blob(std::string_view digest) const {
  std::string data = read_file(blob_path(digest));
  if (sha256_digest(data) != digest)
    throw Error("blob " + std::string(digest) + " is corrupt: its content has another digest", EIO);
  return data;
}

Descriptor Layout::write_blob(std::string_view data, std::string_view media_type) const {
  std::string digest = sha256_digest(data);
  if (!std::filesystem::exists(blob_path(digest))) {
    TempFile tmp(tmp_dir());
    tmp.write(data.data(), data.size());
    tmp.commit_if_absent(blob_path(digest));
  }
  return Descriptor{
      std::string(media_type), digest, static_cast<std::int64_t>(data.size()), {}, {}, {}};
}

Manifest Layout::read_manifest(std::string_view digest) const {
  json j = json::parse(read_blob(digest), nullptr, false);
  if (j.is_discarded()) throw Error("manifest " + std::string(digest) + ": not JSON");
  try {
    return manifest_from_json(j);
  } catch (const Error& e) {
    throw e.with_context("manifest " + std::string(digest));
  }
}

}  // namespace image
