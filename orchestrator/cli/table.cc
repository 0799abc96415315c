#include "cli/table.h"

#include <algorithm>

namespace cli {

std::string format_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i)
      width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i)
      out += i + 1 < row.size() ? row[i] + std::string(width[i] - row[i].size() + 3, ' ') : row[i];
    out += '\n';
  }
  return out;
}

}  // namespace cli
