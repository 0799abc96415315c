#include "engine/context.h"

#include <filesystem>

namespace engine {
namespace {

const std::filesystem::path& made(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

Context::Context(const Paths& paths, const std::string& project, Reporter& report)
    : paths_(paths),
      project_(project),
      lock_(made(paths.project_dir(project)) / "lock"),
      state_(load(paths, project, had_state_)),
      runtime_((std::filesystem::create_directories(paths.runtime_root()),
                paths.runtime_root().string())),
      report_(&report) {
  runtime_.set_warning_handler([this](const std::string& m) { report_->warning(m); });
}

ProjectState Context::load(const Paths& paths, const std::string& project, bool& had) {
  std::optional<ProjectState> s = load_project_state(paths.project_file(project));
  had = s.has_value();
  if (s) return *s;
  ProjectState fresh;
  fresh.name = project;
  return fresh;
}

net::Socket& Context::host() {
  if (!host_) host_.emplace(net::Socket::open());
  return *host_;
}

SupervisorClient& Context::supervisor() {
  if (!supervisor_) supervisor_.emplace(SupervisorClient::connect_or_start(paths_, project_));
  return *supervisor_;
}

void Context::become_child(Reporter& report) {
  report_ = &report;
  child_ = true;
  host_.reset();
  // The parent's connection stays the parent's: closing ours leaves it open there.
  supervisor_.reset();
}

void Context::unlocked(const std::function<void()>& wait) {
  lock_.release();
  auto relock = [this] {
    lock_.acquire();
    state_ = load(paths_, project_, had_state_);
  };
  try {
    wait();
  } catch (...) {
    relock();
    throw;
  }
  relock();
}

void Context::save() {
  if (child_) return;
  save_project_state(paths_.project_file(project_), state_);
}

void Context::forget() {
  std::error_code ec;
  // The lock file goes too: a CLI waiting on it finds no state when it gets it.
  std::filesystem::remove_all(paths_.project_dir(project_), ec);
  state_ = ProjectState{};
  state_.name = project_;
  had_state_ = false;
}

}  // namespace engine
