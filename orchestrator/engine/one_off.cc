// `run`: a one-off container of a service (<project>-<service>-run-<12 hex>, number 0 so
// that up/scale never count it as a replica), with the service's config changed as the
// command line says, no published ports, and this process's stdio (or a terminal). Runs
// under the supervisor: the container is our child while we wait for it, the
// supervisor's once we are gone (run -d, or the CLI killed).
#include <cstdio>
#include <memory>
#include <regex>

#include "boximg/error.h"
#include "boximg/image_config.h"
#include "boximg/store.h"
#include "compose/shell_words.h"
#include "engine/container_create.h"
#include "engine/container_ops.h"
#include "engine/engine.h"
#include "engine/error.h"
#include "engine/exec.h"
#include "engine/exit_record.h"
#include "engine/networks.h"
#include "engine/terminal_relay.h"

namespace engine {
namespace {

namespace fs = std::filesystem;

// Warnings go on to the user; the one-off's own progress lines are not shown (as
// docker compose run shows only its dependencies').
class WarningsOnly : public Reporter {
 public:
  explicit WarningsOnly(Reporter& to) : to_(to) {}
  void event(const ProgressEvent&) override {}
  void warning(const std::string& text) override { to_.warning(text); }

 private:
  Reporter& to_;
};

// The service as `run` makes it: command-line overrides, no published ports, no restart.
compose::Service one_off_service(const compose::Service& base, const RunOptions& o) {
  compose::Service s = base;
  if (!o.command.empty()) s.command = o.command;
  if (o.entrypoint) {
    std::optional<std::vector<std::string>> words = compose::split_shell_words(*o.entrypoint);
    if (!words) throw Error("--entrypoint: unbalanced quotes in \"" + *o.entrypoint + "\"");
    s.entrypoint = *words;
  }
  for (const auto& entry : expand_env_flags(o.env)) {
    std::size_t eq = entry.find('=');
    s.environment[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  if (!o.user.empty()) s.user = o.user;
  if (!o.workdir.empty()) s.working_dir = o.workdir;
  s.ports.clear();
  s.restart = "no";
  s.container_name.clear();
  s.tty = o.tty;
  return s;
}

std::string one_off_name(const compose::Project& project, const std::string& service,
                         const RunOptions& o) {
  if (!o.name.empty()) return o.name;
  return project.name + "-" + service + "-run-" + new_container_id().substr(0, 12);
}

// The networks the service is on, made when `up` has not made them yet.
void ensure_service_networks(Context& ctx, const compose::Project& project,
                             const compose::Service& service) {
  for (const auto& key : service_networks(service)) {
    if (ctx.state().networks.count(key)) continue;
    auto it = project.networks.find(key);
    if (it == project.networks.end()) throw Error("network " + key + " is not declared");
    ctx.state().networks[key] = {
        key, it->second.name, "", "", "", it->second.internal, it->second.external};
    ctx.save();  // before the bridge exists: `down` then knows to look for it
    ctx.state().networks[key] = ensure_network(ctx.paths(), ctx.host(), project, it->second);
    ctx.save();
  }
}

void bring_up_dependencies(const Paths& paths, const compose::Project& project,
                           const compose::Service& service, Reporter& report) {
  UpOptions up_opts;
  for (const auto& [dep, d] : service.depends_on)
    up_opts.services.push_back(dep);
  if (up_opts.services.empty()) return;
  up(paths, project, up_opts, report);
}

// What the supervisor would record: our process reaps the container while we wait.
void record_exit(const Paths& paths, const std::string& project, const std::string& name, pid_t pid,
                 int code) {
  fs::path dir = paths.container_run_dir(project, name);
  if (!fs::exists(dir)) return;
  write_exit_record(dir / "exit.json", ExitRecord{code, image::now_rfc3339(), pid});
}

// Another project's container, or a stale directory, may hold the name: the runtime's
// store and the container directories are shared by every project.
bool name_taken(const Paths& paths, const std::string& name) {
  boxrt::Runtime rt(paths.runtime_root());
  return rt.store().exists(name) || fs::exists(paths.container_dir(name));
}

// A create whose command could not be run leaves nothing behind: the record goes with the
// runtime container, root, links and addresses, as after any failed create.
void discard_container(Context& ctx, const std::string& name) {
  try {
    remove_container(ctx, name, false);
  } catch (const std::exception& e) {
    ctx.report().warning("removing " + name + " after its command failed: " + e.what());
  }
}

struct Launched {
  pid_t pid = 0;
  std::optional<int> exec_failure;  // 126/127: the command could not be run
};

// Creates and starts the container, holding the project's lock only meanwhile.
Launched create_one_off(const Paths& paths, const CreateRequest& req, TerminalRelay* relay,
                        Reporter& report) {
  WarningsOnly quiet(report);
  Context ctx(paths, req.project->name, quiet);
  if (!ctx.has_state()) {
    ctx.state().working_dir = req.project->working_dir;
    ctx.state().files = req.project->files;
  }
  if (ctx.state().containers.count(req.name) || name_taken(paths, req.name))
    throw Error("container name \"" + req.name + "\" is already in use");
  ensure_service_networks(ctx, *req.project, *req.service);
  ContainerRecord& c = begin_create(ctx, req);
  try {
    build_and_launch(ctx, req, c);
    if (relay) {
      relay->receive();  // raw mode before the process runs, as a terminal needs it
      ctx.runtime().start(req.name);
    }
  } catch (const boxrt::ExecError& e) {
    std::fprintf(stderr, "%s\n", e.what());  // then 126/127, as a shell would
    discard_container(ctx, req.name);
    return {0, e.exit_status()};
  } catch (const std::exception& e) {
    fail_create(ctx, req, e.what());
  }
  finish_create(ctx, req);
  return {ctx.runtime().state(req.name).pid, std::nullopt};
}

void remove_one_off(const Paths& paths, const std::string& project, const std::string& name,
                    Reporter& report) {
  WarningsOnly quiet(report);
  Context ctx(paths, project, quiet);
  remove_container(ctx, name, true);
}

}  // namespace

void check_run_options(const Paths& paths, const RunOptions& o) {
  if (o.detach && o.remove) throw Error("--rm and -d cannot be combined");
  if (o.name.empty()) return;
  // Docker's rule; it also keeps the name a single plain path component ("..", "a/b").
  static const std::regex valid("[a-zA-Z0-9][a-zA-Z0-9_.-]+");
  if (!std::regex_match(o.name, valid))
    throw Error("invalid container name \"" + o.name +
                "\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed, and at least two characters");
  if (name_taken(paths, o.name)) throw Error("container name \"" + o.name + "\" is already in use");
}

int run(const Paths& paths, const compose::Project& project, const RunOptions& o,
        Reporter& report) {
  check_run_options(paths, o);
  const compose::Service* base = project.find_service(o.service);
  if (!base) throw Error("no such service: " + o.service);
  if (base->image.empty())
    throw Error("service " + o.service + ": no image (building images is not supported yet)");
  image::ResolvedImage image;
  try {
    image = image::Store(paths.root).require(base->image);
  } catch (const image::ImageNotFound& e) {
    throw Error("service " + o.service + ": " + e.what());
  }
  if (!o.no_deps) bring_up_dependencies(paths, project, *base, report);

  compose::Service service = one_off_service(*base, o);
  CreateRequest req{&project, &service, &image, one_off_name(project, o.service, o), 0, "", true};
  std::unique_ptr<TerminalRelay> relay;
  if (!o.detach) req.stdio.inherit = true;
  if (!o.detach && o.tty) {
    relay = std::make_unique<TerminalRelay>();
    req.stdio.console_socket = relay->socket_path();
    req.start = false;  // started once the local terminal is raw
  }
  Launched launched = create_one_off(paths, req, relay.get(), report);
  if (o.detach) {
    std::printf("%s\n", req.name.c_str());
    return 0;
  }
  int code = launched.exec_failure ? *launched.exec_failure
             : relay               ? relay->relay(launched.pid)
                                   : wait_forwarding_signals(launched.pid);
  relay.reset();  // the local terminal back before anything more is printed
  if (!launched.exec_failure) record_exit(paths, project.name, req.name, launched.pid, code);
  if (o.remove) remove_one_off(paths, project.name, req.name, report);
  return code;
}

}  // namespace engine
