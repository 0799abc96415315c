// The nat port driver: the project's nftables table made from its state, and loaded with
// `nft -f -` (spawned directly, the ruleset on its stdin: no shell to quote for).
#include "engine/port_nat.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <set>
#include <sstream>

#include "boxrt/fd.h"
#include "engine/container_ops.h"
#include "engine/error.h"

extern char** environ;

namespace engine {
namespace {

using boxrt::UniqueFd;

bool is_ipv4(const std::string& address) {
  in_addr parsed{};
  return ::inet_pton(AF_INET, address.c_str(), &parsed) == 1;
}

// Bridge names go into the ruleset quoted; ours are short and plain, anything else is
// not ours.
bool plain_interface_name(const std::string& name) {
  if (name.empty() || name.size() > 15) return false;
  for (char ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-' && ch != '.')
      return false;
  return true;
}

void check_port(const NatPort& p) {
  std::string what = p.protocol + " port " + std::to_string(p.host_port);
  if (p.protocol != "tcp" && p.protocol != "udp")
    throw Error("nat: " + what + ": only tcp and udp can be translated");
  if (!is_ipv4(p.host_ip))
    throw Error("nat: " + what + ": host address " + p.host_ip + " is not IPv4");
  if (!is_ipv4(p.address))
    throw Error("nat: " + what + ": container address " + p.address + " is not IPv4");
}

// 0.0.0.0 means every local address of the host, whichever interface it is on. The
// counter shows in `nft list table` whether a published port's traffic takes this path.
std::string dnat_rule(const NatPort& p) {
  check_port(p);
  std::string match = p.host_ip == "0.0.0.0" ? "fib daddr type local" : "ip daddr " + p.host_ip;
  // DNAT comes before routing's martian checks: without this a neighbour sending to
  // 127.0.0.1 would reach a port published on loopback only. Only this host may.
  if (p.host_ip.rfind("127.", 0) == 0) match = "fib saddr type local " + match;
  return match + " " + p.protocol + " dport " + std::to_string(p.host_port) + " counter dnat to " +
         p.address + ":" + std::to_string(p.target);
}

// `{ "bc-1", "bc-2" }`, every name checked: it lands in an nft ruleset.
std::string interface_set(const std::vector<std::string>& bridges) {
  std::string set;
  for (const auto& b : bridges) {
    if (!plain_interface_name(b)) throw Error("nat: bridge name \"" + b + "\" is not plain");
    set += (set.empty() ? "\"" : ", \"") + b + "\"";
  }
  return "{ " + set + " }";
}

// Traffic sent to 127.0.0.1 keeps that source once DNATed out of a bridge; the container
// could not answer it, so it leaves with the bridge's address instead.
std::string masquerade_rule(const std::vector<std::string>& bridges) {
  return "ip saddr 127.0.0.0/8 oifname " + interface_set(bridges) + " masquerade";
}

// route_localnet on a bridge (needed for the replies above) would also let a container
// reach the host's 127.0.0.1 services with crafted packets (CVE-2020-8558). Only
// loopback traffic of our own DNATs may come in that way.
std::string localnet_guard_rule(const std::vector<std::string>& bridges) {
  return "iifname " + interface_set(bridges) +
         " ip daddr 127.0.0.0/8 ct state != { established, related } ct status and dnat == 0 "
         "counter drop";
}

void base_chain(std::ostringstream& out, const char* name, const char* type, const char* hook,
                int priority, const std::string& body) {
  out << "\tchain " << name << " {\n\t\ttype " << type << " hook " << hook << " priority "
      << priority << "; policy accept;\n";
  if (!body.empty()) out << "\t\t" << body << "\n";
  out << "\t}\n";
}

// The first nft on the usual sbin paths; empty when the host has none.
std::string nft_binary() {
  for (const char* path : {"/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft"})
    if (::access(path, X_OK) == 0) return path;
  return "";
}

// Sends all of `text` to the child's stdin. A socket rather than a pipe, so an nft that
// exits early makes send fail with EPIPE instead of killing us with SIGPIPE.
void send_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;  // nft stopped reading: its exit status and stderr say why
    done += static_cast<std::size_t>(n);
  }
}

std::string read_all_from_start(int fd) {
  std::string text;
  char buf[4096];
  ssize_t n;
  off_t at = 0;
  while ((n = ::pread(fd, buf, sizeof buf, at)) > 0) {
    text.append(buf, static_cast<std::size_t>(n));
    at += n;
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text;
}

pid_t spawn_nft(const std::string& nft, int stdin_fd, int stderr_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
  char* argv[] = {const_cast<char*>(nft.c_str()), const_cast<char*>("-f"), const_cast<char*>("-"),
                  nullptr};
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, nft.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw Error::sys("spawn", nft, rc);
  return pid;
}

// Loads `ruleset` with `nft -f -`; throws Error carrying nft's own message.
void run_nft(const std::string& nft, const std::string& ruleset) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    throw Error::sys("socketpair", "nft input", errno);
  UniqueFd ours(sv[0]), theirs(sv[1]);
  // stderr to a memory file: read after nft exits, so neither side waits on the other.
  UniqueFd errors(::memfd_create("nft-stderr", MFD_CLOEXEC));
  if (!errors) throw Error::sys("memfd_create", "nft errors", errno);
  pid_t pid = spawn_nft(nft, theirs.get(), errors.get());
  theirs.reset();
  send_all(ours.get(), ruleset);
  ours.reset();
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw Error::sys("waitpid", nft, errno);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  std::string message = read_all_from_start(errors.get());
  throw Error(nft + " -f - failed" + (message.empty() ? std::string() : ": " + message));
}

// A bridge that is gone needs nothing: `enable` false tolerates it.
void set_route_localnet(const std::string& bridge, bool enable) {
  if (!plain_interface_name(bridge))
    throw Error("nat: bridge name \"" + bridge + "\" is not plain");
  std::string path = "/proc/sys/net/ipv4/conf/" + bridge + "/route_localnet";
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd && !enable && errno == ENOENT) return;
  if (!fd) throw Error::sys("open", path, errno);
  if (::write(fd.get(), enable ? "1" : "0", 1) != 1) throw Error::sys("write", path, errno);
}

// The project's own bridges (not external networks, which other projects may serve)
// that are not in `keep`: route_localnet goes off with the guard that covers it.
void disable_route_localnet_except(const ProjectState& state,
                                   const std::vector<std::string>& keep) {
  for (const auto& [key, net] : state.networks)
    if (!net.external && !net.bridge.empty() &&
        std::find(keep.begin(), keep.end(), net.bridge) == keep.end())
      set_route_localnet(net.bridge, false);
}

// The port driver's problems are said once per command: every container of an `up`
// would repeat them word for word. Per process on purpose: the host does not change
// under one command.
void warn_once(Context& ctx, const std::string& text) {
  static bool warned = false;
  if (warned) return;
  warned = true;
  ctx.report().warning(text);
}

PortDriver driver_of_environment(Context& ctx) {
  std::string unknown;
  PortDriver driver = port_driver_from(std::getenv("BOXCOMPOSE_PORT_DRIVER"), unknown);
  if (!unknown.empty())
    warn_once(ctx, "BOXCOMPOSE_PORT_DRIVER=" + unknown +
                       " is not a port driver (proxy, nat): published ports use the proxy");
  return driver;
}

bool not_stopped(Context& ctx, const ContainerRecord& c) {
  return container_state(ctx, c.name) != "exited";
}

// Records the table before making it (a crash after nft leaves `down` something to
// remove), then loads it. route_localnet is on for exactly the bridges whose guard is
// loaded: off for the others first, on for these only once the guard is in.
void apply_table(Context& ctx, const NatTable& table, const std::string& nft) {
  const std::string recorded = ctx.state().nat_table;
  if (!recorded.empty() && recorded != table.name)  // a name of an earlier version
    run_nft(nft, render_nat_removal(recorded));
  if (recorded != table.name) {
    ctx.state().nat_table = table.name;
    ctx.save();
  }
  disable_route_localnet_except(ctx.state(), table.bridges);
  run_nft(nft, render_nat_ruleset(table));
  for (const auto& bridge : table.bridges)
    set_route_localnet(bridge, true);
}

}  // namespace

PortDriver port_driver_from(const char* value, std::string& unknown) {
  unknown.clear();
  std::string v = value ? value : "";
  if (v.empty() || v == "proxy") return PortDriver::kProxy;
  if (v == "nat") return PortDriver::kNat;
  unknown = v;
  return PortDriver::kProxy;
}

// Project names are [a-z0-9][a-z0-9_-]*, all of it valid in an nft identifier, so two
// projects never share a table (my-app and my_app included). Anything else would be
// a bug upstream; it is replaced rather than handed to nft.
std::string nat_table_name(const std::string& project) {
  std::string name = "boxcompose_" + project;
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-') ch = '_';
  return name;
}

NatTable nat_table_of(const ProjectState& state,
                      const std::function<bool(const ContainerRecord&)>& live) {
  NatTable table{nat_table_name(state.name), {}, {}};
  std::set<std::string> bridges;
  for (const auto& [name, c] : state.containers) {
    if (c.endpoints.empty() || !live(c)) continue;
    const EndpointRecord& first = c.endpoints.front();
    bool any = false;
    for (const auto& p : c.ports) {
      // IPv6 bindings ([::], ::1) and only-exposed ports stay with the proxy.
      if (p.host_port == 0 || !is_ipv4(p.host_ip)) continue;
      if (p.protocol != "tcp" && p.protocol != "udp") continue;
      table.ports.push_back({p.host_ip, p.host_port, p.protocol, first.address, p.target});
      any = true;
    }
    auto net = state.networks.find(first.network);
    if (any && net != state.networks.end() && !net->second.bridge.empty())
      bridges.insert(net->second.bridge);
  }
  table.bridges.assign(bridges.begin(), bridges.end());
  return table;
}

std::string render_nat_ruleset(const NatTable& table) {
  std::ostringstream ports;
  for (const auto& p : table.ports)
    ports << "\t\t" << dnat_rule(p) << "\n";
  std::ostringstream out;
  // add + delete first: the table is replaced whole, whether it existed or not.
  out << "add table ip " << table.name << "\ndelete table ip " << table.name << "\n";
  out << "table ip " << table.name << " {\n";
  out << "\tchain ports {\n" << ports.str() << "\t}\n";
  // Locally made connections (to 127.0.0.1 too) pass output; those of other hosts and
  // namespaces pass prerouting. Both take the same DNATs.
  base_chain(out, "output", "nat", "output", -100, "jump ports");
  base_chain(out, "prerouting", "nat", "prerouting", -100, "jump ports");
  base_chain(out, "postrouting", "nat", "postrouting", 100,
             table.bridges.empty() ? "" : masquerade_rule(table.bridges));
  if (!table.bridges.empty())
    base_chain(out, "localnet_guard", "filter", "input", 0, localnet_guard_rule(table.bridges));
  out << "}\n";
  return out.str();
}

std::string render_nat_removal(const std::string& table) {
  return "add table ip " + table + "\ndelete table ip " + table + "\n";
}

void sync_port_nat(Context& ctx) {
  NatTable table{nat_table_name(ctx.state().name), {}, {}};
  try {
    if (driver_of_environment(ctx) == PortDriver::kNat)
      table =
          nat_table_of(ctx.state(), [&](const ContainerRecord& c) { return not_stopped(ctx, c); });
    if (table.ports.empty()) return remove_port_nat(ctx);
    std::string nft = nft_binary();
    if (nft.empty()) {
      warn_once(ctx,
                "port driver nat was requested but this host lacks nft (/usr/sbin/nft, "
                "Debian package nftables): published ports use the proxy alone");
      return;
    }
    apply_table(ctx, table, nft);
  } catch (const std::exception& e) {
    warn_once(
        ctx, std::string("port driver nat: ") + e.what() + ": published ports use the proxy alone");
    try {
      remove_port_nat(ctx);  // stale DNATs could send traffic to a container now gone
    } catch (const std::exception&) {
      // Said above; `down` tries again and fails loudly then.
    }
  }
}

void remove_port_nat(Context& ctx) {
  const std::string table = ctx.state().nat_table;
  if (table.empty()) return;
  disable_route_localnet_except(ctx.state(), {});  // before its guard goes
  std::string nft = nft_binary();
  if (nft.empty())
    throw Error("removing nftables table ip " + table + ": this host has no nft any more");
  try {
    run_nft(nft, render_nat_removal(table));
  } catch (const Error& e) {
    throw e.with_context("removing nftables table ip " + table);
  }
  ctx.state().nat_table.clear();
  ctx.save();
}

}  // namespace engine
