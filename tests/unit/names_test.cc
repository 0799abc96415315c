#include <gtest/gtest.h>

#include "boxnet/error.h"
#include "boxnet/hosts.h"
#include "boxnet/kernel_names.h"
#include "boxnet/resolv.h"

namespace {

TEST(NamesTest, KernelNamesAreShortAndStable) {
  EXPECT_EQ(net::bridge_name("proj", "front"), net::bridge_name("proj", "front"));
  EXPECT_NE(net::bridge_name("proj", "front"), net::bridge_name("proj", "back"));
  EXPECT_NE(net::bridge_name("a", "bc"), net::bridge_name("ab", "c"));
  std::string long_name(200, 'x');
  EXPECT_LE(net::bridge_name(long_name, long_name).size(), net::kMaxIfName);
  EXPECT_LE(net::host_veth_name(long_name, long_name).size(), net::kMaxIfName);
  // All of IFNAMSIZ: 13 hex digits of hash, so that endpoints practically never collide.
  EXPECT_EQ(net::host_veth_name("web-1", "default").size(), 15u);
  EXPECT_NE(net::host_veth_name("web-1", "default"), net::host_veth_name("web-2", "default"));
  EXPECT_EQ(net::bridge_name("proj", "front").substr(0, 2), "bc");
  EXPECT_EQ(net::container_ifname(1), "eth1");
  net::Mac mac = net::container_mac("proj-web-1", "front");
  EXPECT_EQ(mac[0], 0x02);  // locally administered, unicast
  EXPECT_EQ(mac, net::container_mac("proj-web-1", "front"));
  EXPECT_NE(mac, net::container_mac("proj-web-2", "front"));
}

net::HostsSpec web_on_two_networks() {
  net::HostsSpec spec;
  spec.container_name = "proj-web-1";
  spec.hostname = "web";
  spec.networks = {
      {"front",
       {{"10.89.0.2", "proj-web-1", "web", "", {"www"}},
        {"10.89.0.3", "proj-proxy-1", "proxy", "", {}}}},
      {"back",
       {{"10.89.1.2", "proj-web-1", "web", "", {}}, {"10.89.1.3", "pg", "db", "", {"database"}}}},
  };
  spec.extra_hosts = {net::parse_extra_host("somehost:162.242.195.82"),
                      net::parse_extra_host("v6host=[::1]"),
                      net::parse_extra_host("gw:host-gateway", std::string("10.89.0.1"))};
  return spec;
}

TEST(NamesTest, HostsListsSelfPeersAliasesAndExtraHosts) {
  EXPECT_EQ(net::render_hosts(web_on_two_networks()),
            "127.0.0.1\tlocalhost\n"
            "::1\tlocalhost ip6-localhost ip6-loopback\n"
            "fe00::0\tip6-localnet\n"
            "ff00::0\tip6-mcastprefix\n"
            "ff02::1\tip6-allnodes\n"
            "ff02::2\tip6-allrouters\n"
            "10.89.0.2\tweb proj-web-1 www\n"
            "10.89.1.2\tweb proj-web-1\n"
            "10.89.0.3\tproj-proxy-1 proxy\n"
            "10.89.1.3\tpg db database\n"
            "162.242.195.82\tsomehost\n"
            "::1\tv6host\n"
            "10.89.0.1\tgw\n");
}

TEST(NamesTest, HostsRefusesNamesThatWouldCorruptTheFile) {
  auto spec = web_on_two_networks();
  spec.networks[0].endpoints[1].aliases = {"evil\n1.2.3.4 bank"};
  EXPECT_THROW(net::render_hosts(spec), net::Error);
  EXPECT_THROW(net::parse_extra_host("nocolon"), net::Error);
  EXPECT_EQ(net::parse_extra_host("myhostv6:::1").ip, "::1");
}

TEST(NamesTest, ResolvConfUsesComposeSettingsWhenGiven) {
  net::ResolvSpec spec;
  spec.dns = {"1.1.1.1", "9.9.9.9"};
  spec.dns_search = {"example.com"};
  spec.dns_opt = {"ndots:2"};
  spec.host_resolv_conf = "nameserver 192.168.1.1\nsearch lan\n";
  EXPECT_EQ(net::render_resolv_conf(spec),
            "nameserver 1.1.1.1\nnameserver 9.9.9.9\nsearch example.com\noptions ndots:2\n");
}

TEST(NamesTest, ResolvConfCopiesTheHostWithoutLoopbackResolvers) {
  net::ResolvSpec spec;
  spec.host_resolv_conf =
      "# generated\nnameserver 127.0.0.53\nnameserver 192.168.1.1\nnameserver ::1\n"
      "search lan corp\noptions edns0 trust-ad\n";
  EXPECT_EQ(net::render_resolv_conf(spec),
            "nameserver 192.168.1.1\nsearch lan corp\noptions edns0 trust-ad\n");
  spec.host_resolv_conf = "nameserver 127.0.0.53\n";
  EXPECT_EQ(net::render_resolv_conf(spec), "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
}

}  // namespace
