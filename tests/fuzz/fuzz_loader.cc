// Feeds arbitrary bytes to the whole loader as a compose file (with a .env next to it made
// from the same bytes): it must report errors, never crash, leak or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compose/loader.h"
#include "graph/dependency_graph.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  compose::LoadOptions options;
  options.files = {"/fuzz/compose.yaml"};
  options.os_environment = std::map<std::string, std::string>{{"HOME", "/root"}, {"TAG", "1"}};
  options.read_file = [&text](const std::string& path) -> std::optional<std::string> {
    if (path == "/fuzz/compose.yaml") return text;
    if (path == "/fuzz/.env") return text.substr(0, text.size() / 4);
    return std::nullopt;
  };
  try {
    compose::Project project = compose::load_project(options);
    graph::DependencyGraph::build(project).start_levels();
  } catch (const compose::LoadError&) {
  } catch (const graph::GraphError&) {
  }
  return 0;
}
