#include "graph/dependency_graph.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "compose/model.h"

namespace graph {
namespace {

using compose::DependencyCondition;
using Levels = std::vector<std::vector<std::string>>;
using Names = std::vector<std::string>;

compose::Service& add_service(compose::Project& project, const std::string& name) {
  compose::Service& service = project.services[name];
  service.name = name;
  return service;
}

void depends(compose::Project& project, const std::string& from, const std::string& to,
             DependencyCondition condition = DependencyCondition::Started, bool required = true) {
  compose::Dependency dependency;
  dependency.condition = condition;
  dependency.required = required;
  add_service(project, from).depends_on[to] = dependency;
}

// web -> api -> db
compose::Project chain() {
  compose::Project project;
  add_service(project, "db");
  depends(project, "api", "db");
  depends(project, "web", "api");
  return project;
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const GraphError& error) {
    return error.what();
  }
  return "<no GraphError>";
}

std::string cycle_error(const compose::Project& project) {
  auto graph = DependencyGraph::build(project);
  std::string stop_error = error_of([&] { graph.stop_levels(); });
  std::string start_error = error_of([&] { graph.start_levels(); });
  EXPECT_EQ(stop_error, start_error);
  return start_error;
}

std::string dot_of(const DependencyGraph& graph) {
  std::ostringstream out;
  graph.write_dot(out);
  return out.str();
}

TEST(DependencyGraphTest, EmptyProject) {
  auto graph = DependencyGraph::build(compose::Project{});
  EXPECT_TRUE(graph.services().empty());
  EXPECT_TRUE(graph.edges().empty());
  EXPECT_TRUE(graph.start_levels().empty());
  EXPECT_TRUE(graph.stop_levels().empty());
  EXPECT_TRUE(graph.with_dependencies({}).empty());
}

TEST(DependencyGraphTest, IndependentServicesShareOneLevel) {
  compose::Project project;
  for (const char* name : {"redis", "api", "web"}) {
    add_service(project, name);
  }
  auto graph = DependencyGraph::build(project);
  EXPECT_EQ(graph.services(), (Names{"api", "redis", "web"}));
  EXPECT_EQ(graph.start_levels(), (Levels{{"api", "redis", "web"}}));
  EXPECT_EQ(graph.stop_levels(), (Levels{{"api", "redis", "web"}}));
}

TEST(DependencyGraphTest, ChainLevels) {
  auto graph = DependencyGraph::build(chain());
  EXPECT_EQ(graph.start_levels(), (Levels{{"db"}, {"api"}, {"web"}}));
  EXPECT_EQ(graph.stop_levels(), (Levels{{"web"}, {"api"}, {"db"}}));
}

TEST(DependencyGraphTest, DiamondLevels) {
  compose::Project project;
  add_service(project, "base");
  depends(project, "left", "base");
  depends(project, "right", "base");
  depends(project, "app", "left");
  depends(project, "app", "right");
  auto graph = DependencyGraph::build(project);
  EXPECT_EQ(graph.start_levels(), (Levels{{"base"}, {"left", "right"}, {"app"}}));
  EXPECT_EQ(graph.stop_levels(), (Levels{{"app"}, {"left", "right"}, {"base"}}));
  EXPECT_EQ(graph.dependents_of("base"), (Names{"left", "right"}));
  EXPECT_EQ(graph.dependencies_of("app"), (Names{"left", "right"}));
}

TEST(DependencyGraphTest, LevelsFollowTheLongestPath) {
  compose::Project project;
  depends(project, "a", "b");
  depends(project, "a", "c");  // a shortcut must not pull a down to level 1
  depends(project, "b", "c");
  add_service(project, "c");
  add_service(project, "d");
  auto graph = DependencyGraph::build(project);
  EXPECT_EQ(graph.start_levels(), (Levels{{"c", "d"}, {"b"}, {"a"}}));
  // Services nothing depends on stop first, whatever their start level.
  EXPECT_EQ(graph.stop_levels(), (Levels{{"a", "d"}, {"b"}, {"c"}}));
}

TEST(DependencyGraphTest, DependsOnKeepsItsAttributes) {
  compose::Project project = chain();
  project.services["web"].depends_on["api"].condition = DependencyCondition::Healthy;
  project.services["web"].depends_on["api"].restart = true;
  auto graph = DependencyGraph::build(project);
  ASSERT_EQ(graph.edges().size(), 2u);
  EXPECT_EQ(graph.edges()[0],
            (Edge{"api", "db", "depends_on", DependencyCondition::Started, true, false}));
  EXPECT_EQ(graph.edges()[1],
            (Edge{"web", "api", "depends_on", DependencyCondition::Healthy, true, true}));
}

TEST(DependencyGraphTest, ImplicitEdgesOfEveryKind) {
  compose::Project project;
  for (const char* name : {"db", "vpn", "data", "store", "shm", "tracer"}) {
    add_service(project, name);
  }
  compose::Service& app = add_service(project, "app");
  app.links = {"db:database"};
  app.network_mode = "service:vpn";
  app.volumes_from = {"data:ro", "store"};
  app.ipc = "service:shm";
  app.pid = "service:tracer";
  auto graph = DependencyGraph::build(project);
  std::vector<Edge> expected = {
      {"app", "data", "volumes_from"},  {"app", "db", "links"},   {"app", "shm", "ipc"},
      {"app", "store", "volumes_from"}, {"app", "tracer", "pid"}, {"app", "vpn", "network_mode"},
  };
  EXPECT_EQ(graph.edges(), expected);
  EXPECT_EQ(graph.start_levels(),
            (Levels{{"data", "db", "shm", "store", "tracer", "vpn"}, {"app"}}));
}

TEST(DependencyGraphTest, ModesOutsideTheProjectAddNoEdge) {
  compose::Project project;
  add_service(project, "db");
  compose::Service& app = add_service(project, "app");
  app.volumes_from = {"container:db", "container:legacy:ro"};
  app.network_mode = "host";
  app.ipc = "container:db";
  app.pid = "host";
  auto graph = DependencyGraph::build(project);
  EXPECT_TRUE(graph.edges().empty());
  EXPECT_EQ(graph.start_levels(), (Levels{{"app", "db"}}));
}

TEST(DependencyGraphTest, RepeatedImplicitEdgeIsKeptOnce) {
  compose::Project project = chain();
  project.services["web"].volumes_from = {"db", "db:rw"};
  project.services["web"].links = {"api", "api:backend"};
  auto graph = DependencyGraph::build(project);
  std::vector<Edge> expected = {
      {"api", "db", "depends_on"},
      {"web", "api", "depends_on"},
      {"web", "api", "links"},
      {"web", "db", "volumes_from"},
  };
  EXPECT_EQ(graph.edges(), expected);
  EXPECT_EQ(graph.dependencies_of("web"), (Names{"api", "db"}));
  EXPECT_EQ(graph.dependents_of("api"), (Names{"web"}));
}

TEST(DependencyGraphTest, OptionalDependencyOnMissingServiceIsDropped) {
  compose::Project project;
  depends(project, "web", "cache", DependencyCondition::Healthy, /*required=*/false);
  depends(project, "web", "db", DependencyCondition::Started, /*required=*/false);
  add_service(project, "db");
  auto graph = DependencyGraph::build(project);
  ASSERT_EQ(graph.edges().size(), 1u);
  EXPECT_EQ(graph.edges()[0].to, "db");
  EXPECT_FALSE(graph.edges()[0].required);
  EXPECT_EQ(graph.start_levels(), (Levels{{"db"}, {"web"}}));
}

TEST(DependencyGraphTest, RequiredDependencyOnMissingServiceIsAnError) {
  compose::Project project;
  depends(project, "web", "db");
  EXPECT_EQ(error_of([&] { DependencyGraph::build(project); }),
            "service \"web\" depends on undefined service \"db\"");
}

TEST(DependencyGraphTest, ImplicitDependencyOnMissingServiceIsAnError) {
  compose::Project links;
  add_service(links, "web").links = {"db:database"};
  EXPECT_EQ(error_of([&] { DependencyGraph::build(links); }),
            "service \"web\" depends on undefined service \"db\"");
  compose::Project network;
  add_service(network, "app").network_mode = "service:vpn";
  EXPECT_EQ(error_of([&] { DependencyGraph::build(network); }),
            "service \"app\" depends on undefined service \"vpn\"");
  compose::Project volumes;
  add_service(volumes, "app").volumes_from = {"data:ro"};
  EXPECT_EQ(error_of([&] { DependencyGraph::build(volumes); }),
            "service \"app\" depends on undefined service \"data\"");
}

TEST(DependencyGraphTest, GraphErrorIsARuntimeError) {
  compose::Project project;
  depends(project, "web", "db");
  EXPECT_THROW(DependencyGraph::build(project), std::runtime_error);
}

TEST(DependencyGraphTest, TwoNodeCycle) {
  compose::Project project;
  depends(project, "web", "api");
  depends(project, "api", "web");
  EXPECT_EQ(cycle_error(project), "dependency cycle: api -> web -> api");
}

TEST(DependencyGraphTest, ThreeNodeCycle) {
  compose::Project project;
  depends(project, "web", "api");
  depends(project, "api", "db");
  depends(project, "db", "web");
  EXPECT_EQ(cycle_error(project), "dependency cycle: api -> db -> web -> api");
}

TEST(DependencyGraphTest, CycleIsPrintedFromItsSmallestService) {
  compose::Project project;
  // DFS enters the cycle at "m" (through "a"); the message still starts at "b".
  depends(project, "a", "m");
  depends(project, "m", "n");
  depends(project, "n", "b");
  depends(project, "b", "m");
  EXPECT_EQ(cycle_error(project), "dependency cycle: b -> m -> n -> b");
}

TEST(DependencyGraphTest, SelfDependencyIsACycle) {
  compose::Project project;
  depends(project, "web", "web");
  EXPECT_EQ(cycle_error(project), "dependency cycle: web -> web");
  compose::Project via_link;
  add_service(via_link, "web").links = {"web:self"};
  EXPECT_EQ(cycle_error(via_link), "dependency cycle: web -> web");
}

TEST(DependencyGraphTest, CycleThroughImplicitEdges) {
  compose::Project project;
  add_service(project, "vpn").volumes_from = {"app"};
  add_service(project, "app").network_mode = "service:vpn";
  EXPECT_EQ(cycle_error(project), "dependency cycle: app -> vpn -> app");
}

TEST(DependencyGraphTest, WithDependencies) {
  compose::Project project = chain();
  add_service(project, "worker").links = {"db"};
  add_service(project, "docs");
  auto graph = DependencyGraph::build(project);
  EXPECT_EQ(graph.with_dependencies({"web"}), (Names{"api", "db", "web"}));
  EXPECT_EQ(graph.with_dependencies({"worker", "api"}), (Names{"api", "db", "worker"}));
  EXPECT_EQ(graph.with_dependencies({"db", "db"}), (Names{"db"}));
  EXPECT_EQ(graph.with_dependencies({"docs"}), (Names{"docs"}));
}

TEST(DependencyGraphTest, UnknownServiceNamesAreErrors) {
  auto graph = DependencyGraph::build(chain());
  EXPECT_EQ(error_of([&] {
              graph.with_dependencies({"web", "nope"});
            }),
            "unknown service \"nope\"");
  EXPECT_THROW(graph.dependencies_of("nope"), GraphError);
  EXPECT_THROW(graph.dependents_of("nope"), GraphError);
}

TEST(DependencyGraphTest, DotHasNodesEdgesAndLabels) {
  compose::Project project = chain();
  project.services["web"].depends_on["api"].condition = DependencyCondition::Healthy;
  depends(project, "web", "cache", DependencyCondition::CompletedSuccessfully, false);
  add_service(project, "cache");
  project.services["api"].links = {"db"};
  std::string dot = dot_of(DependencyGraph::build(project));
  EXPECT_EQ(dot.rfind("digraph boxcompose {", 0), 0u) << dot;
  for (const char* name : {"api", "cache", "db", "web"}) {
    EXPECT_NE(dot.find("[label=\"" + std::string(name) + "\"]"), std::string::npos) << name;
  }
  EXPECT_NE(dot.find("0->2 [label=\"service_started\"]"), std::string::npos) << dot;
  EXPECT_NE(dot.find("0->2 [label=\"links\"]"), std::string::npos) << dot;
  EXPECT_NE(dot.find("3->0 [label=\"service_healthy\"]"), std::string::npos) << dot;
  EXPECT_NE(dot.find("3->1 [label=\"service_completed_successfully\", style=dashed]"),
            std::string::npos)
      << dot;
  EXPECT_EQ(std::count(dot.begin(), dot.end(), '>'), 4);
}

bool have_dot() {
  return std::system("command -v dot >/dev/null 2>&1") == 0;
}

std::string run_dot_plain(const std::string& dot_text) {
  char path[] = "/tmp/dependency_graph_testXXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return "";
  close(fd);
  std::ofstream(path) << dot_text;
  std::string output;
  std::string command = std::string("dot -Tplain ") + path + " 2>&1; echo status=$?";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::array<char, 256> buffer;
  while (pipe && fgets(buffer.data(), buffer.size(), pipe.get()))
    output += buffer.data();
  std::remove(path);
  return output;
}

TEST(DependencyGraphTest, DotIsAcceptedByGraphviz) {
  if (!have_dot()) GTEST_SKIP() << "graphviz `dot` is not installed";
  compose::Project project;
  // DOT keywords and punctuation as names must still parse.
  depends(project, "node", "graph", DependencyCondition::Healthy, false);
  depends(project, "edge", "my-db.v2");
  add_service(project, "graph");
  add_service(project, "my-db.v2");
  std::string plain = run_dot_plain(dot_of(DependencyGraph::build(project)));
  EXPECT_NE(plain.find("status=0"), std::string::npos) << plain;
  EXPECT_NE(plain.find("\"node\" solid"), std::string::npos) << plain;
  EXPECT_NE(plain.find("my-db.v2"), std::string::npos) << plain;
  EXPECT_NE(plain.find("dashed"), std::string::npos) << plain;
}

}  // namespace
}  // namespace graph
