#include "graph/dependency_graph.h"

#include <algorithm>
#include <array>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <boost/graph/topological_sort.hpp>
#include <cstdint>
#include <iterator>
#include <optional>
#include <sstream>
#include <string_view>
#include <tuple>
#include <utility>

namespace graph {
namespace {

constexpr std::string_view kServicePrefix = "service:";
constexpr std::string_view kContainerPrefix = "container:";

// In name order, so that sorting by kind sorts edges by their kind's name.
enum class Kind : std::uint8_t { DependsOn, Ipc, Links, NetworkMode, Pid, VolumesFrom };
constexpr std::array<std::string_view, 6> kKindNames = {"depends_on",   "ipc", "links",
                                                        "network_mode", "pid", "volumes_from"};

// A dependency as written; its target may not exist. Views into the project's strings.
struct Declared {
  std::string_view to;
  Kind kind;
  compose::DependencyCondition condition = compose::DependencyCondition::Started;
  bool required = true;
  bool restart = false;
};

// A resolved dependency. Indices into the sorted service names keep sorting and
// deduplication on integers rather than strings.
struct Link {
  std::size_t from;
  std::size_t to;
  Kind kind;
  compose::DependencyCondition condition;
  bool required;
  bool restart;

  auto key() const { return std::tie(from, to, kind); }
};

std::string_view before_colon(std::string_view value) {
  return value.substr(0, value.find(':'));
}

// "service:NAME" (network_mode, ipc, pid) names a service; anything else ("host",
// "container:ID", ...) does not involve the project.
void declare_service_mode(std::string_view value, Kind kind, std::vector<Declared>& out) {
  if (value.starts_with(kServicePrefix)) out.push_back({value.substr(kServicePrefix.size()), kind});
}

void declare(const compose::Service& service, std::vector<Declared>& out) {
  for (const auto& [to, dep] : service.depends_on) {
    out.push_back({to, Kind::DependsOn, dep.condition, dep.required, dep.restart});
  }
  for (const auto& link : service.links) {
    out.push_back({before_colon(link), Kind::Links});
  }
  declare_service_mode(service.network_mode, Kind::NetworkMode, out);
  for (const auto& entry : service.volumes_from) {
    // Volumes of a container outside the project impose no start order.
    if (std::string_view(entry).starts_with(kContainerPrefix)) continue;
    out.push_back({before_colon(entry), Kind::VolumesFrom});
  }
  declare_service_mode(service.ipc, Kind::Ipc, out);
  declare_service_mode(service.pid, Kind::Pid, out);
}

std::optional<std::size_t> find_name(const std::vector<std::string>& names, std::string_view name) {
  auto it = std::lower_bound(names.begin(), names.end(), name);
  if (it == names.end() || *it != name) return std::nullopt;
  return static_cast<std::size_t>(it - names.begin());
}

// Drops optional dependencies on services that are not enabled (e.g. left out by profiles);
// a required one is an error the user has to fix. `names` are project.services' keys.
std::vector<Link> resolve(const compose::Project& project, const std::vector<std::string>& names) {
  std::vector<Link> links;
  std::vector<Declared> declared;
  std::size_t from = 0;
  for (const auto& [name, service] : project.services) {
    declared.clear();
    declare(service, declared);
    for (const Declared& d : declared) {
      if (auto to = find_name(names, d.to)) {
        links.push_back({from, *to, d.kind, d.condition, d.required, d.restart});
      } else if (d.required) {
        throw GraphError("service \"" + name + "\" depends on undefined service \"" +
                         std::string(d.to) + "\"");
      }
    }
    ++from;
  }
  return links;
}

void sort_unique(std::vector<Link>& links) {
  auto less = [](const Link& a, const Link& b) { return a.key() < b.key(); };
  auto same = [](const Link& a, const Link& b) { return a.key() == b.key(); };
  std::sort(links.begin(), links.end(), less);
  links.erase(std::unique(links.begin(), links.end(), same), links.end());
}

Edge to_edge(const Link& link, const std::vector<std::string>& names) {
  return Edge{names[link.from],
              names[link.to],
              std::string(kKindNames[static_cast<std::size_t>(link.kind)]),
              link.condition,
              link.required,
              link.restart};
}

// Records the first back edge's cycle. The gray vertices, in discovery order, are exactly
// the DFS path from the root, so the cycle is the path suffix starting at the back edge's
// target. Boost copies visitors, hence the pointers.
template <typename Graph>
struct CycleRecorder : boost::default_dfs_visitor {
  using Vertex = typename boost::graph_traits<Graph>::vertex_descriptor;
  using EdgeDescriptor = typename boost::graph_traits<Graph>::edge_descriptor;

  std::vector<Vertex>* path;
  std::vector<Vertex>* cycle;

  void discover_vertex(Vertex v, const Graph&) { path->push_back(v); }
  void finish_vertex(Vertex, const Graph&) { path->pop_back(); }
  void back_edge(EdgeDescriptor e, const Graph& g) {
    if (!cycle->empty()) return;
    auto start = std::find(path->begin(), path->end(), boost::target(e, g));
    cycle->assign(start, path->end());
  }
};

// Longest-path layering: every vertex one level above its deepest out-neighbour.
template <typename Graph>
std::vector<std::vector<std::string>> layer(const Graph& g, const std::vector<std::string>& names) {
  std::vector<typename boost::graph_traits<Graph>::vertex_descriptor> order;
  order.reserve(names.size());
  // Reverse topological order: every vertex comes after all of its out-neighbours.
  boost::topological_sort(g, std::back_inserter(order));
  std::vector<std::size_t> level(names.size(), 0);
  std::size_t depth = 0;
  for (auto v : order) {
    for (auto e : boost::make_iterator_range(boost::out_edges(v, g))) {
      level[v] = std::max(level[v], level[boost::target(e, g)] + 1);
    }
    depth = std::max(depth, level[v] + 1);
  }
  std::vector<std::vector<std::string>> levels(depth);
  for (std::size_t v = 0; v < names.size(); ++v) {
    levels[level[v]].push_back(names[v]);
  }
  return levels;
}

// Always quoted: boost's escape_dot_string leaves DOT keywords such as a service called
// "node" or "graph" bare, which `dot` rejects.
std::string dot_quoted(std::string_view text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + '"';
}

std::string dot_edge_label(const Edge& edge) {
  if (edge.kind != "depends_on") return edge.kind;
  return std::string(compose::to_string(edge.condition));
}

}  // namespace

DependencyGraph DependencyGraph::build(const compose::Project& project) {
  DependencyGraph result;
  result.services_.reserve(project.services.size());
  for (const auto& entry : project.services) {
    result.services_.push_back(entry.first);
  }
  std::vector<Link> links = resolve(project, result.services_);
  // Sorted links make out-edges ordered by target, so DFS (and the cycle it reports) is stable.
  sort_unique(links);
  result.edges_.reserve(links.size());
  result.graph_ = Graph(result.services_.size());
  for (const Link& link : links) {
    boost::add_edge(link.from, link.to, EdgeData{result.edges_.size()}, result.graph_);
    result.edges_.push_back(to_edge(link, result.services_));
  }
  return result;
}

std::size_t DependencyGraph::index_of(const std::string& service) const {
  if (auto index = find_name(services_, service)) return *index;
  throw GraphError("unknown service \"" + service + "\"");
}

std::vector<std::string> DependencyGraph::names_of(std::vector<Vertex> vertices) const {
  std::sort(vertices.begin(), vertices.end());
  vertices.erase(std::unique(vertices.begin(), vertices.end()), vertices.end());
  std::vector<std::string> names;
  names.reserve(vertices.size());
  for (Vertex v : vertices) {
    names.push_back(services_[v]);
  }
  return names;
}

std::vector<std::string> DependencyGraph::dependencies_of(const std::string& service) const {
  std::vector<Vertex> targets;
  for (auto e : boost::make_iterator_range(boost::out_edges(index_of(service), graph_))) {
    targets.push_back(boost::target(e, graph_));
  }
  return names_of(std::move(targets));
}

std::vector<std::string> DependencyGraph::dependents_of(const std::string& service) const {
  std::vector<Vertex> sources;
  for (auto e : boost::make_iterator_range(boost::in_edges(index_of(service), graph_))) {
    sources.push_back(boost::source(e, graph_));
  }
  return names_of(std::move(sources));
}

void DependencyGraph::throw_if_cyclic() const {
  std::vector<Vertex> path;
  std::vector<Vertex> cycle;
  boost::depth_first_search(graph_, boost::visitor(CycleRecorder<Graph>{{}, &path, &cycle}));
  if (cycle.empty()) return;
  // Vertex order is name order, so the smallest vertex is the smallest name.
  std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
  std::string message = "dependency cycle: ";
  for (Vertex v : cycle) {
    message += services_[v] + " -> ";
  }
  throw GraphError(message + services_[cycle.front()]);
}

std::vector<std::vector<std::string>> DependencyGraph::start_levels() const {
  throw_if_cyclic();
  return layer(graph_, services_);
}

std::vector<std::vector<std::string>> DependencyGraph::stop_levels() const {
  throw_if_cyclic();
  return layer(boost::make_reverse_graph(graph_), services_);
}

std::vector<std::string> DependencyGraph::with_dependencies(
    const std::vector<std::string>& names) const {
  std::vector<boost::default_color_type> colors(services_.size(), boost::white_color);
  auto color_map =
      boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, graph_));
  for (const auto& name : names) {
    Vertex root = index_of(name);
    if (colors[root] != boost::white_color) continue;  // already reached from another root
    boost::depth_first_visit(graph_, root, boost::default_dfs_visitor(), color_map);
  }
  std::vector<std::string> reached;
  for (std::size_t v = 0; v < services_.size(); ++v) {
    if (colors[v] != boost::white_color) reached.push_back(services_[v]);
  }
  return reached;
}

void DependencyGraph::write_dot(std::ostream& out) const {
  auto vertex_writer = [this](std::ostream& os, Vertex v) {
    os << "[label=" << dot_quoted(services_[v]) << "]";
  };
  auto edge_writer = [this](std::ostream& os, Graph::edge_descriptor e) {
    const Edge& edge = edges_[graph_[e].index];
    os << "[label=" << dot_quoted(dot_edge_label(edge));
    if (!edge.required) os << ", style=dashed";
    os << "]";
  };
  std::ostringstream dot;
  boost::write_graphviz(dot, graph_, vertex_writer, edge_writer);
  // write_graphviz always names the graph "G"; the name shows up in rendered output.
  std::string text = dot.str();
  constexpr std::string_view kBoostHeader = "digraph G {";
  if (text.starts_with(kBoostHeader)) text.replace(0, kBoostHeader.size(), "digraph boxcompose {");
  out << text;
}

}  // namespace graph
