// The dependency graph between the services of a compose project: which service must be up
// before which, in what order to start and stop them, and which services an `up web` pulls in.
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <cstddef>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "compose/model.h"

namespace graph {

// A dependency that cannot be honoured: an undefined service, a cycle, an unknown name.
class GraphError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `from` depends on `to`.
struct Edge {
  std::string from;
  std::string to;
  std::string kind;  // depends_on, links, network_mode, volumes_from, ipc, pid
  compose::DependencyCondition condition = compose::DependencyCondition::Started;
  bool required = true;
  bool restart = false;

  friend bool operator==(const Edge&, const Edge&) = default;
};

class DependencyGraph {
 public:
  // Builds the graph over project.services. A dependency on a service that is not in
  // project.services is dropped when it is `required: false` and is a GraphError otherwise;
  // implicit dependencies (links, network_mode/ipc/pid "service:", volumes_from) are always
  // required. A service depending on itself is kept, as a cycle.
  static DependencyGraph build(const compose::Project& project);

  const std::vector<std::string>& services() const { return services_; }  // sorted
  const std::vector<Edge>& edges() const { return edges_; }  // sorted by (from, to, kind)

  // Direct neighbours, sorted and without duplicates. Unknown name: GraphError.
  std::vector<std::string> dependencies_of(const std::string& service) const;
  std::vector<std::string> dependents_of(const std::string& service) const;

  // Start order as levels: a service sits one level above its deepest dependency, so every
  // service of a level can start in parallel once the levels below are up. Names are sorted
  // inside a level. A cycle is a GraphError "dependency cycle: a -> b -> a".
  std::vector<std::vector<std::string>> start_levels() const;
  // Stop order: a service sits one level above its deepest dependent, so services nothing
  // depends on stop first and every dependent stops before what it depends on.
  std::vector<std::vector<std::string>> stop_levels() const;

  // The named services plus everything they depend on, transitively; sorted. Unknown name:
  // GraphError.
  std::vector<std::string> with_dependencies(const std::vector<std::string>& names) const;

  // Graphviz DOT ("digraph boxcompose { ... }"), edges from dependent to dependency labelled
  // with the condition or the implicit kind; optional (required: false) edges are dashed.
  void write_dot(std::ostream& out) const;

 private:
  struct EdgeData {
    std::size_t index = 0;  // into edges_
  };
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                      boost::no_property, EdgeData>;
  using Vertex = Graph::vertex_descriptor;

  std::size_t index_of(const std::string& service) const;
  std::vector<std::string> names_of(std::vector<Vertex> vertices) const;
  void throw_if_cyclic() const;

  std::vector<std::string> services_;
  std::vector<Edge> edges_;
  Graph graph_;  // vertex i is services_[i]; an edge runs from dependent to dependency
};

}  // namespace graph
