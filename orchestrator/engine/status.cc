// `ps` and `ls`: what the state, the runtime and the supervisor's exit records say. Reads
// only; takes the project's lock so it never sees a container half made.
#include <filesystem>
#include <fstream>

#include "boxrt/state.h"
#include "engine/container_ops.h"
#include "engine/engine.h"
#include "engine/exit_record.h"
#include "engine/health_files.h"

namespace engine {
namespace fs = std::filesystem;

std::vector<ContainerStatus> status(const Paths& paths, const std::string& project_name) {
  std::vector<ContainerStatus> out;
  if (!fs::exists(paths.project_file(project_name))) return out;
  SilentReporter quiet;
  Context ctx(paths, project_name, quiet);
  for (const auto& [name, c] : ctx.state().containers) {
    ContainerStatus st;
    st.record = c;
    st.state = "exited";  // no runtime record: its processes are gone
    if (ctx.runtime().store().exists(name)) {
      boxrt::ContainerState rs = ctx.runtime().state(name);
      st.state = state_word(rs.status);
      st.pid = st.state == "exited" ? 0 : rs.pid;
      st.started_at = rs.created;
    }
    if (st.state == "exited") {
      fs::path exit_file = paths.container_run_dir(project_name, name) / "exit.json";
      if (auto e = read_exit_record(exit_file)) {
        st.exit_code = e->code;
        st.finished_at = e->finished_at;
      } else {
        st.exit_code = 255;  // gone without a record: the supervisor was not there to see it
      }
      if (restart_pending(paths.container_run_dir(project_name, name))) st.state = "restarting";
    }
    if (st.state == "running")
      st.health = read_health_status(paths.container_run_dir(project_name, name));
    out.push_back(std::move(st));
  }
  return out;
}

std::vector<std::string> list_projects(const Paths& paths) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(paths.projects_dir(), ec))
    if (fs::exists(entry.path() / "project.json")) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace engine
