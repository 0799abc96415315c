#include "engine/readiness.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include <cerrno>
#include <set>

#include "engine/error.h"

namespace engine {
namespace {

SupervisorClient subscribe_to(const Paths& paths, const std::string& project) {
  std::optional<SupervisorClient> client = SupervisorClient::connect(paths, project);
  if (!client) throw Error("project " + project + ": no supervisor runs to report readiness");
  return std::move(*client);
}

std::string exited_text(const std::string& container, int code) {
  return "container " + container + " exited (" + std::to_string(code) + ")";
}

// The words Docker Compose ends a wait with.
const char* ready_word(const ReadinessTarget& t, const std::string& state) {
  if (state == "exited") return "Exited";
  if (t.want == Readiness::kHealthy || t.has_healthcheck) return "Healthy";
  return "Running";
}

std::optional<Readiness> readiness_of(compose::DependencyCondition condition) {
  switch (condition) {
    case compose::DependencyCondition::Healthy:
      return Readiness::kHealthy;
    case compose::DependencyCondition::CompletedSuccessfully:
      return Readiness::kCompletedSuccessfully;
    default:
      return std::nullopt;
  }
}

// SIGCHLD as a descriptor while it lives (blocked, then restored).
class ChildSignals {
 public:
  ChildSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    ::sigprocmask(SIG_BLOCK, &set, &old_);
    fd_.reset(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!fd_) throw Error::sys("signalfd", "SIGCHLD", errno);
  }
  ~ChildSignals() { ::sigprocmask(SIG_SETMASK, &old_, nullptr); }
  int fd() const { return fd_.get(); }

 private:
  sigset_t old_;
  boxrt::UniqueFd fd_;
};

}  // namespace

std::vector<ReadinessTarget> dependency_targets(Context& ctx, const compose::Project& project,
                                                const std::vector<std::string>& services) {
  std::vector<ReadinessTarget> targets;
  std::set<std::string> seen;
  for (const auto& name : services) {
    const compose::Service* service = project.find_service(name);
    if (!service) continue;
    for (const auto& [dependency, d] : service->depends_on) {
      std::optional<Readiness> want = readiness_of(d.condition);
      if (!want || !seen.insert(dependency).second) continue;
      std::vector<const ContainerRecord*> containers = ctx.state().containers_of(dependency);
      if (containers.empty()) {
        std::string why =
            "service " + name + " depends on " + dependency + ", which has no container";
        if (d.required) throw Error(why);
        ctx.report().warning(why + " (optional dependency, ignored)");
        continue;
      }
      for (const ContainerRecord* c : containers)
        targets.push_back(
            {c->name, dependency, *want, c->healthcheck.has_value(), d.required, true});
    }
  }
  return targets;
}

std::vector<ReadinessTarget> wait_targets(Context& ctx, const std::vector<std::string>& services) {
  std::vector<ReadinessTarget> targets;
  for (const auto& service : services)
    for (const ContainerRecord* c : ctx.state().containers_of(service))
      targets.push_back(
          {c->name, service, Readiness::kRunningOrDone, c->healthcheck.has_value(), true, false});
  return targets;
}

ReadinessWaiter::ReadinessWaiter(const Paths& paths, const std::string& project)
    : client_(subscribe_to(paths, project)) {
  nlohmann::json reply = client_.request({{"op", "subscribe"}});
  nlohmann::json containers = reply.value("containers", nlohmann::json::object());
  for (const auto& [name, state] : containers.items())
    apply(nlohmann::json{{"op", "state"}, {"container", name}, {"state", state}});
}

void ReadinessWaiter::apply(const nlohmann::json& event) {
  if (!event.contains("container")) return;  // a reply, not an event
  std::string op = event.value("op", "");
  std::string name = event.value("container", "");
  View& v = views_[name];
  if (op == "state") {
    const nlohmann::json& s = event.at("state");
    v.state = s.value("state", "");
    v.exit_code = s.value("exit_code", 0);
    v.restarting = s.value("restarting", false);
    v.health = s.value("health", "");
  } else if (op == "exit") {
    v.state = "exited";
    v.exit_code = event.value("code", 0);
    v.restarting = event.value("restarting", false);
    v.health.clear();
  } else if (op == "health") {
    v.health = event.value("health", "");
  } else if (op == "start") {
    v = View{"running", 0, false, event.value("health", "")};
  }
}

ReadinessWaiter::Verdict ReadinessWaiter::judge(const ReadinessTarget& t, std::string& why) const {
  auto it = views_.find(t.container);
  if (it == views_.end()) {
    why = "container " + t.container + " is not watched by the project's supervisor";
    return Verdict::kFailed;
  }
  const View& v = it->second;
  if (t.want == Readiness::kCompletedSuccessfully) {
    if (v.state != "exited" || v.restarting) return Verdict::kWaiting;
    if (v.exit_code == 0) return Verdict::kReady;
    why = "service \"" + t.service + "\" didn't complete successfully: exit " +
          std::to_string(v.exit_code);
    return Verdict::kFailed;
  }
  if (v.state == "exited" && !v.restarting) {
    if (t.want == Readiness::kRunningOrDone && v.exit_code == 0) return Verdict::kReady;
    why = exited_text(t.container, v.exit_code);
    return Verdict::kFailed;
  }
  if (v.state != "running") return Verdict::kWaiting;
  bool check = t.want == Readiness::kHealthy || t.has_healthcheck;
  if (!check) return Verdict::kReady;
  if (!t.has_healthcheck) {
    why = "container " + t.container + " has no healthcheck configured";
    return Verdict::kFailed;
  }
  if (v.health == "healthy") return Verdict::kReady;
  if (v.health == "unhealthy") {
    why = "container " + t.container + " is unhealthy";
    return Verdict::kFailed;
  }
  return Verdict::kWaiting;
}

void ReadinessWaiter::reap_children() {
  for (;;) {
    int status;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    // The reply comes back among the events; apply() passes over it.
    send_message(client_.fd(), {{"op", "reaped"}, {"pid", pid}, {"code", code}});
  }
}

bool ReadinessWaiter::next_event(std::optional<std::chrono::steady_clock::time_point> deadline,
                                 int children) {
  for (;;) {
    int timeout = -1;
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          *deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      timeout = static_cast<int>(left.count()) + 1;
    }
    pollfd p[2] = {{client_.fd(), POLLIN, 0}, {children, POLLIN, 0}};
    int n = ::poll(p, 2, timeout);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error::sys("poll", "supervisor events", errno);
    if (p[1].revents) {
      signalfd_siginfo info;
      while (::read(children, &info, sizeof info) == sizeof info) {
      }
      reap_children();
    }
    if (!(p[0].revents & (POLLIN | POLLHUP))) continue;
    std::optional<Message> msg = receive_message(client_.fd());
    if (!msg) throw Error("the project's supervisor went away while waiting for containers");
    apply(msg->body);
    return true;
  }
}

void ReadinessWaiter::wait(const std::vector<ReadinessTarget>& targets, Reporter& report,
                           std::optional<std::chrono::steady_clock::time_point> deadline) {
  ChildSignals children;
  reap_children();  // exits before SIGCHLD was blocked
  std::vector<bool> settled(targets.size(), false);
  for (const auto& t : targets)
    report.event(progress_event(ResourceKind::Container, t.container, "Waiting", false));
  for (;;) {
    std::size_t waiting = 0;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      if (settled[i]) continue;
      const ReadinessTarget& t = targets[i];
      std::string why;
      Verdict verdict = judge(t, why);
      if (verdict == Verdict::kWaiting) {
        ++waiting;
        continue;
      }
      settled[i] = true;
      if (verdict == Verdict::kReady) {
        report.event(progress_event(ResourceKind::Container, t.container,
                                    ready_word(t, views_[t.container].state), true));
        continue;
      }
      if (t.dependency) why = "dependency failed to start: " + why;
      if (!t.required) {
        report.event(progress_event(ResourceKind::Container, t.container, "Exited", true));
        report.warning("optional dependency " + t.service + " failed: " + why);
        continue;
      }
      report.event(progress_event(ResourceKind::Container, t.container, "Error", true, why));
      throw Error(why);
    }
    if (waiting == 0) return;
    if (!next_event(deadline, children.fd())) {
      std::string names;
      for (std::size_t i = 0; i < targets.size(); ++i)
        if (!settled[i]) names += (names.empty() ? "" : ", ") + targets[i].container;
      throw Error("timed out waiting for " + names + " to be ready");
    }
  }
}

}  // namespace engine
