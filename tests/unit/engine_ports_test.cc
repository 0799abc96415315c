#include <gtest/gtest.h>

#include "engine/port_query.h"
#include "engine/ports.h"
#include "engine/project_state.h"

namespace engine {
namespace {

compose::PortConfig port(std::string host_ip, std::string published, uint16_t target,
                         std::string protocol = "tcp") {
  compose::PortConfig p;
  p.host_ip = std::move(host_ip);
  p.published = std::move(published);
  p.target = target;
  p.protocol = std::move(protocol);
  return p;
}

TEST(EnginePorts, NoHostIpBindsEveryIpv4AddressAndIpv6WhenTheHostHasIt) {
  auto v4 = expand_ports({port("", "8080", 80)}, false);
  ASSERT_EQ(v4.size(), 1u);
  EXPECT_EQ(v4[0].host_ips, (std::vector<std::string>{"0.0.0.0"}));
  EXPECT_EQ(v4[0].first, 8080);
  EXPECT_EQ(v4[0].last, 8080);
  EXPECT_EQ(v4[0].target, 80);
  auto both = expand_ports({port("", "8080", 80)}, true);
  EXPECT_EQ(both[0].host_ips, (std::vector<std::string>{"0.0.0.0", "::"}));
}

TEST(EnginePorts, HostIpIsKeptAndBracketsDropped) {
  auto r = expand_ports({port("127.0.0.1", "8080", 80), port("[::1]", "9090", 90, "udp")}, true);
  EXPECT_EQ(r[0].host_ips, (std::vector<std::string>{"127.0.0.1"}));
  EXPECT_EQ(r[1].host_ips, (std::vector<std::string>{"::1"}));
  EXPECT_EQ(r[1].protocol, "udp");
}

TEST(EnginePorts, UnpublishedPortIsLeftToTheKernel) {
  auto r = expand_ports({port("", "", 80)}, false);
  EXPECT_EQ(r[0].first, 0);
  EXPECT_EQ(r[0].last, 0);
}

TEST(EnginePorts, PublishedRangeWithOneTargetIsTriedInOrder) {
  auto r = expand_ports({port("", "8000-8010", 80)}, false);
  EXPECT_EQ(r[0].first, 8000);
  EXPECT_EQ(r[0].last, 8010);
  EXPECT_EQ(r[0].target, 80);
}

TEST(EnginePorts, BadAddressOrProtocolIsNamed) {
  try {
    expand_ports({port("localhost", "80", 80)}, false);
    FAIL() << "a host name was accepted as host_ip";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("host_ip \"localhost\" is not an IP address"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(expand_ports({port("", "80", 80, "sctp")}, false), std::exception);
  EXPECT_THROW(expand_ports({port("", "90-80", 80)}, false), std::exception);
}

TEST(EnginePorts, ExposedPortsNotPublishedAreListedOnce) {
  auto published = expand_ports({port("", "8080", 80)}, false);
  auto exposed = exposed_ports({"80", "9000-9001/udp", "bad"}, {"443/tcp", "9000/udp"}, published);
  ASSERT_EQ(exposed.size(), 3u);
  EXPECT_EQ(exposed[0].target, 443);
  EXPECT_EQ(exposed[1].target, 9000);
  EXPECT_EQ(exposed[1].protocol, "udp");
  EXPECT_EQ(exposed[2].target, 9001);
  for (const auto& e : exposed) {
    EXPECT_EQ(e.host_port, 0);
    EXPECT_EQ(e.host_ip, "");
  }
}

TEST(EnginePorts, DescribesWhatFailedToBind) {
  PortRequest r{{"0.0.0.0"}, 8080, 8080, 80, "tcp"};
  EXPECT_EQ(describe_port(r, "0.0.0.0"), "8080/tcp on 0.0.0.0");
  r.last = 8090;
  EXPECT_EQ(describe_port(r, "::"), "8080-8090/tcp on ::");
  r.first = r.last = 0;
  EXPECT_EQ(describe_port(r, "127.0.0.1"), "a random tcp port on 127.0.0.1");
}

constexpr const char* kProcNetTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode\n"
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "
    "4242 1 0000000000000000 100 0 0 10 0\n"
    "   1: 0100007F:1F90 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 "
    "4343 1 0000000000000000 20 4 30 10 -1\n"
    "   2: 0100007F:1F90 0100007F:D2F2 06 00000000:00000000 03:00001770 00000000     0        0 "
    "0 3 0000000000000000\n"
    "   3: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "
    "5555 1 0000000000000000 100 0 0 10 0\n";

TEST(EnginePorts, FindsSocketInodesOnAPort) {
  EXPECT_EQ(socket_inodes_on_port(kProcNetTcp, 8080, true), (std::vector<uint64_t>{4242}));
  EXPECT_EQ(socket_inodes_on_port(kProcNetTcp, 8080, false), (std::vector<uint64_t>{4242, 4343}));
  EXPECT_EQ(socket_inodes_on_port(kProcNetTcp, 80, true), (std::vector<uint64_t>{5555}));
  EXPECT_TRUE(socket_inodes_on_port(kProcNetTcp, 81, false).empty());
  EXPECT_TRUE(socket_inodes_on_port("", 80, false).empty());
}

TEST(EnginePorts, RecordedPortsRoundTripAndOldStateLoads) {
  ContainerRecord c;
  c.name = "p-web-1";
  c.service = "web";
  c.ports = {{"0.0.0.0", 49153, 80, "tcp"}, {"", 0, 53, "udp"}};
  ContainerRecord back = container_record_from_json(to_json(c));
  ASSERT_EQ(back.ports.size(), 2u);
  EXPECT_EQ(back.ports[0].host_ip, "0.0.0.0");
  EXPECT_EQ(back.ports[0].host_port, 49153);
  EXPECT_EQ(back.ports[0].target, 80);
  EXPECT_EQ(back.ports[1].protocol, "udp");
  EXPECT_EQ(back.ports[1].host_port, 0);
  nlohmann::json old = to_json(c);
  old.erase("ports");
  EXPECT_TRUE(container_record_from_json(old).ports.empty());
}

ContainerStatus web_container(int number, std::string state) {
  ContainerStatus c;
  c.record.name = "p-web-" + std::to_string(number);
  c.record.service = "web";
  c.record.number = number;
  c.record.ports = {{"::", 49153, 80, "tcp"},
                    {"0.0.0.0", 49153, 80, "tcp"},
                    {"127.0.0.1", 5353, 53, "udp"},
                    {"", 0, 9000, "tcp"}};
  c.state = std::move(state);
  return c;
}

TEST(EnginePorts, PortPrintsTheIpv4BindingOfTheFirstReplica) {
  std::vector<ContainerStatus> all = {web_container(2, "running"), web_container(1, "running")};
  all[0].record.ports[1].host_port = 49200;
  EXPECT_EQ(published_address(all, {"web", 80, "tcp", 0}), "0.0.0.0:49153");
  EXPECT_EQ(published_address(all, {"web", 80, "tcp", 2}), "0.0.0.0:49200");
  EXPECT_EQ(published_address(all, {"web", 53, "udp", 0}), "127.0.0.1:5353");
}

TEST(EnginePorts, PortSaysWhatIsNotPublished) {
  std::vector<ContainerStatus> all = {web_container(1, "running")};
  auto message = [&](PortQuery q) {
    try {
      published_address(all, q);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message({"web", 9000, "tcp", 0}),
            "no port 9000/tcp is published for service web (container p-web-1)");
  EXPECT_EQ(message({"web", 80, "udp", 0}),
            "no port 80/udp is published for service web (container p-web-1)");
  EXPECT_EQ(message({"db", 80, "tcp", 0}), "no container found for service \"db\"");
  EXPECT_EQ(message({"web", 80, "tcp", 3}), "service \"web\" has no container with index 3");
  all[0].state = "exited";
  EXPECT_EQ(message({"web", 80, "tcp", 0}), "container p-web-1 is not running");
}

TEST(EnginePorts, PsShowsPortsOfRunningContainersOnly) {
  auto running = publishers_of(web_container(1, "running"));
  ASSERT_EQ(running.size(), 4u);
  EXPECT_EQ(displayable_ports(running),
            "9000/tcp, 127.0.0.1:5353->53/udp, 0.0.0.0:49153->80/tcp, [::]:49153->80/tcp");
  EXPECT_TRUE(publishers_of(web_container(1, "exited")).empty());
}

}  // namespace
}  // namespace engine
