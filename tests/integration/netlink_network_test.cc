// The netlink module against the real kernel. Every test works inside a "host" network
// namespace it creates, plus container namespaces it creates; nothing touches the real
// host's links, routes or firewall, and traffic only flows between those namespaces.
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "boxnet/addr.h"
#include "boxnet/endpoint.h"
#include "boxnet/error.h"
#include "boxnet/ipam.h"
#include "boxnet/isolation.h"
#include "boxnet/kernel_names.h"
#include "boxnet/link.h"
#include "boxnet/netns.h"
#include "boxnet/network.h"
#include "boxnet/qdisc.h"
#include "boxnet/route.h"
#include "boxnet/rule.h"

namespace {

using net::Ipv4;
using net::Netns;
using net::Socket;
using net::Subnet;

constexpr uint16_t kPort = 7070;

int count_netns_fds() {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink(entry.path(), ec);
    if (!ec && target.string().rfind("net:[", 0) == 0) ++count;
  }
  return count;
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

sockaddr_in sockaddr_of(Ipv4 ip, uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(ip.value);
  return sa;
}

// A listening socket made inside ns: sockets belong to the namespace they were made in,
// whichever thread uses them later.
Fd listen_in(const Netns& ns, uint16_t port) {
  return net::run_in(ns, [port] {
    Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in sa = sockaddr_of(Ipv4{0}, port);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
        ::listen(fd.get(), 8) != 0) {
      throw std::runtime_error(std::string("listen: ") + std::strerror(errno));
    }
    return fd;
  });
}

// Connects from inside ns within timeout; an invalid Fd if it cannot.
Fd connect_from(const Netns& ns, Ipv4 dst, uint16_t port, std::chrono::milliseconds timeout) {
  return net::run_in(ns, [&] {
    Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    sockaddr_in sa = sockaddr_of(dst, port);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 &&
        errno != EINPROGRESS) {
      return Fd();
    }
    pollfd p{fd.get(), POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof err;
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1 ||
        ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
      return Fd();
    }
    ::fcntl(fd.get(), F_SETFL, 0);
    return fd;
  });
}

bool send_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// A one-shot echo: a server in `server_ns` answers one message; true if the client in
// `client_ns` got its message back.
bool tcp_echo(const Netns& server_ns, Ipv4 server_ip, const Netns& client_ns,
              std::chrono::milliseconds timeout) {
  Fd listener = listen_in(server_ns, kPort);
  std::thread server([&] {
    pollfd p{listener.get(), POLLIN, 0};
    if (::poll(&p, 1, 4000) != 1) return;
    Fd conn(::accept(listener.get(), nullptr, nullptr));
    char buf[64];
    ssize_t n = ::recv(conn.get(), buf, sizeof buf, 0);
    if (n > 0) send_all(conn.get(), buf, static_cast<size_t>(n));
  });
  bool ok = false;
  Fd client = connect_from(client_ns, server_ip, kPort, timeout);
  if (client.get() >= 0 && send_all(client.get(), "ping", 4)) {
    char buf[8] = {};
    ok = ::recv(client.get(), buf, sizeof buf, 0) == 4 && std::string(buf, 4) == "ping";
  }
  // Unblock the server if nobody connected.
  ::shutdown(listener.get(), SHUT_RDWR);
  server.join();
  return ok;
}

// A fresh port may take a moment to forward (the kernel's link watch runs asynchronously),
// so a first SYN can be lost and resent after a second: allow for that when expecting
// success. Inside one host a blocked connection never completes, so failure is decided fast.
bool reachable(const Netns& from, const Netns& to, Ipv4 to_ip) {
  return tcp_echo(to, to_ip, from, std::chrono::milliseconds(3000));
}

bool unreachable(const Netns& from, const Netns& to, Ipv4 to_ip) {
  return !tcp_echo(to, to_ip, from, std::chrono::milliseconds(500));
}

// What a TCP connect from `from` to a listener at to_ip in `to` gets: 0 if it connects,
// otherwise its errno, ETIMEDOUT if nothing answered in time.
int connect_result(const Netns& from, const Netns& to, Ipv4 to_ip,
                   std::chrono::milliseconds timeout) {
  Fd listener = listen_in(to, kPort);
  return net::run_in(from, [&] {
    Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    sockaddr_in sa = sockaddr_of(to_ip, kPort);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0) return 0;
    if (errno != EINPROGRESS) return errno;
    pollfd p{fd.get(), POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return ETIMEDOUT;
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    return err;
  });
}

// Refused by the forwarding host: its ICMP "administratively prohibited" fails the connect
// with EHOSTUNREACH at once. The timeout only covers a first SYN lost on a fresh port.
bool refused(const Netns& from, const Netns& to, Ipv4 to_ip) {
  return connect_result(from, to, to_ip, std::chrono::milliseconds(3000)) == EHOSTUNREACH;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  return text;
}

// /proc/sys/net shows the namespace of the thread that opens it, so a thread inside ns
// reads and writes ns's own settings and no one else's.
std::string sysctl_in(const Netns& ns, const std::string& key) {
  return net::run_in(ns, [&] { return read_text("/proc/sys/net/" + key); });
}

void set_sysctl_in(const Netns& ns, const std::string& key, const std::string& value) {
  net::run_in(ns, [&] {
    std::ofstream out("/proc/sys/net/" + key);
    out << value;
    out.close();
    if (!out) throw std::runtime_error("cannot write /proc/sys/net/" + key);
  });
}

bool is_default_rule(const net::Rule& rule) {
  return rule.iif.empty() && !rule.dst && rule.action == net::Rule::Action::lookup &&
         ((rule.priority == 0 && rule.table == RT_TABLE_LOCAL) ||
          (rule.priority == 32766 && rule.table == RT_TABLE_MAIN) ||
          (rule.priority == 32767 && rule.table == RT_TABLE_DEFAULT));
}

class NetlinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces";
    baseline_netns_fds_ = count_netns_fds();
    host_ns_.emplace(Netns::create());
    host_.emplace(Socket::open_in(*host_ns_));
  }

  // Asserts that everything the test made is gone before dropping the namespaces, so a
  // leak in the library shows here rather than being hidden by namespace teardown.
  void TearDown() override {
    if (!host_) return;
    for (const auto& link : net::list_links(*host_)) {
      EXPECT_EQ(link.name, "lo") << "link left behind: " << link.name;
    }
    for (const auto& addr : net::list_addresses(*host_)) {
      ADD_FAILURE() << "address left behind: " << addr.ip.str() << " on ifindex " << addr.ifindex;
    }
    for (const auto& q : net::list_qdiscs(*host_)) {
      EXPECT_EQ(q.ifindex, 1) << "qdisc left behind: " << q.kind << " on ifindex " << q.ifindex;
      EXPECT_NE(q.kind, "tbf");
    }
    for (const auto& rule : net::list_rules(*host_)) {
      EXPECT_TRUE(is_default_rule(rule)) << "rule left behind: " << rule.str();
    }
    for (const auto& route : net::list_table_routes(*host_, net::kIsolationTable)) {
      ADD_FAILURE() << "isolation route left behind: " << route.str();
    }
    expect_real_host_untouched();
    containers_.clear();
    host_.reset();
    host_ns_.reset();
    EXPECT_EQ(count_netns_fds(), baseline_netns_fds_) << "network namespace handle left open";
  }

  // The real host's rules and tables are only ever read, here to prove that nothing of
  // ours reached them.
  void expect_real_host_untouched() {
    Socket real_host = Socket::open();
    for (const auto& rule : net::list_rules(real_host)) {
      EXPECT_FALSE(rule.priority == net::kIsolationPriority && rule.iif.rfind("bc", 0) == 0)
          << "isolation rule in the real host: " << rule.str();
    }
    EXPECT_TRUE(net::list_table_routes(real_host, net::kIsolationTable).empty());
  }

  const Netns& container() { return containers_.emplace_back(Netns::create()); }

  std::string unique(const std::string& base) {
    return base + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++);
  }

  // A network from IPAM, made on the test's host namespace.
  net::NetworkConfig network(const net::NetworkLease& lease, bool internal = false) {
    net::NetworkConfig config{net::bridge_name(project_, lease.name), lease.subnet, lease.gateway,
                              1500, internal};
    net::LinkResult bridge = net::create_network(*host_, config);
    EXPECT_TRUE(bridge.acted);
    bridges_[config.bridge] = bridge.ifindex;
    return config;
  }

  Ipv4 attach(const Netns& ns, const std::string& container, const net::NetworkConfig& network,
              const std::string& network_name, int index, net::Bandwidth bw = {}) {
    Ipv4 ip = ipam_.allocate(network_name, container);
    net::EndpointConfig config;
    config.bridge = network.bridge;
    config.host_veth = net::host_veth_name(container, network_name);
    config.ifname = net::container_ifname(index);
    config.address = ip;
    config.prefix = network.subnet.prefix;
    if (!network.internal) config.gateway = network.gateway;
    config.mac = net::container_mac(container, network_name);
    config.bandwidth = bw;
    config.bridge_ifindex = bridges_[network.bridge];
    EXPECT_TRUE(net::attach(*host_, ns, config));
    return ip;
  }

  const net::NetworkLease& lease(const std::string& name,
                                 std::optional<Subnet> subnet = std::nullopt) {
    return ipam_.add_network({name, subnet, std::nullopt, std::nullopt}, {});
  }

  std::optional<Netns> host_ns_;
  std::optional<Socket> host_;
  std::deque<Netns> containers_;  // deque: references stay valid as it grows
  net::Ipam ipam_;
  std::map<std::string, int> bridges_;  // name -> ifindex, as create_network returned it
  std::string project_ = unique("proj");
  int baseline_netns_fds_ = 0;
  int counter_ = 0;
};

TEST_F(NetlinkTest, TwoNamespacesOnOneBridgeExchangeTcp) {
  auto front = network(lease("front"));
  const Netns& a = container();
  const Netns& b = container();
  Ipv4 ip_a = attach(a, "web-1", front, "front", 0);
  attach(b, "db-1", front, "front", 0);
  EXPECT_TRUE(reachable(b, a, ip_a));
  EXPECT_TRUE(net::delete_network(*host_, front.bridge));
}

TEST_F(NetlinkTest, NamespacesOnTwoBridgesCannotConnect) {
  auto front = network(lease("front"));
  auto back = network(lease("back"));
  const Netns& a = container();
  const Netns& b = container();
  Ipv4 ip_a = attach(a, "web-1", front, "front", 0);
  Ipv4 ip_b = attach(b, "db-1", back, "back", 0);
  EXPECT_TRUE(unreachable(b, a, ip_a));
  EXPECT_TRUE(unreachable(a, b, ip_b));
  EXPECT_TRUE(net::delete_network(*host_, front.bridge));
  EXPECT_TRUE(net::delete_network(*host_, back.bridge));
}

TEST_F(NetlinkTest, NamespaceOnBothNetworksReachesBoth) {
  auto front = network(lease("front"));
  auto back = network(lease("back"));
  const Netns& web = container();
  const Netns& api = container();
  const Netns& db = container();
  Ipv4 web_ip = attach(web, "web-1", front, "front", 0);
  Ipv4 api_front = attach(api, "api-1", front, "front", 0);
  Ipv4 api_back = attach(api, "api-1", back, "back", 1);
  Ipv4 db_ip = attach(db, "db-1", back, "back", 0);
  EXPECT_TRUE(reachable(api, web, web_ip));
  EXPECT_TRUE(reachable(api, db, db_ip));
  EXPECT_TRUE(reachable(web, api, api_front));
  EXPECT_TRUE(reachable(db, api, api_back));
  EXPECT_TRUE(unreachable(web, db, db_ip));
  EXPECT_TRUE(net::delete_network(*host_, front.bridge));
  EXPECT_TRUE(net::delete_network(*host_, back.bridge));
}

// The container side as `ip addr` / `ip route` would show it.
struct Inside {
  std::vector<net::AddressInfo> addresses;
  std::vector<net::RouteInfo> routes;
  std::vector<net::LinkInfo> links;
};

Inside look_inside(const Netns& ns) {
  Socket s = Socket::open_in(ns);
  Inside in{{}, net::list_routes(s), net::list_links(s)};
  for (const auto& a : net::list_addresses(s)) {
    if (a.ifindex != 1) in.addresses.push_back(a);  // loopback's 127.0.0.1 is not ours
  }
  return in;
}

TEST_F(NetlinkTest, StaticAddressAndIpRangeHonored) {
  const auto& l = ipam_.add_network({"front", Subnet::parse("10.123.0.0/16"),
                                     Ipv4::parse("10.123.0.254"), Subnet::parse("10.123.7.0/24")},
                                    {});
  auto front = network(l);
  ipam_.allocate("front", "db-1", Ipv4::parse("10.123.1.5"));
  const Netns& web = container();
  const Netns& db = container();
  Ipv4 web_ip = attach(web, "web-1", front, "front", 0);
  Ipv4 db_ip = attach(db, "db-1", front, "front", 0);
  EXPECT_EQ(web_ip.str(), "10.123.7.0");  // the range's first address is a usable host here
  EXPECT_EQ(db_ip.str(), "10.123.1.5");
  Inside in = look_inside(db);
  EXPECT_EQ(in.addresses.size(), 1u);
  for (const auto& a : in.addresses) {
    EXPECT_EQ(a.ip.str(), "10.123.1.5");
    EXPECT_EQ(a.prefix, 16);
  }
  bool has_default = false;
  for (const auto& r : in.routes)
    has_default |= r.str() == "default via 10.123.0.254 dev eth0";
  EXPECT_TRUE(has_default);
  EXPECT_TRUE(reachable(web, db, db_ip));
  EXPECT_TRUE(net::delete_network(*host_, front.bridge));
}

TEST_F(NetlinkTest, InternalNetworkHasNoDefaultRoute) {
  auto internal = network(lease("secret"), true);
  const Netns& a = container();
  attach(a, "vault-1", internal, "secret", 0);
  Inside in = look_inside(a);
  for (const auto& r : in.routes)
    EXPECT_NE(r.dst.prefix, 0) << r.str();
  bool lo_up = false;
  for (const auto& link : in.links)
    lo_up |= link.name == "lo" && link.up;
  EXPECT_TRUE(lo_up);
  EXPECT_TRUE(net::delete_network(*host_, internal.bridge));
}

TEST_F(NetlinkTest, SubnetOverlappingAHostRouteIsRefused) {
  // A route in the test's own "host" namespace; the real host's routes are only read.
  auto taken = net::ensure_bridge(*host_, "bctaken0", 1500);
  net::add_address(*host_, taken.ifindex, "bctaken0", Ipv4::parse("10.200.0.1"), 16);
  auto routes = net::list_routes(*host_);
  try {
    ipam_.add_network({"front", Subnet::parse("10.200.5.0/24"), std::nullopt, std::nullopt},
                      routes);
    ADD_FAILURE() << "overlap accepted";
  } catch (const net::Error& e) {
    EXPECT_NE(std::string(e.what()).find("overlaps host route 10.200.0.0/16 dev bctaken0"),
              std::string::npos)
        << e.what();
  }
  // Picking from the pool skips what is taken.
  net::Ipam ipam(Subnet::parse("10.200.0.0/15"), 16);
  EXPECT_EQ(ipam.add_network({"auto", {}, {}, {}}, routes).subnet.str(), "10.201.0.0/16");
  EXPECT_NO_THROW(net::list_routes(*host_));
  Socket real_host = Socket::open();  // read only
  EXPECT_NO_THROW(net::list_routes(real_host));
  EXPECT_TRUE(net::delete_bridge(*host_, "bctaken0"));
}

TEST_F(NetlinkTest, CreateAndDeleteAreIdempotent) {
  auto config = network(lease("front"));
  EXPECT_FALSE(net::create_network(*host_, config).acted);
  const Netns& a = container();
  net::EndpointConfig ep{config.bridge,
                         net::host_veth_name("w", "front"),
                         "eth0",
                         ipam_.allocate("front", "w"),
                         24,
                         config.gateway,
                         1500,
                         {},
                         {}};
  EXPECT_TRUE(net::attach(*host_, a, ep));
  EXPECT_FALSE(net::attach(*host_, a, ep));
  EXPECT_TRUE(net::detach(*host_, ep.host_veth));
  EXPECT_FALSE(net::detach(*host_, ep.host_veth));
  EXPECT_TRUE(look_inside(a).addresses.empty());  // the container end went with it
  EXPECT_TRUE(net::delete_network(*host_, config.bridge));
  EXPECT_FALSE(net::delete_network(*host_, config.bridge));
}

TEST_F(NetlinkTest, DeletingANetworkRemovesItsVeths) {
  auto config = network(lease("front"));
  const Netns& a = container();
  const Netns& b = container();
  attach(a, "a", config, "front", 0, {0, 8'000'000});
  attach(b, "b", config, "front", 0);
  EXPECT_EQ(net::list_links(*host_).size(), 4u);  // lo, bridge, two veths
  EXPECT_TRUE(net::delete_network(*host_, config.bridge));
  EXPECT_TRUE(look_inside(a).addresses.empty());
}

TEST_F(NetlinkTest, FailedAttachRollsBack) {
  auto config = network(lease("front"));
  const Netns& a = container();
  net::EndpointConfig ep{config.bridge,
                         net::host_veth_name("w", "front"),
                         "eth0",
                         Ipv4::parse("10.89.0.9"),
                         24,
                         Ipv4::parse("10.77.0.1"),
                         1500,
                         {},
                         {}};
  try {
    net::attach(*host_, a, ep);
    ADD_FAILURE() << "unreachable gateway accepted";
  } catch (const net::Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "add route default via 10.77.0.1 dev eth0: Network is unreachable");
    EXPECT_EQ(e.code(), ENETUNREACH);
  }
  EXPECT_FALSE(net::find_link(*host_, ep.host_veth));
  EXPECT_EQ(look_inside(a).links.size(), 1u);  // only lo
  EXPECT_TRUE(net::delete_network(*host_, config.bridge));
}

TEST_F(NetlinkTest, ErrorsNameTheObjectAndOperation) {
  const Netns& a = container();
  Socket inside = Socket::open_in(a);
  net::VethSpec taken{"eth0", "x", std::nullopt, 1500, {}, 0, false};
  net::create_veth(inside, taken);  // makes eth0 inside the container
  net::VethSpec spec{"vcdeadbeef", "eth0", net::NetnsTarget::of(a), 1500, {}, 0, true};
  try {
    net::create_veth(*host_, spec);
    ADD_FAILURE() << "name clash accepted";
  } catch (const net::Error& e) {
    EXPECT_EQ(std::string(e.what()), "create veth vcdeadbeef <-> eth0: File exists");
    EXPECT_EQ(e.code(), EEXIST);
  }
  EXPECT_FALSE(net::find_link(*host_, "vcdeadbeef"));
}

TEST_F(NetlinkTest, MoveLinkByFdAndByPid) {
  const Netns& by_fd = container();
  net::create_veth(*host_, {"vcmove0", "vcmove1", std::nullopt, 1500, {}, 0, false});
  net::move_link(*host_, "vcmove1", net::NetnsTarget::of(by_fd), "eth3");
  EXPECT_FALSE(net::find_link(*host_, "vcmove1"));
  Socket inside = Socket::open_in(by_fd);
  EXPECT_TRUE(net::find_link(inside, "eth3"));

  // A thread in its own namespace stands in for a container's pid.
  std::mutex m;
  std::condition_variable cv;
  pid_t tid = 0;
  bool done = false;
  std::thread holder([&] {
    ::unshare(CLONE_NEWNET);
    std::unique_lock lock(m);
    tid = ::gettid();
    cv.notify_all();
    cv.wait(lock, [&] { return done; });
  });
  {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return tid != 0; });
  }
  net::create_veth(*host_, {"vcmove2", "vcmove3", std::nullopt, 1500, {}, 0, false});
  net::move_link(*host_, "vcmove3", net::NetnsTarget::of_pid(tid), "eth4");
  Netns by_pid = Netns::open_pid(tid);
  Socket pid_sock = Socket::open_in(by_pid);
  EXPECT_TRUE(net::find_link(pid_sock, "eth4"));
  {
    std::lock_guard lock(m);
    done = true;
  }
  cv.notify_all();
  holder.join();
  EXPECT_TRUE(net::delete_link(*host_, "vcmove0"));
  EXPECT_TRUE(net::delete_link(*host_, "vcmove2"));
}

// Bytes per second the receiver in `to` sees while `from` sends `total` bytes, timed from
// the first byte received to the last so connection set-up does not count.
double measure_throughput(const Netns& from, const Netns& to, Ipv4 to_ip, size_t total) {
  Fd listener = listen_in(to, kPort + 1);
  double rate = 0;
  std::thread receiver([&] {
    pollfd p{listener.get(), POLLIN, 0};
    if (::poll(&p, 1, 6000) != 1) return;
    Fd conn(::accept(listener.get(), nullptr, nullptr));
    timeval limit{10, 0};  // bounded even if the shaping is broken
    ::setsockopt(conn.get(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    std::vector<char> buf(64 * 1024);
    size_t got = 0, first = 0;
    auto start = std::chrono::steady_clock::now(), end = start;
    for (ssize_t n; got < total && (n = ::recv(conn.get(), buf.data(), buf.size(), 0)) > 0;) {
      if (got == 0) {
        start = std::chrono::steady_clock::now();
        first = static_cast<size_t>(n);
      }
      got += static_cast<size_t>(n);
      end = std::chrono::steady_clock::now();
    }
    std::chrono::duration<double> seconds = end - start;
    if (got == total && seconds.count() > 0) rate = (got - first) / seconds.count();
  });
  // A fresh bridge port may drop the first SYN; the retry comes about a second later.
  Fd client = connect_from(from, to_ip, kPort + 1, std::chrono::milliseconds(5000));
  std::vector<char> data(total, 'x');
  if (client.get() >= 0) send_all(client.get(), data.data(), data.size());
  receiver.join();
  return rate;
}

constexpr uint64_t kLimitBits = 8'000'000;
// 2 MB at 8 Mbit/s: about two seconds per direction.
constexpr size_t kTransfer = 2'000'000;

TEST_F(NetlinkTest, TbfLimitsWhatAContainerReceives) {
  auto front = network(lease("front"));
  const Netns& limited = container();
  const Netns& sender = container();
  Ipv4 ip = attach(limited, "limited", front, "front", 0, {0, kLimitBits});
  attach(sender, "sender", front, "front", 0);
  double bits = measure_throughput(sender, limited, ip, kTransfer) * 8;
  std::printf("measured %.2f Mbit/s against a limit of 8 Mbit/s\n", bits / 1e6);
  EXPECT_NEAR(bits, kLimitBits, kLimitBits * 0.2);
  EXPECT_TRUE(net::delete_network(*host_, front.bridge));
}

TEST_F(NetlinkTest, TbfLimitsWhatAContainerSends) {
  auto front = network(lease("front"));
  const Netns& limited = container();
  const Netns& receiver = container();
  attach(limited, "limited", front, "front", 0, {kLimitBits, 0});
  Ipv4 ip = attach(receiver, "receiver", front, "front", 0);
  double bits = measure_throughput(limited, receiver, ip, kTransfer) * 8;
  std::printf("measured %.2f Mbit/s against a limit of 8 Mbit/s\n", bits / 1e6);
  EXPECT_NEAR(bits, kLimitBits, kLimitBits * 0.2);
  EXPECT_TRUE(net::delete_network(*host_, front.bridge));
}

TEST_F(NetlinkTest, UnlimitedIsMuchFasterThanTheLimit) {
  auto front = network(lease("front"));
  const Netns& a = container();
  const Netns& b = container();
  Ipv4 ip = attach(a, "a", front, "front", 0);
  attach(b, "b", front, "front", 0);
  EXPECT_GT(measure_throughput(b, a, ip, kTransfer) * 8, 5 * kLimitBits);
  EXPECT_TRUE(net::delete_network(*host_, front.bridge));
}

// ---- Isolation between networks (see boxnet/isolation.h) ----

TEST_F(NetlinkTest, IsolationRuleAndRouteFollowTheNetwork) {
  const auto& l = lease("front");
  auto front = network(l);
  const std::string lookup = std::to_string(net::kIsolationPriority) + ": from all iif " +
                             front.bridge + " lookup " + std::to_string(net::kIsolationTable);
  const std::string prohibit =
      std::to_string(net::kIsolationPriority) + ": from all iif " + front.bridge + " prohibit";
  auto rules = [&] {
    std::vector<std::string> out;
    for (const auto& rule : net::list_rules(*host_)) {
      if (!is_default_rule(rule)) out.push_back(rule.str());
    }
    return out;
  };
  auto table = [&] {
    std::vector<std::string> out;
    for (const auto& route : net::list_table_routes(*host_, net::kIsolationTable))
      out.push_back(route.str());
    return out;
  };
  const std::vector<std::string> route = {"prohibit " + l.subnet.str()};
  EXPECT_EQ(rules(), std::vector<std::string>{lookup});
  EXPECT_EQ(table(), route);

  EXPECT_FALSE(net::create_network(*host_, front).acted);  // again: nothing doubled
  EXPECT_EQ(rules(), std::vector<std::string>{lookup});
  EXPECT_EQ(table(), route);

  front.internal = true;  // the network was redefined: the rule changes kind
  EXPECT_FALSE(net::create_network(*host_, front).acted);
  EXPECT_EQ(rules(), std::vector<std::string>{prohibit});
  EXPECT_EQ(table(), route);

  EXPECT_TRUE(net::delete_network(*host_, front.bridge));
  EXPECT_TRUE(rules().empty());
  EXPECT_TRUE(table().empty());
  EXPECT_FALSE(net::delete_network(*host_, front.bridge));
}

TEST_F(NetlinkTest, DeletingANetworkWhoseBridgeIsGoneRemovesItsIsolation) {
  auto front = network(lease("front"));
  EXPECT_TRUE(net::delete_link(*host_, front.bridge));  // someone else removed the bridge
  EXPECT_TRUE(net::delete_network(*host_, front));      // the config still names the subnet
  EXPECT_FALSE(net::delete_network(*host_, front));
}

// A route for the network's subnet that is not ours, in the isolation table.
void add_foreign_route(Socket& sock, const Subnet& dst) {
  net::RoutePtr route = net::alloc_route();
  rtnl_route_set_family(route.get(), AF_INET);
  rtnl_route_set_table(route.get(), net::kIsolationTable);
  rtnl_route_set_scope(route.get(), RT_SCOPE_UNIVERSE);
  rtnl_route_set_type(route.get(), RTN_BLACKHOLE);
  net::NlAddrPtr addr = net::to_nl_addr(dst.base, dst.prefix);
  rtnl_route_set_dst(route.get(), addr.get());
  sock.check(rtnl_route_add(sock.get(), route.get(), NLM_F_EXCL), "add route", "blackhole");
  // Removed by the caller with the same object.
}

void delete_foreign_route(Socket& sock, const Subnet& dst) {
  net::RoutePtr route = net::alloc_route();
  rtnl_route_set_family(route.get(), AF_INET);
  rtnl_route_set_table(route.get(), net::kIsolationTable);
  rtnl_route_set_scope(route.get(), RT_SCOPE_UNIVERSE);
  rtnl_route_set_type(route.get(), RTN_BLACKHOLE);
  net::NlAddrPtr addr = net::to_nl_addr(dst.base, dst.prefix);
  rtnl_route_set_dst(route.get(), addr.get());
  sock.check(rtnl_route_delete(sock.get(), route.get(), 0), "delete route", "blackhole");
}

TEST_F(NetlinkTest, FailedCreateNetworkRollsBack) {
  const auto& l = lease("front");
  add_foreign_route(*host_, l.subnet);
  net::NetworkConfig config{net::bridge_name(project_, "front"), l.subnet, l.gateway, 1500, false};
  try {
    net::create_network(*host_, config);
    ADD_FAILURE() << "a foreign route in the isolation table was accepted";
  } catch (const net::Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "isolate network " + config.bridge + ": routing table " +
                  std::to_string(net::kIsolationTable) + " already has 'blackhole " +
                  l.subnet.str() + "', which would let other networks reach " + l.subnet.str());
  }
  EXPECT_FALSE(net::find_link(*host_, config.bridge));  // bridge and rule rolled back
  auto left = net::list_table_routes(*host_, net::kIsolationTable);
  ASSERT_EQ(left.size(), 1u);  // the foreign route is not ours to remove
  EXPECT_EQ(left[0].str(), "blackhole " + l.subnet.str());
  delete_foreign_route(*host_, l.subnet);
}

// A "host" that forwards, as every Docker host does: ip_forward=1 in the test's host
// namespace only. Without isolation its containers would reach every network's
// containers through the gateways.
class ForwardingHostTest : public NetlinkTest {
 protected:
  static constexpr const char* kUplink = "bcuplink0";

  void SetUp() override {
    NetlinkTest::SetUp();
    if (IsSkipped()) return;
    real_ip_forward_ = read_text("/proc/sys/net/ipv4/ip_forward");
    set_sysctl_in(*host_ns_, "ipv4/ip_forward", "1");
    ASSERT_EQ(sysctl_in(*host_ns_, "ipv4/ip_forward"), "1");
    ASSERT_EQ(read_text("/proc/sys/net/ipv4/ip_forward"), real_ip_forward_);
  }

  void TearDown() override {
    if (uplink_) {
      EXPECT_TRUE(net::delete_link(*host_, kUplink));
    }
    NetlinkTest::TearDown();
    if (!real_ip_forward_.empty()) {
      EXPECT_EQ(read_text("/proc/sys/net/ipv4/ip_forward"), real_ip_forward_);
    }
  }

  // A namespace beyond the host, as the internet would be: its own subnet on a veth to the
  // host, and its default route back through the host. No NAT: the host just routes.
  const Netns& outside() {
    const Netns& ns = container();
    net::LinkResult pair =
        net::create_veth(*host_, {kUplink, "eth0", net::NetnsTarget::of(ns), 1500, {}, 0, true});
    uplink_ = true;
    net::add_address(*host_, pair.ifindex, kUplink, Ipv4::parse("172.31.250.1"), 24);
    Socket in = Socket::open_in(ns);
    net::set_link_up(in, pair.peer_ifindex, "eth0");
    net::add_address(in, pair.peer_ifindex, "eth0", kOutsideIp, 24);
    net::add_default_route(in, Ipv4::parse("172.31.250.1"), pair.peer_ifindex, "eth0");
    net::set_link_up(in, 1, "lo");
    return ns;
  }

  const Ipv4 kOutsideIp = Ipv4::parse("172.31.250.2");
  std::string real_ip_forward_;
  bool uplink_ = false;
};

TEST_F(ForwardingHostTest, NetworksCannotReachEachOther) {
  auto front = network(lease("front"));
  auto back = network(lease("back"));
  const Netns& world = outside();
  const Netns& a = container();
  const Netns& b = container();
  Ipv4 ip_a = attach(a, "web-1", front, "front", 0);
  Ipv4 ip_b = attach(b, "db-1", back, "back", 0);
  // The host does route: both reach a namespace beyond it, and it reaches them.
  EXPECT_TRUE(reachable(a, world, kOutsideIp));
  EXPECT_TRUE(reachable(b, world, kOutsideIp));
  EXPECT_TRUE(reachable(world, a, ip_a));
  // Yet not each other, and a connect fails at once rather than timing out.
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(refused(a, b, ip_b));
  EXPECT_TRUE(refused(b, a, ip_a));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1000));
  EXPECT_TRUE(net::delete_network(*host_, front.bridge));
  EXPECT_TRUE(net::delete_network(*host_, back.bridge));
}

TEST_F(ForwardingHostTest, ContainerOnBothNetworksReachesBoth) {
  auto front = network(lease("front"));
  auto back = network(lease("back"));
  const Netns& web = container();
  const Netns& api = container();
  const Netns& db = container();
  Ipv4 web_ip = attach(web, "web-1", front, "front", 0);
  Ipv4 api_front = attach(api, "api-1", front, "front", 0);
  Ipv4 api_back = attach(api, "api-1", back, "back", 1);
  Ipv4 db_ip = attach(db, "db-1", back, "back", 0);
  EXPECT_TRUE(reachable(api, web, web_ip));
  EXPECT_TRUE(reachable(api, db, db_ip));
  EXPECT_TRUE(reachable(web, api, api_front));
  EXPECT_TRUE(reachable(db, api, api_back));
  // Through the host, not through api: the host refuses to route between the two.
  EXPECT_TRUE(refused(web, db, db_ip));
  EXPECT_TRUE(refused(db, web, web_ip));
  EXPECT_TRUE(refused(web, api, api_back));
  EXPECT_TRUE(net::delete_network(*host_, front.bridge));
  EXPECT_TRUE(net::delete_network(*host_, back.bridge));
}

TEST_F(ForwardingHostTest, InternalNetworkReachesNothingBeyondItsBridge) {
  auto secret = network(lease("secret"), true);
  auto front = network(lease("front"));
  const Netns& world = outside();
  const Netns& vault = container();
  const Netns& vault2 = container();
  const Netns& web = container();
  Ipv4 vault_ip = attach(vault, "vault-1", secret, "secret", 0);
  Ipv4 vault2_ip = attach(vault2, "vault-2", secret, "secret", 0);
  Ipv4 web_ip = attach(web, "web-1", front, "front", 0);
  // Turning ip_forward off and on (an admin, another tool, a restarted Docker) turns
  // forwarding back on for every link, the internal bridge's too: only the rule is left.
  EXPECT_EQ(sysctl_in(*host_ns_, "ipv4/conf/" + secret.bridge + "/forwarding"), "0");
  set_sysctl_in(*host_ns_, "ipv4/ip_forward", "0");
  set_sysctl_in(*host_ns_, "ipv4/ip_forward", "1");
  EXPECT_EQ(sysctl_in(*host_ns_, "ipv4/conf/" + secret.bridge + "/forwarding"), "1");
  // A container with NET_ADMIN could give itself a route through the bridge's address.
  {
    Socket in = Socket::open_in(vault);
    auto eth0 = net::find_link(in, "eth0");
    ASSERT_TRUE(eth0);
    net::add_default_route(in, secret.gateway, eth0->ifindex, "eth0");
  }
  EXPECT_TRUE(reachable(vault2, vault, vault_ip));  // one bridge: switched, not routed
  EXPECT_TRUE(reachable(vault, vault2, vault2_ip));
  EXPECT_TRUE(reachable(web, world, kOutsideIp));  // the host forwards for others
  EXPECT_TRUE(refused(vault, web, web_ip));
  EXPECT_TRUE(refused(vault, world, kOutsideIp));
  EXPECT_TRUE(refused(web, vault, vault_ip));
  // What comes from beyond reaches the container, but its answer is not routed back.
  EXPECT_NE(connect_result(world, vault, vault_ip, std::chrono::milliseconds(500)), 0);
  EXPECT_TRUE(net::delete_network(*host_, secret.bridge));
  EXPECT_TRUE(net::delete_network(*host_, front.bridge));
}

}  // namespace
