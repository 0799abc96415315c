#include "boximg/error.h"

#include <cerrno>

namespace image {

ImageNotFound::ImageNotFound(const std::string& reference)
    : Error("image \"" + reference + "\" not found locally (try: boxcompose image import ...)",
            ENOENT),
      reference_(reference) {}

}  // namespace image
