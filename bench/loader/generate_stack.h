// A synthetic compose file shaped like real ones: services with images, environment,
// ports, volumes, healthchecks, limits and depends_on chains.
#pragma once

#include <string>

namespace bench {

std::string generate_stack(int services);

}  // namespace bench
