// `boxcompose graph`: the dependency graph as Graphviz DOT, or rendered by `dot`.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/verbs.h"
#include "graph/dependency_graph.h"

extern char** environ;

namespace cli {
namespace {

struct GraphOptions {
  std::string format = "dot";
  std::string output;
};

// Pipes DOT text through `dot -T<format>`, writing to `output` (or stdout).
void render_with_dot(const std::string& dot_text, const std::string& format,
                     const std::string& output) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("graph: pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
  std::string type = "-T" + format;
  std::string out_flag = "-o" + output;
  std::vector<char*> args{const_cast<char*>("dot"), type.data()};
  if (!output.empty()) args.push_back(out_flag.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "dot", &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[0]);
  if (rc != 0) {
    close(pipe_fds[1]);
    throw std::runtime_error("graph: --format " + format +
                             " needs Graphviz's dot, which could not be run: " + std::strerror(rc) +
                             " (apt-get install graphviz)");
  }
  for (size_t done = 0; done < dot_text.size();) {
    ssize_t n = write(pipe_fds[1], dot_text.data() + done, dot_text.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  close(pipe_fds[1]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("graph: dot failed to render the graph");
}

void run_graph(const GlobalOptions& global, const GraphOptions& opts) {
  compose::Project project = compose::load_project(global.load_options());
  graph::DependencyGraph g = graph::DependencyGraph::build(project);
  g.start_levels();  // reports a dependency cycle before anything is printed
  std::ostringstream dot;
  g.write_dot(dot);
  if (opts.format != "dot") return render_with_dot(dot.str(), opts.format, opts.output);
  if (opts.output.empty()) {
    std::cout << dot.str();
    return;
  }
  std::ofstream file(opts.output);
  if (!(file << dot.str())) throw std::runtime_error("graph: cannot write " + opts.output);
}

}  // namespace

void add_graph_verb(CLI::App& app, const GlobalOptions& global) {
  auto opts = std::make_shared<GraphOptions>();
  auto* verb = app.add_subcommand("graph", "Print the service dependency graph (Graphviz DOT)");
  verb->add_option("--format", opts->format, "dot, or an image format rendered by Graphviz")
      ->check(CLI::IsMember({"dot", "png", "svg", "pdf"}));
  verb->add_option("-o,--output", opts->output, "Write to a file instead of stdout");
  verb->callback([&global, opts] { run_graph(global, *opts); });
}

}  // namespace cli
