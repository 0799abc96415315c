#include <gtest/gtest.h>

#include "boxrt/error.h"
#include "engine/port_nat.h"
#include "engine/project_state.h"

namespace engine {
namespace {

ContainerRecord container(const std::string& name, const std::string& network,
                          const std::string& address, std::vector<PortRecord> ports) {
  ContainerRecord c;
  c.name = name;
  c.service = name;
  c.endpoints.push_back({network, "veth-" + name, "eth0", address, {}, 0, 0});
  c.ports = std::move(ports);
  return c;
}

ProjectState two_services() {
  ProjectState s;
  s.name = "my-app.v2";
  s.networks["default"] = {
      "default", "my-app_default", "bc-1a2b3c", "10.89.0.0/24", "10.89.0.1", false, false};
  s.networks["back"] = {"back",      "my-app_back", "bc-4d5e6f", "10.89.1.0/24",
                        "10.89.1.1", false,         false};
  s.containers["web"] = container("web", "default", "10.89.0.2",
                                  {{"0.0.0.0", 8080, 80, "tcp"},
                                   {"::", 8080, 80, "tcp"},
                                   {"127.0.0.1", 5353, 53, "udp"},
                                   {"", 0, 9000, "tcp"}});
  s.containers["db"] = container("db", "back", "10.89.1.2", {{"127.0.0.1", 5432, 5432, "tcp"}});
  s.containers["idle"] = container("idle", "back", "10.89.1.3", {});
  return s;
}

bool all_live(const ContainerRecord&) {
  return true;
}

TEST(EnginePortNat, DriverComesFromTheVariableAndDefaultsToProxy) {
  std::string unknown;
  EXPECT_EQ(port_driver_from(nullptr, unknown), PortDriver::kProxy);
  EXPECT_EQ(port_driver_from("", unknown), PortDriver::kProxy);
  EXPECT_EQ(port_driver_from("proxy", unknown), PortDriver::kProxy);
  EXPECT_EQ(port_driver_from("nat", unknown), PortDriver::kNat);
  EXPECT_TRUE(unknown.empty());
  EXPECT_EQ(port_driver_from("iptables", unknown), PortDriver::kProxy);
  EXPECT_EQ(unknown, "iptables");
}

TEST(EnginePortNat, TableNameKeepsOnlyWhatNftTakesInAName) {
  EXPECT_EQ(nat_table_name("web"), "boxcompose_web");
  EXPECT_EQ(nat_table_name("my-app"), "boxcompose_my-app");
  EXPECT_NE(nat_table_name("my-app"), nat_table_name("my_app"));
  EXPECT_EQ(nat_table_name("a.b c"), "boxcompose_a_b_c");
}

TEST(EnginePortNat, TableHoldsPublishedIpv4PortsOfLiveContainers) {
  NatTable t = nat_table_of(two_services(), all_live);
  EXPECT_EQ(t.name, "boxcompose_my-app_v2");
  ASSERT_EQ(t.ports.size(), 3u);  // db's, then web's two IPv4 ones (by container name)
  EXPECT_EQ(t.ports[0].host_ip, "127.0.0.1");
  EXPECT_EQ(t.ports[0].host_port, 5432);
  EXPECT_EQ(t.ports[0].address, "10.89.1.2");
  EXPECT_EQ(t.ports[1].host_ip, "0.0.0.0");
  EXPECT_EQ(t.ports[1].target, 80);
  EXPECT_EQ(t.ports[2].protocol, "udp");
  EXPECT_EQ(t.ports[2].address, "10.89.0.2");
  // idle publishes nothing: its bridge is db's anyway, and listed once.
  EXPECT_EQ(t.bridges, (std::vector<std::string>{"bc-1a2b3c", "bc-4d5e6f"}));
}

TEST(EnginePortNat, StoppedContainersAndTheirBridgesAreLeftOut) {
  NatTable t =
      nat_table_of(two_services(), [](const ContainerRecord& c) { return c.name != "web"; });
  ASSERT_EQ(t.ports.size(), 1u);
  EXPECT_EQ(t.ports[0].host_port, 5432);
  EXPECT_EQ(t.bridges, (std::vector<std::string>{"bc-4d5e6f"}));
  EXPECT_TRUE(
      nat_table_of(two_services(), [](const ContainerRecord&) { return false; }).ports.empty());
}

TEST(EnginePortNat, ContainerWithoutAddressHasNoDnat) {
  ProjectState s = two_services();
  s.containers["web"].endpoints.clear();  // network_mode none or service:
  NatTable t = nat_table_of(s, all_live);
  ASSERT_EQ(t.ports.size(), 1u);
  EXPECT_EQ(t.ports[0].address, "10.89.1.2");
}

TEST(EnginePortNat, RulesetReplacesTheTableWithDnatsInOutputAndPrerouting) {
  NatTable t{
      "boxcompose_p",
      {"bc-1", "bc-2"},
      {{"0.0.0.0", 8080, "tcp", "10.89.0.2", 80}, {"127.0.0.1", 5353, "udp", "10.89.0.2", 53}}};
  EXPECT_EQ(render_nat_ruleset(t),
            "add table ip boxcompose_p\n"
            "delete table ip boxcompose_p\n"
            "table ip boxcompose_p {\n"
            "\tchain ports {\n"
            "\t\tfib daddr type local tcp dport 8080 counter dnat to 10.89.0.2:80\n"
            "\t\tfib saddr type local ip daddr 127.0.0.1 udp dport 5353 counter dnat to "
            "10.89.0.2:53\n"
            "\t}\n"
            "\tchain output {\n"
            "\t\ttype nat hook output priority -100; policy accept;\n"
            "\t\tjump ports\n"
            "\t}\n"
            "\tchain prerouting {\n"
            "\t\ttype nat hook prerouting priority -100; policy accept;\n"
            "\t\tjump ports\n"
            "\t}\n"
            "\tchain postrouting {\n"
            "\t\ttype nat hook postrouting priority 100; policy accept;\n"
            "\t\tip saddr 127.0.0.0/8 oifname { \"bc-1\", \"bc-2\" } masquerade\n"
            "\t}\n"
            "\tchain localnet_guard {\n"
            "\t\ttype filter hook input priority 0; policy accept;\n"
            "\t\tiifname { \"bc-1\", \"bc-2\" } ip daddr 127.0.0.0/8 ct state != { established, "
            "related } ct status and dnat == 0 counter drop\n"
            "\t}\n"
            "}\n");
}

TEST(EnginePortNat, RulesetWithoutBridgesHasNoMasquerade) {
  std::string text = render_nat_ruleset({"boxcompose_p", {}, {}});
  EXPECT_EQ(text.find("masquerade"), std::string::npos);
  EXPECT_EQ(text.find("localnet_guard"), std::string::npos);  // no route_localnet either
  EXPECT_NE(text.find("chain postrouting"), std::string::npos);
}

TEST(EnginePortNat, RulesetRefusesWhatDoesNotBelongInIt) {
  auto render_port = [](NatPort p) { return render_nat_ruleset({"boxcompose_p", {}, {p}}); };
  EXPECT_THROW(render_port({"::", 80, "tcp", "10.89.0.2", 80}), boxrt::Error);
  EXPECT_THROW(render_port({"0.0.0.0", 80, "tcp", "10.89.0.2; flush ruleset", 80}), boxrt::Error);
  EXPECT_THROW(render_port({"0.0.0.0", 80, "sctp", "10.89.0.2", 80}), boxrt::Error);
  EXPECT_THROW(render_nat_ruleset({"boxcompose_p", {"bc\" } accept"}, {}}), boxrt::Error);
  EXPECT_NO_THROW(render_port({"0.0.0.0", 80, "tcp", "10.89.0.2", 80}));
}

TEST(EnginePortNat, RemovalSucceedsWhetherTheTableExistsOrNot) {
  EXPECT_EQ(render_nat_removal("boxcompose_p"),
            "add table ip boxcompose_p\ndelete table ip boxcompose_p\n");
}

TEST(EnginePortNat, StateRecordsTheTableAndOldStateLoads) {
  ProjectState s = two_services();
  s.nat_table = "boxcompose_my_app_v2";
  EXPECT_EQ(project_state_from_json(to_json(s)).nat_table, "boxcompose_my_app_v2");
  nlohmann::json old = to_json(two_services());
  old.erase("nat_table");
  EXPECT_EQ(project_state_from_json(old).nat_table, "");
}

}  // namespace
}  // namespace engine
