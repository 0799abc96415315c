// bench_netlink_attach [iterations]
//
// Attaches a network namespace to a bridge (veth create, move, address, route, up) with
// the netlink module, and with the same steps as `ip` commands, and prints both medians
// and their ratio. Everything happens in a "host" namespace and a "container" namespace
// this program creates; the real host's network is never touched.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "boxnet/addr.h"
#include "boxnet/endpoint.h"
#include "boxnet/error.h"
#include "boxnet/link.h"
#include "boxnet/netns.h"
#include "boxnet/network.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

const net::Subnet kSubnet = net::Subnet::parse("10.99.0.0/24");
const net::Ipv4 kGateway = net::Ipv4::parse("10.99.0.1");
const net::Ipv4 kAddress = net::Ipv4::parse("10.99.0.2");
const char* kBridge = "bcbench0";
const char* kVeth = "vcbench0";
const net::Mac kMac = {0x02, 0x42, 0x0a, 0x63, 0x00, 0x02};

// Runs `ip args...` in the calling thread's network namespace (a child inherits the
// namespace of the thread that spawns it) and fails loudly if it fails.
void ip(std::vector<std::string> args) {
  args.insert(args.begin(), "ip");
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, "ip", nullptr, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("cannot run ip");
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string line;
    for (const auto& a : args)
      line += a + " ";
    throw std::runtime_error("failed: " + line);
  }
}

void attach_with_ip(const net::Netns& host, const net::Netns& container) {
  net::run_in(host, [&] {
    // One queue per end, as the library makes them (see create_veth).
    ip({"link",
        "add",
        kVeth,
        "mtu",
        "1500",
        "numtxqueues",
        "1",
        "numrxqueues",
        "1",
        "master",
        kBridge,
        "up",
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "mtu",
        "1500",
        "numtxqueues",
        "1",
        "numrxqueues",
        "1",
        "address",
        net::mac_str(kMac),
        "netns",
        container.path()});
  });
  net::run_in(container, [] {
    ip({"link", "set", "eth0", "up"});
    ip({"addr", "add", kAddress.str() + "/24", "dev", "eth0"});
    ip({"route", "add", "default", "via", kGateway.str(), "dev", "eth0"});
    ip({"link", "set", "lo", "up"});
  });
}

net::EndpointConfig endpoint(int bridge_ifindex) {
  net::EndpointConfig config;
  config.bridge = kBridge;
  config.bridge_ifindex = bridge_ifindex;  // as the engine has it from create_network
  config.host_veth = kVeth;
  config.address = kAddress;
  config.prefix = kSubnet.prefix;
  config.gateway = kGateway;
  config.mac = kMac;
  return config;
}

// Opens its own socket in the container, as `ip` must.
void attach_in_process(net::Socket& host, int bridge_ifindex, const net::Netns& container) {
  if (!net::attach(host, container, endpoint(bridge_ifindex))) {
    throw std::runtime_error("veth already there");
  }
}

// With the container's socket kept from an earlier attach (a container on several networks).
void attach_with_socket(net::Socket& host, int bridge_ifindex, net::Socket& inside,
                        const net::Netns& container) {
  if (!net::attach(host, inside, container, endpoint(bridge_ifindex))) {
    throw std::runtime_error("veth already there");
  }
}

// Times `attach` only; the detach between runs is not counted.
std::vector<double> time_runs(int iterations, const std::function<void()>& attach,
                              const std::function<void()>& detach) {
  std::vector<double> micros;
  for (int i = 0; i < iterations + 3; ++i) {
    auto start = Clock::now();
    attach();
    auto end = Clock::now();
    detach();
    if (i >= 3) micros.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  return micros;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * (v.size() - 1))];
}

// Checks the container really got its address, so both methods do the same work.
void verify(const net::Netns& container) {
  net::Socket inside = net::Socket::open_in(container);
  for (const auto& a : net::list_addresses(inside)) {
    if (a.ip == kAddress) return;
  }
  throw std::runtime_error("attach left the container without its address");
}

}  // namespace

int main(int argc, char** argv) {
  if (geteuid() != 0) {
    std::fprintf(stderr, "bench_netlink_attach needs root (it creates network namespaces)\n");
    return 1;
  }
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 100;
  try {
    net::Netns host_ns = net::Netns::create();
    net::Netns container = net::Netns::create();
    net::Socket host = net::Socket::open_in(host_ns);
    const int bridge = net::create_network(host, {kBridge, kSubnet, kGateway, 1500, false}).ifindex;
    auto detach = [&] { net::detach(host, kVeth); };

    auto lib = time_runs(
        iterations, [&] { attach_in_process(host, bridge, container); }, detach);
    attach_in_process(host, bridge, container);
    verify(container);
    detach();
    net::Socket inside = net::Socket::open_in(container);
    auto kept = time_runs(
        iterations, [&] { attach_with_socket(host, bridge, inside, container); }, detach);
    auto cmd = time_runs(
        iterations, [&] { attach_with_ip(host_ns, container); }, detach);
    attach_with_ip(host_ns, container);
    verify(container);
    detach();
    net::delete_network(host, kBridge);

    std::printf("attach one netns to a bridge (veth create+move, address, route, up), %d runs\n",
                iterations);
    std::printf("  %-24s median %9.1f us   p90 %9.1f us\n", "in-process (netlink)", median(lib),
                percentile(lib, 0.9));
    std::printf("  %-24s median %9.1f us   p90 %9.1f us\n", "  same, socket kept", median(kept),
                percentile(kept, 0.9));
    std::printf("  %-24s median %9.1f us   p90 %9.1f us\n", "ip commands (5 execs)", median(cmd),
                percentile(cmd, 0.9));
    std::printf("  ratio (ip / in-process)  %.1fx\n", median(cmd) / median(lib));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_netlink_attach: %s\n", e.what());
    return 1;
  }
  return 0;
}
