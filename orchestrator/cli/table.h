// Columns padded as Go's tabwriter does for the docker CLI (3 spaces between columns).
#pragma once

#include <string>
#include <vector>

namespace cli {

std::string format_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace cli
