#include "cli/project_ref.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <mutex>

#include "compose/diagnostics.h"
#include "compose/loader.h"
#include "engine/supervisor_client.h"

namespace cli {
namespace {

std::vector<std::string>& command_line() {
  static std::vector<std::string> args;
  return args;
}

class ProgressReporter : public engine::Reporter {
 public:
  ProgressReporter(std::unique_ptr<engine::Progress> progress, bool quiet)
      : progress_(std::move(progress)), quiet_(quiet) {}
  ~ProgressReporter() override {
    if (progress_) progress_->done();
  }
  void event(const engine::ProgressEvent& e) override {
    if (!quiet_) progress_->event(e);
  }
  void warning(const std::string& text) override {
    std::lock_guard<std::mutex> hold(mutex_);
    std::cerr << "WARN[0000] " << text << '\n';
  }

 private:
  std::unique_ptr<engine::Progress> progress_;
  bool quiet_;
  std::mutex mutex_;
};

}  // namespace

ProjectRef load_project(const GlobalOptions& global) {
  compose::Project project = compose::load_project(global.load_options());
  return {project.name, std::move(project)};
}

ProjectRef load_project_or_name(const GlobalOptions& global) {
  try {
    return load_project(global);
  } catch (const compose::LoadError&) {
    if (global.project_name.empty()) throw;
    return {global.project_name, std::nullopt};
  }
}

void add_progress_flag(CLI::App& verb, ProgressFlags& flags) {
  verb.add_option("--progress", flags.progress, "Progress output: auto, tty, plain, quiet")
      ->check(CLI::IsMember({"auto", "tty", "plain", "quiet"}));
}

std::unique_ptr<engine::Reporter> make_reporter(const ProgressFlags& flags,
                                                const std::string& title) {
  bool tty = flags.progress == "tty" || (flags.progress == "auto" && ::isatty(2));
  engine::ProgressOptions opts;
  opts.title = title;
  // docker compose draws on stderr, so `up -d > file` keeps the output clean.
  return std::make_unique<ProgressReporter>(
      engine::make_progress(stderr, tty, flags.progress == "plain", opts),
      flags.progress == "quiet");
}

void save_command_line(int argc, char** argv) {
  command_line().assign(argv, argv + argc);
}

bool running_as_worker() {
  const char* env = std::getenv(engine::kWorkerEnv);
  return env && *env;
}

int run_under_supervisor(const engine::Paths& paths, const std::string& project) {
  std::vector<std::string> argv = command_line();
  argv[0] = engine::self_executable().string();
  return engine::SupervisorClient::connect_or_start(paths, project).run_worker(argv);
}

}  // namespace cli
