// The image module reports failures with the runtime's error type (what was done, on what,
// and errno, chained with context), which it already depends on: one Error in the project.
#pragma once

#include <string>

#include "boxrt/error.h"

namespace image {

using Error = boxrt::Error;
using boxrt::check_sys;

// The image a caller asked for is not in the store; says how to get it there.
class ImageNotFound : public Error {
 public:
  explicit ImageNotFound(const std::string& reference);
  const std::string& reference() const { return reference_; }

 private:
  std::string reference_;
};

}  // namespace image
