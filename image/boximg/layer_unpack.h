// Layer blob -> BOXCOMPOSE_ROOT/layers/<hex>/, a directory ready to be an overlayfs
// lowerdir. Extraction runs on a thread whose cwd is the new layer (unshare(CLONE_FS)),
// so libarchive gets relative names and all of ARCHIVE_EXTRACT_SECURE_NODOTDOT,
// _NOABSOLUTEPATHS and _SYMLINKS apply, on top of entry_paths.h's own checks. Owners
// (numeric), modes, times, ACLs and xattrs are kept; trusted.overlay.* xattrs from the
// archive are dropped so a layer cannot forge overlayfs metadata. Whiteouts become
// overlayfs' own: ".wh.NAME" a 0/0 character device NAME, ".wh..wh..opq" the
// trusted.overlay.opaque=y xattr on its directory; where that is not permitted (no
// CAP_MKNOD/CAP_SYS_ADMIN) they are recorded in layers/<hex>.whiteouts instead.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "boximg/layout.h"

namespace image {

struct ExtractResult {
  std::size_t entries = 0;
  // "whiteout PATH" / "opaque DIR" lines for whiteouts that could not be made.
  std::vector<std::string> recorded_whiteouts;
};

// Extracts the tar (any compression) at `blob` into the existing directory `dest`.
// With `expected_digest`, the blob's bytes must hash to it. Throws Error on a hostile
// path, a digest mismatch or a write failure; `dest` may then hold a partial tree.
ExtractResult extract_layer(const std::filesystem::path& blob, const std::filesystem::path& dest,
                            std::string_view expected_digest = {});

// Unpacks `layer` (a blob of the store) once into layout.layer_dir(diff_id) and returns
// that directory. The tree is built under tmp/ and renamed into place when complete, so
// layers/<hex> never holds half a layer. Caller holds the store's exclusive lock.
std::filesystem::path ensure_layer_unpacked(const Layout& layout, const Descriptor& layer,
                                            const std::string& diff_id);

}  // namespace image
