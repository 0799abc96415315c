// Rootfs sources -> one layer blob, as `docker import` makes: a tarball (plain, gzip,
// xz, bzip2 or zstd), "-" for a tarball on stdin, or a directory. Every entry's path is
// checked (entry_paths.h) and the layer is written as an uncompressed pax tar, so its
// digest is its diff ID.
#pragma once

#include <cstdint>
#include <string>

#include "boximg/layout.h"

namespace image {

struct PackedLayer {
  Descriptor blob;                // media type kOciLayer, stored under blobs/
  std::string diff_id;            // == blob.digest (uncompressed)
  std::int64_t content_size = 0;  // bytes of regular files
  std::size_t entries = 0;
};

// Reads `source` and stores it as a layer blob. Throws Error (nothing is stored) when
// the source cannot be read or holds a path that would escape the layer.
PackedLayer pack_layer(const Layout& layout, const std::string& source);

}  // namespace image
