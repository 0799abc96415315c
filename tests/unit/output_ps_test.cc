// `ps` output as Docker Compose v2 prints it: table layout (tabwriter, padding 3), COMMAND
// quoting and truncation, the daemon's STATUS wording, ports, JSON lines, -q, --services.
#include "engine/output_ps.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace {

using namespace std::chrono;
using engine::ContainerState;
using engine::PsRow;

const engine::WallTime kNow = engine::WallTime(seconds(1795993589));

PsRow running_web() {
  PsRow r;
  r.id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  r.name = "proj-web-1";
  r.image = "busybox";
  r.command = {"sleep", "1000"};
  r.project = "proj";
  r.service = "web";
  r.created = kNow - minutes(3);
  r.state = ContainerState::Running;
  r.started = kNow - seconds(3);
  return r;
}

TEST(PsCommand, QuotedAndTruncatedAsDocker) {
  EXPECT_EQ(engine::ps_command({"sleep", "1000"}), "\"sleep 1000\"");
  EXPECT_EQ(engine::ps_command({"/docker-entrypoint.sh", "nginx", "-g", "daemon off;"}),
            "\"/docker-entrypoint.…\"");
  EXPECT_EQ(engine::ps_command({"/docker-entrypoint.sh", "nginx"}, /*trunc=*/false),
            "\"/docker-entrypoint.sh nginx\"");
  // Exactly 20 characters stays whole.
  EXPECT_EQ(engine::ps_command({"12345678901234567890"}), "\"12345678901234567890\"");
  EXPECT_EQ(engine::ps_command({"sh", "-c", "echo \"hi\""}, false), "\"sh -c 'echo \\\"hi\\\"'\"");
  EXPECT_EQ(engine::ps_command({}), "\"\"");
}

TEST(PsStatus, DaemonWording) {
  PsRow r = running_web();
  EXPECT_EQ(engine::ps_status(r, kNow), "Up 3 seconds");
  r.started = kNow - minutes(2);
  r.health = "healthy";
  EXPECT_EQ(engine::ps_status(r, kNow), "Up 2 minutes (healthy)");
  r.health = "starting";
  EXPECT_EQ(engine::ps_status(r, kNow), "Up 2 minutes (health: starting)");
  r.health.clear();
  r.state = ContainerState::Paused;
  EXPECT_EQ(engine::ps_status(r, kNow), "Up 2 minutes (Paused)");
  r.state = ContainerState::Exited;
  r.exit_code = 1;
  r.finished = kNow - minutes(2);
  EXPECT_EQ(engine::ps_status(r, kNow), "Exited (1) 2 minutes ago");
  r.state = ContainerState::Restarting;
  r.finished = kNow - seconds(5);
  EXPECT_EQ(engine::ps_status(r, kNow), "Restarting (1) 5 seconds ago");
  PsRow created;
  created.state = ContainerState::Created;
  EXPECT_EQ(engine::ps_status(created, kNow), "Created");
  EXPECT_EQ(engine::ps_running_for(running_web(), kNow), "3 minutes ago");
}

TEST(DisplayablePorts, GroupsRangesAndMappings) {
  using P = engine::PortPublisher;
  EXPECT_EQ(engine::displayable_ports({}), "");
  EXPECT_EQ(engine::displayable_ports({P{"", 80, 0, "tcp"}}), "80/tcp");
  EXPECT_EQ(engine::displayable_ports({P{"0.0.0.0", 80, 8080, "tcp"}, P{"::", 80, 8080, "tcp"}}),
            "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp");
  EXPECT_EQ(engine::displayable_ports({P{"", 9001, 0, "tcp"}, P{"", 9000, 0, "tcp"},
                                       P{"", 9002, 0, "tcp"}, P{"", 53, 0, "udp"}}),
            "53/udp, 9000-9002/tcp");
  EXPECT_EQ(
      engine::displayable_ports({P{"0.0.0.0", 5000, 5000, "tcp"}, P{"0.0.0.0", 5001, 5001, "tcp"}}),
      "0.0.0.0:5000-5001->5000-5001/tcp");
}

TEST(PsTable, ColumnsPaddedByThreeAndSortedByName) {
  PsRow db = running_web();
  db.name = "proj-db-1";
  db.service = "db";
  db.image = "postgres:16";
  db.command = {"docker-entrypoint.sh", "postgres"};
  db.state = ContainerState::Exited;
  db.exit_code = 1;
  db.finished = kNow - minutes(2);
  PsRow web = running_web();
  web.ports = "0.0.0.0:8080->80/tcp";
  std::string expected =
      "NAME         IMAGE         COMMAND                  SERVICE   CREATED         STATUS     "
      "                PORTS\n"
      "proj-db-1    postgres:16   \"docker-entrypoint.s…\"   db        3 minutes ago   Exited (1) "
      "2 minutes ago   \n"
      "proj-web-1   busybox       \"sleep 1000\"             web       3 minutes ago   Up 3 "
      "seconds               0.0.0.0:8080->80/tcp\n";
  EXPECT_EQ(engine::ps_table({web, db}, kNow), expected);
}

TEST(PsTable, EmptyShowsTheHeader) {
  EXPECT_EQ(engine::ps_table({}, kNow),
            "NAME      IMAGE     COMMAND   SERVICE   CREATED   STATUS    PORTS\n");
}

TEST(PsJson, OneObjectPerLineWithComposeKeys) {
  PsRow web = running_web();
  web.publishers = {{"0.0.0.0", 80, 8080, "tcp"}};
  web.labels = {{"com.docker.compose.service", "web"}, {"com.docker.compose.project", "proj"}};
  web.networks = {"proj_default"};
  std::string out = engine::ps_json({web, web}, kNow);
  ASSERT_EQ(std::count(out.begin(), out.end(), '\n'), 2);
  auto j = nlohmann::ordered_json::parse(out.substr(0, out.find('\n')));
  std::vector<std::string> keys;
  for (auto& [k, v] : j.items())
    keys.push_back(k);
  EXPECT_EQ(keys,
            (std::vector<std::string>{
                "Command",      "CreatedAt",  "ExitCode", "Health", "ID",       "Image", "Labels",
                "LocalVolumes", "Mounts",     "Name",     "Names",  "Networks", "Ports", "Project",
                "Publishers",   "RestartCount", "RunningFor", "Service", "Size", "State",
                "Status"}));
  EXPECT_EQ(j["Command"], "\"sleep 1000\"");
  EXPECT_EQ(j["ID"], "0123456789ab");
  EXPECT_EQ(j["Labels"], "com.docker.compose.project=proj,com.docker.compose.service=web");
  EXPECT_EQ(j["LocalVolumes"], "0");
  EXPECT_EQ(j["Ports"], "0.0.0.0:8080->80/tcp");
  EXPECT_EQ(j["Publishers"].dump(),
            R"([{"URL":"0.0.0.0","TargetPort":80,"PublishedPort":8080,"Protocol":"tcp"}])");
  EXPECT_EQ(j["RunningFor"], "3 minutes ago");
  EXPECT_EQ(j["State"], "running");
  EXPECT_EQ(j["Status"], "Up 3 seconds");
  EXPECT_EQ(j["ExitCode"], 0);
}

TEST(PsQuietAndServices, IdsAndUniqueServices) {
  PsRow a = running_web();
  PsRow b = running_web();
  b.name = "proj-web-2";
  b.id = "ffff";
  PsRow c = running_web();
  c.name = "proj-db-1";
  c.service = "db";
  c.id = "dddd";
  EXPECT_EQ(engine::ps_quiet({b, a, c}), "dddd\n" + a.id + "\nffff\n");
  EXPECT_EQ(engine::ps_services({b, a, c}), "db\nweb\n");
  EXPECT_EQ(engine::ps_services({}), "\n");
}

}  // namespace
