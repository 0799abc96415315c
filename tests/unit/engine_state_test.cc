// The project state file and the supervisor's wire format: what `down` relies on after a
// crash must read back exactly as written.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/networks.h"
#include "engine/project_state.h"
#include "engine/supervisor_protocol.h"

namespace engine {
namespace {

namespace fs = std::filesystem;

ProjectState sample_state() {
  ProjectState s;
  s.name = "shop";
  s.working_dir = "/srv/shop";
  s.files = {"/srv/shop/compose.yaml"};
  s.networks["front"] = {"front",     "shop_front", "bc1234abcd", "10.89.3.0/24",
                         "10.89.3.1", true,         false};
  s.volumes["shop_data"] = {"shop_data", false, false};
  ContainerRecord c;
  c.name = "shop-web-2";
  c.service = "web";
  c.number = 2;
  c.id = std::string(64, 'a');
  c.image = "busybox:local";
  c.image_id = "sha256:" + std::string(64, 'b');
  c.config_hash = std::string(64, 'c');
  c.command = {"httpd", "-f"};
  c.created = "2026-11-29T23:06:29.5Z";
  c.stop_signal = 10;
  c.stop_grace_ns = 3'000'000'000;
  c.endpoints = {{"front", "vc00112233", "eth0", "10.89.3.7", {"www", "web"}, 8000, 0}};
  c.volumes = {{"shop-web-2_anon_0badcafe", true, false}};
  c.rootfs_mounted = true;
  s.containers[c.name] = c;
  return s;
}

TEST(EngineState, JsonRoundTripKeepsEveryField) {
  ProjectState s = sample_state();
  ProjectState back = project_state_from_json(to_json(s));
  EXPECT_EQ(to_json(back), to_json(s));
  const ContainerRecord& c = back.containers.at("shop-web-2");
  EXPECT_EQ(c.number, 2);
  EXPECT_EQ(c.stop_signal, 10);
  EXPECT_EQ(c.stop_grace_ns, 3'000'000'000);
  ASSERT_EQ(c.endpoints.size(), 1u);
  EXPECT_EQ(c.endpoints[0].aliases, (std::vector<std::string>{"www", "web"}));
  EXPECT_EQ(c.endpoints[0].egress_bps, 8000u);
  EXPECT_TRUE(c.volumes[0].anonymous);
  EXPECT_TRUE(back.networks.at("front").internal);
}

TEST(EngineState, SaveIsAtomicAndLoadReadsItBack) {
  fs::path dir = fs::temp_directory_path() / ("engine-state-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path file = dir / "project.json";
  EXPECT_FALSE(load_project_state(file).has_value());
  save_project_state(file, sample_state());
  std::optional<ProjectState> loaded = load_project_state(file);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(to_json(*loaded), to_json(sample_state()));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1)
      << "no temporary file left next to the state";
  fs::remove_all(dir);
}

TEST(EngineState, DamagedFileIsAClearError) {
  fs::path dir = fs::temp_directory_path() / ("engine-damaged-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "project.json") << "{\"name\": ";
  try {
    load_project_state(dir / "project.json");
    ADD_FAILURE() << "no error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("is damaged"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

TEST(EngineState, ContainerIdsAreSixtyFourHexDigitsAndDiffer) {
  std::string a = new_container_id(), b = new_container_id();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
}

TEST(EngineSupervisorProtocol, MessagesCarryJsonAndDescriptors) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  send_message(sv[0], {{"op", "watch"}, {"pid", 42}}, {pipe_fds[0], pipe_fds[1]});
  send_message(sv[0], {{"op", "ping"}});
  std::optional<Message> first = receive_message(sv[1]);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->body.at("op"), "watch");
  EXPECT_EQ(first->body.at("pid"), 42);
  ASSERT_EQ(first->fds.size(), 2u);
  // The passed write end reaches the passed read end: they are the same pipe.
  ASSERT_EQ(::write(first->fds[1].get(), "x", 1), 1);
  char c = 0;
  ASSERT_EQ(::read(pipe_fds[0], &c, 1), 1);
  EXPECT_EQ(c, 'x');
  EXPECT_TRUE(::fcntl(first->fds[0].get(), F_GETFD) & FD_CLOEXEC) << "received fds are CLOEXEC";
  std::optional<Message> second = receive_message(sv[1]);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->body.at("op"), "ping");
  EXPECT_TRUE(second->fds.empty());
  ::close(sv[0]);
  EXPECT_FALSE(receive_message(sv[1]).has_value()) << "end of stream";
  ::close(sv[1]);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

TEST(EngineNetworks, ServiceNetworksByPriorityThenName) {
  compose::Service s;
  s.name = "web";
  s.networks["back"].priority = 1;
  s.networks["front"].priority = 10;
  s.networks["admin"] = {};
  EXPECT_EQ(service_networks(s), (std::vector<std::string>{"front", "back", "admin"}));
  s.network_mode = "host";
  EXPECT_TRUE(service_networks(s).empty());
  s.network_mode = "none";
  EXPECT_TRUE(service_networks(s).empty());
}

}  // namespace
}  // namespace engine
