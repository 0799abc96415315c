// Load + validate + plan (dependency levels) of a generated 1,000-service compose file,
// in-process. Target: under 30 ms.
#include <benchmark/benchmark.h>

#include "compose/loader.h"
#include "graph/dependency_graph.h"
#include "loader/generate_stack.h"

namespace {

compose::LoadOptions in_memory_options(const std::string& text) {
  compose::LoadOptions options;
  options.files = {"/bench/compose.yaml"};
  options.os_environment = std::map<std::string, std::string>{{"TAG", "2.1"}};
  options.read_file = [text](const std::string& path) -> std::optional<std::string> {
    if (path == "/bench/compose.yaml") return text;
    return std::nullopt;
  };
  return options;
}

void BM_LoadValidatePlan(benchmark::State& state) {
  const std::string text = bench::generate_stack(static_cast<int>(state.range(0)));
  const compose::LoadOptions options = in_memory_options(text);
  for (auto _ : state) {
    compose::Project project = compose::load_project(options);
    auto levels = graph::DependencyGraph::build(project).start_levels();
    benchmark::DoNotOptimize(levels);
  }
  state.counters["bytes"] = static_cast<double>(text.size());
}
BENCHMARK(BM_LoadValidatePlan)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
