#include "engine/health_files.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

namespace engine {
namespace {

std::optional<nlohmann::json> read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // written by rename, so only a foreign file is malformed
  }
}

}  // namespace

std::string read_health_status(const std::filesystem::path& run_dir) {
  auto j = read_json(run_dir / "health.json");
  return j && j->is_object() ? j->value("Status", "") : "";
}

bool restart_pending(const std::filesystem::path& run_dir) {
  auto j = read_json(run_dir / "exit.json");
  return j && j->is_object() && j->value("restarting", false);
}

}  // namespace engine
