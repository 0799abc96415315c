#include "boximg/gc.h"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <set>

#include "boximg/digest.h"
#include "boximg/error.h"
#include "boximg/fs.h"

namespace image {
namespace {

struct Reachable {
  std::set<std::string> blobs;   // digests
  std::set<std::string> layers;  // diff IDs
};

bool is_hex64(const std::string& name) {
  return is_sha256_digest("sha256:" + name);
}

Reachable mark(const Layout& layout) {
  Reachable keep;
  for (const auto& entry : layout.read_index()) {
    keep.blobs.insert(entry.digest);
    if (!std::filesystem::exists(layout.blob_path(entry.digest))) continue;
    try {
      Manifest m = layout.read_manifest(entry.digest);
      keep.blobs.insert(m.config.digest);
      for (const auto& l : m.layers)
        keep.blobs.insert(l.digest);
      auto config = nlohmann::json::parse(layout.read_blob(m.config.digest));
      for (const auto& id : image_from_json(config).diff_ids)
        keep.layers.insert(id);
    } catch (const std::exception& e) {
      throw Error(std::string("garbage collection stopped, nothing removed: ") + e.what());
    }
  }
  return keep;
}

std::size_t sweep_temp(const Layout& layout) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(layout.tmp_dir(), ec)) {
    remove_tree(entry.path());
    ++n;
  }
  return n;
}

void sweep_blobs(const Layout& layout, const Reachable& keep, GcReport& report) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(layout.blobs_dir(), ec)) {
    std::string name = entry.path().filename().string();
    if (!is_hex64(name) || keep.blobs.count("sha256:" + name)) continue;
    check_sys(unlink(entry.path().c_str()), "remove", entry.path().string());
    report.removed_blobs.push_back("sha256:" + name);
  }
}

// An unused layer is first renamed into tmp/, so a crash never leaves half a tree under
// its diff ID (which would then be taken for a complete layer).
void sweep_layers(const Layout& layout, const Reachable& keep, GcReport& report) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(layout.layers_dir(), ec)) {
    std::string name = entry.path().filename().string();
    std::string hex = name.substr(0, name.find('.'));
    if (!is_hex64(hex) || keep.layers.count("sha256:" + hex)) continue;
    if (name != hex) {  // layers/<hex>.whiteouts
      check_sys(unlink(entry.path().c_str()), "remove", entry.path().string());
      continue;
    }
    std::string tmpl = (layout.tmp_dir() / ("gc-" + hex.substr(0, 12) + "-XXXXXX")).string();
    if (!mkdtemp(tmpl.data())) throw Error::sys("create", tmpl, errno);
    std::filesystem::path doomed = std::filesystem::path(tmpl) / "layer";
    check_sys(rename(entry.path().c_str(), doomed.c_str()), "rename", entry.path().string());
    remove_tree(tmpl);
    report.removed_layers.push_back("sha256:" + hex);
  }
  fsync_path(layout.layers_dir());
}

}  // namespace

GcReport collect_garbage_locked(const Layout& layout) {
  GcReport report;
  if (!layout.exists()) return report;
  Reachable keep = mark(layout);
  report.removed_temp = sweep_temp(layout);
  sweep_blobs(layout, keep, report);
  sweep_layers(layout, keep, report);
  return report;
}

}  // namespace image
