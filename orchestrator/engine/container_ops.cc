#include "engine/container_ops.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

#include "boximg/fs.h"
#include "boximg/image_config.h"
#include "boxnet/hosts.h"
#include "boxnet/link.h"
#include "boxnet/netns.h"
#include "boxnet/resolv.h"
#include "boxrt/oci_config.h"
#include "boxrt/state.h"
#include "engine/container_create.h"
#include "engine/container_policies.h"
#include "engine/container_spec.h"
#include "engine/error.h"
#include "engine/networks.h"
#include "engine/port_nat.h"
#include "engine/ports.h"
#include "engine/storage.h"

namespace engine {
namespace {

namespace fs = std::filesystem;
using boxrt::UniqueFd;

struct Pipe {
  UniqueFd read, write;
};

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error::sys("pipe", "container output", errno);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Rewrites a file in place (same inode), so a bind mount of it sees the new content.
void write_in_place(const fs::path& path, const std::string& text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) throw Error::sys("open", path.string(), errno);
  if (::ftruncate(fd.get(), 0) != 0) throw Error::sys("truncate", path.string(), errno);
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::pwrite(fd.get(), text.data() + done, text.size() - done, done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error::sys("write", path.string(), errno);
    done += static_cast<std::size_t>(n);
  }
}

boxrt::Mount bind_file(const fs::path& source, const std::string& target) {
  return {target, "bind", source.string(), {"rbind", "rprivate"}};
}

std::string hostname_of(const compose::Service& service, const std::string& id) {
  return service.hostname.empty() ? id.substr(0, 12) : service.hostname;
}

// The peers of every network, as /etc/hosts lists them.
std::vector<net::NetworkPeers> peers_of(const ProjectState& state,
                                        const compose::Project& project) {
  std::map<std::string, net::NetworkPeers> by_network;
  for (const auto& [name, c] : state.containers) {
    const compose::Service* s = project.find_service(c.service);
    for (const auto& e : c.endpoints) {
      net::NetworkPeers& peers = by_network[e.network];
      peers.network = e.network;
      peers.endpoints.push_back({e.address, c.name, c.service,
                                 s ? hostname_of(*s, c.id) : c.id.substr(0, 12), e.aliases});
    }
  }
  std::vector<net::NetworkPeers> out;
  for (auto& [k, v] : by_network)
    out.push_back(std::move(v));
  return out;
}

std::string hosts_for(const ContainerRecord& c, const compose::Service& service,
                      const std::vector<net::NetworkPeers>& all,
                      const std::map<std::string, NetworkRecord>& nets) {
  net::HostsSpec spec;
  spec.container_name = c.name;
  spec.hostname = hostname_of(service, c.id);
  for (const auto& peers : all)
    if (std::any_of(c.endpoints.begin(), c.endpoints.end(),
                    [&](const EndpointRecord& e) { return e.network == peers.network; }))
      spec.networks.push_back(peers);
  // host-gateway: the host as the container reaches it, its first network's gateway.
  std::optional<std::string> gateway;
  if (!c.endpoints.empty())
    if (auto it = nets.find(c.endpoints.front().network); it != nets.end())
      gateway = it->second.gateway;
  for (const auto& entry : service.extra_hosts)
    spec.extra_hosts.push_back(net::parse_extra_host(entry, gateway));
  return net::render_hosts(spec);
}

std::string resolv_for(const compose::Service& service) {
  net::ResolvSpec spec;
  spec.dns = service.dns;
  spec.dns_search = service.dns_search;
  spec.dns_opt = service.dns_opt;
  spec.host_resolv_conf = read_text(net::host_resolv_conf_path());
  return net::render_resolv_conf(spec);
}

// hosts, hostname and resolv.conf for the container, in its run dir.
std::vector<boxrt::Mount> network_files(Context& ctx, const compose::Project& project,
                                        const ContainerRecord& c, const compose::Service& service) {
  fs::path dir = ctx.paths().container_run_dir(project.name, c.name);
  fs::create_directories(dir);
  write_in_place(dir / "hosts",
                 hosts_for(c, service, peers_of(ctx.state(), project), ctx.state().networks));
  write_in_place(dir / "hostname", hostname_of(service, c.id) + "\n");
  write_in_place(dir / "resolv.conf", resolv_for(service));
  return {bind_file(dir / "hosts", "/etc/hosts"), bind_file(dir / "hostname", "/etc/hostname"),
          bind_file(dir / "resolv.conf", "/etc/resolv.conf")};
}

std::string join_path_of(Context& ctx, const std::string& container, const char* ns) {
  boxrt::ContainerState st = ctx.runtime().state(container);
  if (st.status == boxrt::Status::kStopped)
    throw Error("container " + container + " is not running");
  return "/proc/" + std::to_string(st.pid) + "/ns/" + ns;
}

// The first container of a service, for `service:NAME` modes.
std::string first_container_of(Context& ctx, const std::string& service) {
  for (const ContainerRecord* c : ctx.state().containers_of(service))
    return c->name;
  throw Error("service " + service + " has no container");
}

std::string namespace_target(Context& ctx, const std::string& mode, const char* ns,
                             const std::string& service) {
  if (mode.empty() || mode == "private" || mode == "shareable" || mode == "bridge") return "";
  if (mode == "host") return NamespacePlan::kHost;
  if (mode.rfind("service:", 0) == 0)
    return join_path_of(ctx, first_container_of(ctx, mode.substr(8)), ns);
  if (mode.rfind("container:", 0) == 0) return join_path_of(ctx, mode.substr(10), ns);
  if (mode == "none" && std::string(ns) == "net") return "";
  throw Error("service " + service + ": " + ns + " mode \"" + mode + "\" is not supported");
}

NamespacePlan namespaces_for(Context& ctx, const compose::Service& s) {
  NamespacePlan plan;
  plan.network = namespace_target(ctx, s.network_mode, "net", s.name);
  plan.pid = namespace_target(ctx, s.pid, "pid", s.name);
  plan.ipc = namespace_target(ctx, s.ipc, "ipc", s.name);
  plan.uts = s.uts == "host" ? NamespacePlan::kHost : "";
  return plan;
}

// The static init `init: true` runs: next to boxcompose, or $BOXCOMPOSE_INIT.
std::string init_binary() {
  if (const char* env = std::getenv("BOXCOMPOSE_INIT"); env && *env) return env;
  return (self_executable().parent_path() / "boxcompose-init").string();
}

// A network namespace of its own and no network (network_mode none): just a loopback,
// up, as Docker gives it.
void bring_loopback_up(pid_t pid) {
  net::Netns ns = net::Netns::open_pid(pid);
  net::Socket inside = net::Socket::open_in(ns);
  net::set_link_up(inside, 1, "lo");
}

// The runtime container with its output going to the supervisor, plugged into its
// networks, handed to the supervisor; started unless !start. Its published ports are the
// `listeners` bound by the caller or, without them (a restart), bound again first.
void launch(Context& ctx, ContainerRecord& c, const boxrt::ContainerSpec& spec, bool start,
            const StdioAttachment& stdio = {},
            std::optional<std::vector<PortListener>> listeners = std::nullopt) {
  std::vector<PortListener> ports =
      listeners ? std::move(*listeners) : rebind_container_ports(ctx, c);
  Pipe out = make_pipe(), err = make_pipe();
  boxrt::CreateOptions opts;
  opts.stdin_path = "/dev/null";
  opts.stdout_path = "/proc/self/fd/" + std::to_string(out.write.get());
  opts.stderr_path = "/proc/self/fd/" + std::to_string(err.write.get());
  // Attached (`run`): the caller's stdio; the unused pipes just end for the supervisor.
  if (stdio.inherit) {
    opts.stdin_path = opts.stdout_path = opts.stderr_path = "";
    opts.console_socket = stdio.console_socket;
  }
  fs::path run_dir = ctx.paths().container_run_dir(ctx.state().name, c.name);
  fs::create_directories(run_dir);
  fs::remove(run_dir / "exit.json");
  fs::remove(run_dir / "health.json");  // a new process starts its checks over
  spdlog::debug("{}: creating", c.name);
  boxrt::ContainerState st = ctx.runtime().create(c.name, spec, opts);
  spdlog::debug("{}: created, pid {}", c.name, st.pid);
  out.write.reset();
  err.write.reset();
  try {
    attach_endpoints(ctx.host(), st.pid, c.name, c.endpoints, ctx.state().networks);
    const boxrt::Namespace* netns = spec.find_namespace("network");
    if (netns && netns->path.empty() && c.endpoints.empty()) bring_loopback_up(st.pid);
    ctx.supervisor().request({{"op", "watch"},
                              {"container", c.name},
                              {"pid", st.pid},
                              {"start_time", st.pid_start_time},
                              {"log", ctx.paths().container_log(c.name).string()},
                              {"exit_file", (run_dir / "exit.json").string()},
                              {"boxcompose", self_executable().string()},
                              {"health", c.healthcheck ? to_json(*c.healthcheck) : nlohmann::json()},
                              {"restart", to_json(c.restart_policy)},
                              {"restart_count", c.restart_count}},
                             {out.read.get(), err.read.get()});
    hand_ports_to_supervisor(ctx, c, st.pid, ports);
    spdlog::debug("{}: attached and watched", c.name);
    if (start) ctx.runtime().start(c.name);
    spdlog::debug("{}: started", c.name);
  } catch (...) {
    ctx.runtime().remove(c.name, true);
    throw;
  }
}

ContainerRecord new_record(const CreateRequest& req) {
  ContainerRecord c;
  c.name = req.name;
  c.service = req.service->name;
  c.number = req.number;
  c.id = new_container_id();
  c.image = req.service->image;
  c.image_id = req.image->id;
  c.config_hash = req.config_hash;
  c.created = image::now_rfc3339();
  return c;
}

// A pidfd to wait on, or an invalid one when the process is gone.
UniqueFd pidfd_of(pid_t pid) {
  return UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
}

// Waits until every pidfd is readable (its process exited) or the deadline passes.
void wait_exits(std::vector<UniqueFd>& fds, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    std::vector<pollfd> waiting;
    for (auto& fd : fds)
      if (fd) waiting.push_back({fd.get(), POLLIN, 0});
    if (waiting.empty()) return;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    int n = ::poll(waiting.data(), waiting.size(), static_cast<int>(left.count()));
    if (n < 0 && errno != EINTR) throw Error::sys("poll", "container exits", errno);
    for (const auto& p : waiting)
      if (p.revents)
        for (auto& fd : fds)
          if (fd.get() == p.fd) fd.reset();
  }
}

// The runtime removes the container's own cgroup; the project's (boxcompose/<project>)
// and boxcompose/ above it go once no other container is in them. rmdir refuses a
// non-empty cgroup, which is the check.
void remove_empty_parents(const boxrt::CgroupPaths& cgroups) {
  std::set<std::string> dirs;
  for (const auto& [controller, dir] : cgroups.dirs)
    dirs.insert(dir);
  for (const auto& dir : dirs) {
    fs::path project = fs::path(dir).parent_path();
    if (project.parent_path().filename() != "boxcompose") continue;
    if (::rmdir(project.c_str()) == 0) ::rmdir(project.parent_path().c_str());
  }
}

}  // namespace

void build_and_launch(Context& ctx, const CreateRequest& req, ContainerRecord& c) {
  const compose::Service& service = *req.service;
  // First: a port in use fails the create before anything of the container exists.
  std::vector<PortListener> ports = bind_service_ports(ctx, service, req.image->config, c);
  // Always an upper dir, read_only too: the runtime makes the root read-only once it has
  // made the mount points the image lacks (as Docker keeps a writable layer).
  RootfsLayout rootfs =
      mount_rootfs(ctx.paths().container_dir(c.name), req.image->layer_dirs, false);
  c.rootfs_mounted = true;
  spdlog::debug("{}: root mounted", c.name);
  StorageInputs storage;
  storage.root = ctx.paths().root;
  storage.project = req.project;
  storage.service = &service;
  storage.image_volumes.assign(req.image->config.volumes.begin(), req.image->config.volumes.end());
  storage.container_name = c.name;
  storage.rootfs = rootfs;
  StoragePlan mounts = prepare_storage(storage);
  for (const auto& v : mounts.volumes)
    c.volumes.push_back({v.name, v.anonymous, false});
  ctx.save();

  SpecInputs in;
  in.project = req.project;
  in.service = &service;
  in.image = &req.image->config;
  in.container_name = c.name;
  in.container_id = c.id;
  in.rootfs = rootfs.merged;
  in.mounts = network_files(ctx, *req.project, c, service);
  in.mounts.insert(in.mounts.end(), mounts.mounts.begin(), mounts.mounts.end());
  in.namespaces = namespaces_for(ctx, service);
  in.cgroups_path = "boxcompose/" + req.project->name + "/" + c.name;
  in.init_binary = init_binary();
  spdlog::debug("{}: storage ready", c.name);
  ContainerPlan plan = build_container_plan(in);
  for (const auto& w : plan.warnings)
    ctx.report().warning("service " + service.name + ": " + w);
  c.command = plan.spec.process.args;
  c.stop_signal = plan.stop_signal;
  c.stop_grace_ns = plan.stop_grace.count();
  set_container_policies(c, service, req.image->config);
  ctx.save();
  if (!req.stdio.console_socket.empty()) plan.spec.process.terminal = true;
  launch(ctx, c, plan.spec, req.start, req.stdio, std::move(ports));
}

// The record of a new container with its addresses, saved before anything is made.
ContainerRecord& begin_create(Context& ctx, const CreateRequest& req) {
  ContainerRecord& c = ctx.state().containers[req.name] = new_record(req);
  ctx.report().event(progress_event(ResourceKind::Container, c.name, "Creating", false));
  c.endpoints = allocate_endpoints(ctx.paths(), *req.service, c.name, ctx.state().networks);
  ctx.save();
  return c;
}

void finish_create(Context& ctx, const CreateRequest& req) {
  ctx.save();
  // Here, not where the ports are handed over: parallel creates run in children that
  // each see only their own container, and the table is rewritten from the whole state.
  sync_port_nat(ctx);
  ctx.report().event(
      progress_event(ResourceKind::Container, req.name, req.start ? "Started" : "Created", true));
}

// Undoes what a failed create made, and says why it failed.
[[noreturn]] void fail_create(Context& ctx, const CreateRequest& req, const std::string& why) {
  ctx.report().event(progress_event(ResourceKind::Container, req.name, "Error", true, why));
  try {
    remove_container(ctx, req.name, false);
  } catch (const std::exception& cleanup) {
    ctx.report().warning("removing " + req.name + " after a failed create: " + cleanup.what());
  }
  throw Error("service " + req.service->name + ": " + why);
}

void create_container(Context& ctx, const CreateRequest& req) {
  ContainerRecord& c = begin_create(ctx, req);
  try {
    build_and_launch(ctx, req, c);
  } catch (const std::exception& e) {
    fail_create(ctx, req, e.what());
  }
  finish_create(ctx, req);
}

void restart_container(Context& ctx, const std::string& name) {
  ContainerRecord& c = ctx.state().containers.at(name);
  ctx.report().event(progress_event(ResourceKind::Container, name, "Starting", false));
  boxrt::ContainerSpec spec = ctx.runtime().config(name);
  ctx.runtime().remove(name, true);
  launch(ctx, c, spec, true);
  sync_port_nat(ctx);
  ctx.report().event(progress_event(ResourceKind::Container, name, "Started", true));
}

void start_created(Context& ctx, const std::string& name) {
  ctx.report().event(progress_event(ResourceKind::Container, name, "Starting", false));
  ctx.runtime().start(name);
  ctx.report().event(progress_event(ResourceKind::Container, name, "Started", true));
}

void stop_containers(Context& ctx, const std::vector<std::string>& names,
                     std::optional<std::chrono::seconds> timeout) {
  tell_supervisor_stopping(ctx, names);
  auto now = std::chrono::steady_clock::now();
  std::vector<UniqueFd> waits;
  std::vector<std::string> signalled;
  auto latest = now;
  for (const std::string& name : names) {
    if (!ctx.runtime().store().exists(name)) continue;
    boxrt::ContainerState st = ctx.runtime().state(name);
    if (st.status == boxrt::Status::kStopped) continue;
    const ContainerRecord& c = ctx.state().containers.at(name);
    ctx.report().event(progress_event(ResourceKind::Container, name, "Stopping", false));
    UniqueFd fd = pidfd_of(st.pid);
    if (st.status == boxrt::Status::kCreated || st.status == boxrt::Status::kPaused)
      ctx.runtime().kill(name, SIGKILL, true);  // nothing to stop gracefully, or frozen
    else
      ::kill(st.pid, c.stop_signal);
    auto grace = timeout ? std::chrono::duration_cast<std::chrono::nanoseconds>(*timeout)
                         : std::chrono::nanoseconds(c.stop_grace_ns);
    latest = std::max(latest, now + grace);
    waits.push_back(std::move(fd));
    signalled.push_back(name);
  }
  wait_exits(waits, latest);
  for (std::size_t i = 0; i < signalled.size(); ++i)
    if (waits[i]) ctx.runtime().kill(signalled[i], SIGKILL, true);  // grace period over
  wait_exits(waits, std::chrono::steady_clock::now() + std::chrono::seconds(10));
  if (!signalled.empty()) sync_port_nat(ctx);  // their DNATs go with their processes
  for (const std::string& name : signalled)
    ctx.report().event(progress_event(ResourceKind::Container, name, "Stopped", true));
}

void remove_container(Context& ctx, const std::string& name, bool volumes) {
  auto it = ctx.state().containers.find(name);
  if (it == ctx.state().containers.end()) return;
  ContainerRecord& c = it->second;
  if (ctx.runtime().store().exists(name)) {
    boxrt::CgroupPaths cgroups = ctx.runtime().state(name).cgroup;
    ctx.runtime().remove(name, true);
    remove_empty_parents(cgroups);
  }
  detach_endpoints(ctx.host(), c.endpoints);
  remove_container_dir(ctx.paths().container_dir(name));
  if (volumes)
    for (const auto& v : c.volumes)
      if (v.anonymous) remove_volume(ctx.paths().root, v.name);
  release_endpoints(ctx.paths(), name, c.endpoints, ctx.state().networks);
  std::error_code ec;
  fs::remove_all(ctx.paths().container_run_dir(ctx.state().name, name), ec);
  ctx.state().containers.erase(it);
  sync_port_nat(ctx);
  ctx.save();
}

std::string container_state(Context& ctx, const std::string& name) {
  if (!ctx.runtime().store().exists(name)) return "exited";
  return state_word(ctx.runtime().state(name).status);
}

std::string state_word(boxrt::Status status) {
  switch (status) {
    case boxrt::Status::kCreating:
    case boxrt::Status::kCreated:
      return "created";
    case boxrt::Status::kRunning:
      return "running";
    case boxrt::Status::kPaused:
      return "paused";
    case boxrt::Status::kStopped:
      return "exited";
  }
  return "exited";
}

void write_hosts_files(Context& ctx, const compose::Project& project) {
  std::vector<net::NetworkPeers> peers = peers_of(ctx.state(), project);
  for (const auto& [name, c] : ctx.state().containers) {
    const compose::Service* service = project.find_service(c.service);
    fs::path dir = ctx.paths().container_run_dir(project.name, name);
    if (!service || !fs::exists(dir)) continue;
    write_in_place(dir / "hosts", hosts_for(c, *service, peers, ctx.state().networks));
  }
}

}  // namespace engine
