// The store's lock: an flock on BOXCOMPOSE_ROOT/image.lock. Readers (ls, inspect, resolve of
// unpacked images) share it; anything that writes (import, rm, unpack, garbage
// collection) holds it alone, so garbage collection never sees half an import.
#pragma once

#include <filesystem>

#include "boxrt/fd.h"

namespace image {

class StoreLock {
 public:
  enum class Mode { kShared, kExclusive };
  StoreLock(const std::filesystem::path& file, Mode mode);
  Mode mode() const { return mode_; }

 private:
  boxrt::UniqueFd fd_;
  Mode mode_;
};

}  // namespace image
