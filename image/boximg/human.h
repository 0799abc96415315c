// Sizes and ages as `docker images` prints them.
#pragma once

#include <cstdint>
#include <string>

namespace image {

// Decimal units, 3 significant digits: "0B", "999B", "1.23kB", "4.86MB".
std::string human_size(std::int64_t bytes);

// go-units' HumanDuration: "Less than a second", "About a minute", "3 hours", "2 weeks".
std::string human_duration(std::int64_t seconds);

}  // namespace image
