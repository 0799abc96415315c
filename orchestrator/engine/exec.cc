#include "engine/exec.h"

#include <poll.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "boxrt/container.h"
#include "boxrt/exec_process.h"
#include "engine/error.h"
#include "engine/interrupts.h"
#include "engine/project_state.h"
#include "engine/security.h"
#include "engine/terminal_relay.h"
#include "engine/user_db.h"

namespace engine {
namespace {

// A service's replicas (number >= 1; one-off `run` containers are number 0), by number.
std::vector<const ContainerRecord*> replicas_of(const ProjectState& state,
                                                const std::string& service) {
  std::vector<const ContainerRecord*> out;
  for (const ContainerRecord* c : state.containers_of(service))
    if (c->number >= 1) out.push_back(c);
  std::sort(out.begin(), out.end(), [](const ContainerRecord* a, const ContainerRecord* b) {
    return a->number < b->number;
  });
  return out;
}

const ContainerRecord& pick_replica(const ProjectState& state, const std::string& service,
                                    int index) {
  for (const ContainerRecord* c : replicas_of(state, service))
    if (c->number == index) return *c;
  if (index == 1) throw Error("service \"" + service + "\" is not running");
  throw Error("service \"" + service + "\" has no container number " + std::to_string(index));
}

// -u as `user:` is resolved: in the container's own files, seen through its root.
void apply_user(boxrt::Process& p, const std::string& spec, pid_t init_pid) {
  UserDb db = load_user_db("/proc/" + std::to_string(init_pid) + "/root");
  ResolvedUser u = resolve_user(spec, {}, db);  // its errors name the user
  p.user.uid = u.uid;
  p.user.gid = u.gid;
  p.user.additional_gids = u.additional_gids;
  boxrt::set_env(p.env, "HOME=" + u.home);
}

// --privileged: every capability this process may hand on (its bounding set), as the
// docker daemon grants those it has; a host that withholds one (say CAP_SYS_RESOURCE)
// would refuse the whole set otherwise.
std::vector<std::string> privileged_capabilities() {
  std::vector<std::string> out;
  for (const auto& name : all_capabilities()) {
    cap_value_t v;
    if (::cap_from_name(name.c_str(), &v) == 0 && ::prctl(PR_CAPBSET_READ, v, 0, 0, 0) == 1)
      out.push_back(name);
  }
  return out;
}

boxrt::Process exec_process_for(const boxrt::Process& base, const ExecOptions& o, pid_t pid) {
  boxrt::ExecOverrides over;
  over.args = o.command;
  over.cwd = o.workdir;
  over.tty = o.tty;
  if (o.privileged) over.caps = privileged_capabilities();
  boxrt::Process p = boxrt::exec_process(base, over);
  if (!o.user.empty()) apply_user(p, o.user, pid);
  // After the user's HOME: an explicit -e HOME=... wins.
  for (const auto& entry : expand_env_flags(o.env))
    boxrt::set_env(p.env, entry);
  p.console_size.reset();
  return p;
}

int run_with_terminal(boxrt::Runtime& rt, const std::string& name, const boxrt::Process& p) {
  TerminalRelay relay;
  boxrt::ExecOptions opts;
  opts.console_socket = relay.socket_path();
  pid_t pid = rt.exec(name, p, opts);
  try {
    relay.receive();
  } catch (...) {
    // Not left running in the container without its terminal, nor unreaped.
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    throw;
  }
  return relay.relay(pid);
}

int run_detached(boxrt::Runtime& rt, const std::string& name, const boxrt::Process& p) {
  boxrt::ExecOptions opts;
  opts.stdin_path = opts.stdout_path = opts.stderr_path = "/dev/null";
  rt.exec(name, p, opts);
  return 0;
}

}  // namespace

std::vector<std::string> expand_env_flags(const std::vector<std::string>& flags) {
  std::vector<std::string> out;
  for (const auto& f : flags) {
    if (f.find('=') != std::string::npos) {
      out.push_back(f);
    } else if (const char* v = std::getenv(f.c_str())) {
      out.push_back(f + "=" + v);
    }
  }
  return out;
}

RunningContainer running_container(const Paths& paths, const std::string& project_name,
                                   const std::string& service, int index) {
  std::optional<ProjectState> state = load_project_state(paths.project_file(project_name));
  if (!state) throw Error("project " + project_name + " is not running (no containers)");
  const ContainerRecord& c = pick_replica(*state, service, index);
  boxrt::Runtime rt(paths.runtime_root());
  if (!rt.store().exists(c.name))
    throw Error("service \"" + service + "\" is not running (container " + c.name + " exited)");
  boxrt::ContainerState st = rt.state(c.name);
  if (st.status == boxrt::Status::kPaused)
    throw Error("container " + c.name + " is paused, unpause it first");
  if (st.status != boxrt::Status::kRunning)
    throw Error("service \"" + service + "\" is not running (container " + c.name + " is " +
                boxrt::status_name(st.status) + ")");
  return {c.name, st.pid};
}

InterruptSignals forwarded_signals() {
  return InterruptSignals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};
}

int wait_forwarding_signals(pid_t pid) {
  InterruptSignals signals = forwarded_signals();
  return wait_forwarding_signals(pid, signals);
}

int wait_forwarding_signals(pid_t pid, InterruptSignals& signals) {
  boxrt::UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd) return boxrt::wait_exit_code(pid);
  for (;;) {
    pollfd fds[2] = {{pidfd.get(), POLLIN, 0}, {signals.fd(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) throw Error::sys("poll", "process exit", errno);
    if (fds[0].revents) return boxrt::wait_exit_code(pid);
    if (fds[1].revents)
      if (int sig = signals.take()) ::kill(pid, sig);
  }
}

bool service_selected(const std::vector<std::string>& services, const std::string& service) {
  return services.empty() || std::count(services.begin(), services.end(), service) > 0;
}

int exec(const Paths& paths, const std::string& project_name, const ExecOptions& o) {
  if (o.command.empty()) throw Error("exec: no command given");
  RunningContainer target = running_container(paths, project_name, o.service, o.index);
  boxrt::Runtime rt(paths.runtime_root());
  boxrt::Process p = exec_process_for(rt.config(target.name).process, o, target.pid);
  if (o.detach) return run_detached(rt, target.name, p);
  if (o.tty) return run_with_terminal(rt, target.name, p);
  return wait_forwarding_signals(rt.exec(target.name, p));
}

}  // namespace engine
