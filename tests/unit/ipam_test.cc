#include "boxnet/ipam.h"

#include <gtest/gtest.h>

#include "boxnet/error.h"

namespace {

using net::Ipam;
using net::Ipv4;
using net::NetworkRequest;
using net::Subnet;

NetworkRequest request(const std::string& name, const std::string& subnet = "",
                       const std::string& ip_range = "") {
  NetworkRequest r{name, {}, {}, {}};
  if (!subnet.empty()) r.subnet = Subnet::parse(subnet);
  if (!ip_range.empty()) r.ip_range = Subnet::parse(ip_range);
  return r;
}

std::string message(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const net::Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(IpamTest, ParsesAndPrintsAddresses) {
  EXPECT_EQ(Ipv4::parse("10.1.2.3").str(), "10.1.2.3");
  EXPECT_EQ(Subnet::parse("10.1.0.0/16").str(), "10.1.0.0/16");
  EXPECT_EQ(message([] { Subnet::parse("10.1.2.3/16"); }),
            "parse subnet '10.1.2.3/16': host bits set, did you mean 10.1.0.0/16");
  EXPECT_THROW(Ipv4::parse("10.1.2"), net::Error);
  EXPECT_THROW(Subnet::parse("10.1.0.0/33"), net::Error);
}

TEST(IpamTest, DefaultPoolGivesEachNetworkItsOwnSlash24) {
  Ipam ipam;
  const auto& front = ipam.add_network(request("front"), {});
  EXPECT_EQ(front.subnet.str(), "10.89.0.0/24");
  EXPECT_EQ(front.gateway.str(), "10.89.0.1");
  EXPECT_EQ(ipam.add_network(request("back"), {}).subnet.str(), "10.89.1.0/24");
  // Adding again is idempotent.
  EXPECT_EQ(ipam.add_network(request("front"), {}).subnet.str(), "10.89.0.0/24");
}

TEST(IpamTest, DynamicAddressesSkipGatewayAndAreReusedAfterRelease) {
  Ipam ipam;
  ipam.add_network(request("front"), {});
  EXPECT_EQ(ipam.allocate("front", "a").str(), "10.89.0.2");
  EXPECT_EQ(ipam.allocate("front", "b").str(), "10.89.0.3");
  EXPECT_EQ(ipam.allocate("front", "a").str(), "10.89.0.2");  // a restart keeps it
  EXPECT_TRUE(ipam.release("front", "a"));
  EXPECT_FALSE(ipam.release("front", "a"));
  EXPECT_EQ(ipam.allocate("front", "c").str(), "10.89.0.2");
}

TEST(IpamTest, ExhaustionIsAnError) {
  Ipam ipam;
  ipam.add_network(request("tiny", "10.0.0.0/30"), {});  // .1 gateway, .2 the only host
  EXPECT_EQ(ipam.allocate("tiny", "a").str(), "10.0.0.2");
  EXPECT_EQ(message([&] { ipam.allocate("tiny", "b"); }),
            "allocate address for b on network tiny: no free address in 10.0.0.0/30");
}

TEST(IpamTest, PoolExhaustionIsAnError) {
  Ipam ipam(Subnet::parse("10.50.0.0/23"), 24);
  ipam.add_network(request("a"), {});
  ipam.add_network(request("b"), {});
  EXPECT_EQ(message([&] { ipam.add_network(request("c"), {}); }),
            "add network c: address pool 10.50.0.0/23 is exhausted");
}

TEST(IpamTest, StaticAddressMustBeInsideTheSubnetAndFree) {
  Ipam ipam;
  ipam.add_network(request("front", "172.30.0.0/24", "172.30.0.128/25"), {});
  EXPECT_EQ(ipam.allocate("front", "db", Ipv4::parse("172.30.0.10")).str(), "172.30.0.10");
  EXPECT_EQ(ipam.allocate("front", "web").str(), "172.30.0.128");  // from ip_range
  EXPECT_EQ(message([&] { ipam.allocate("front", "x", Ipv4::parse("172.31.0.10")); }),
            "allocate address for x on network front: 172.31.0.10 is outside subnet "
            "172.30.0.0/24");
  EXPECT_EQ(message([&] { ipam.allocate("front", "x", Ipv4::parse("172.30.0.10")); }),
            "allocate address for x on network front: 172.30.0.10 is in use by db");
  EXPECT_EQ(message([&] { ipam.allocate("front", "x", Ipv4::parse("172.30.0.1")); }),
            "allocate address for x on network front: 172.30.0.1 is reserved in 172.30.0.0/24");
  // A changed static address replaces the old one.
  EXPECT_EQ(ipam.allocate("front", "db", Ipv4::parse("172.30.0.11")).str(), "172.30.0.11");
  EXPECT_EQ(ipam.allocate("front", "y", Ipv4::parse("172.30.0.10")).str(), "172.30.0.10");
}

TEST(IpamTest, GatewayAndRangeMustBeInsideTheSubnet) {
  Ipam ipam;
  auto r = request("front", "172.30.0.0/24");
  r.gateway = Ipv4::parse("172.30.1.1");
  EXPECT_EQ(message([&] { ipam.add_network(r, {}); }),
            "add network front: gateway 172.30.1.1 is outside subnet 172.30.0.0/24");
  EXPECT_THROW(ipam.add_network(request("back", "172.30.0.0/24", "172.31.0.0/25"), {}), net::Error);
}

TEST(IpamTest, OverlapsWithNetworksAndRoutesAreRefused) {
  Ipam ipam;
  ipam.add_network(request("front", "172.30.0.0/16"), {});
  EXPECT_EQ(message([&] { ipam.add_network(request("back", "172.30.5.0/24"), {}); }),
            "add network back: subnet 172.30.5.0/24 overlaps network front (172.30.0.0/16)");
  std::vector<net::RouteInfo> routes = {
      {Subnet::parse("0.0.0.0/0"), Ipv4::parse("192.168.1.1"), "eth0"},
      {Subnet::parse("192.168.0.0/16"), std::nullopt, "eth0"}};
  EXPECT_EQ(message([&] { ipam.add_network(request("lan", "192.168.7.0/24"), routes); }),
            "add network lan: subnet 192.168.7.0/24 overlaps host route 192.168.0.0/16 dev eth0");
  // The default route overlaps everything and is ignored; pool picks skip taken subnets.
  routes.push_back({Subnet::parse("10.89.0.0/24"), std::nullopt, "wg0"});
  EXPECT_EQ(ipam.add_network(request("auto"), routes).subnet.str(), "10.89.1.0/24");
}

TEST(IpamTest, StateRoundTripsThroughJson) {
  Ipam ipam;
  ipam.add_network(request("front", "172.30.0.0/24", "172.30.0.128/25"), {});
  ipam.allocate("front", "web");
  ipam.allocate("front", "db", Ipv4::parse("172.30.0.10"));
  Ipam restored = Ipam::from_json(nlohmann::json::parse(ipam.to_json().dump()));
  EXPECT_EQ(restored.to_json(), ipam.to_json());
  EXPECT_EQ(restored.allocate("front", "web").str(), "172.30.0.128");
  EXPECT_EQ(restored.allocate("front", "new").str(), "172.30.0.129");
  EXPECT_THROW(Ipam::from_json(nlohmann::json{{"pool", "x"}}), net::Error);
}

}  // namespace
