// What `boxcompose config` prints: the project in Docker Compose's shape (compose::to_json),
// written as YAML (compose::to_yaml) that loads back to the same project.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "compose/serialize.h"
#include "loader_test_util.h"

namespace compose {
namespace {

using loader_test::load_yaml;
using loader_test::TestProject;
using ::testing::HasSubstr;
using Json = nlohmann::json;

// Loads the YAML that to_yaml wrote, as the only compose file of a project in /p.
Json reload(const std::string& yaml, loader_test::Environment environment = {},
            bool interpolate = true) {
  TestProject again(yaml);
  again.environment = std::move(environment);
  again.options.interpolate = interpolate;
  return to_json(again.load());
}

TEST(ConfigOutput, TheShapeOfASmallProject) {
  Project p = load_yaml(R"(services:
  web:
    image: nginx:1.27
    command: nginx -g "daemon off;"
    ports: ["8080:80", "127.0.0.1:53:53/udp"]
    volumes: [data:/data, ./html:/usr/share/nginx/html:ro]
    environment: [A=1, UNSET]
    depends_on: [db]
  db:
    image: postgres
    healthcheck:
      test: pg_isready
      interval: 90s
volumes:
  data:
)");
  EXPECT_EQ(to_json(p), Json::parse(R"({
    "name": "p",
    "networks": {"default": {"name": "p_default"}},
    "services": {
      "db": {
        "healthcheck": {"interval": "1m30s", "test": ["CMD-SHELL", "pg_isready"]},
        "image": "postgres",
        "networks": {"default": null}
      },
      "web": {
        "command": ["nginx", "-g", "daemon off;"],
        "depends_on": {"db": {"condition": "service_started", "required": true}},
        "environment": {"A": "1", "UNSET": null},
        "image": "nginx:1.27",
        "networks": {"default": null},
        "ports": [
          {"mode": "ingress", "target": 80, "published": "8080", "protocol": "tcp"},
          {"mode": "ingress", "host_ip": "127.0.0.1", "target": 53, "published": "53",
           "protocol": "udp"}
        ],
        "volumes": [
          {"type": "volume", "source": "data", "target": "/data"},
          {"type": "bind", "source": "/p/html", "target": "/usr/share/nginx/html",
           "read_only": true, "bind": {"create_host_path": true}}
        ]
      }
    },
    "volumes": {"data": {"name": "p_data"}}
  })"));
}

TEST(ConfigOutput, TheYamlText) {
  Project p = load_yaml(R"(services:
  web:
    image: nginx
    ports: ["8080:80"]
    environment:
      FLAG: "true"
      EMPTY: ""
)");
  EXPECT_EQ(to_yaml(to_json(p)), R"(name: p
services:
  web:
    environment:
      EMPTY: ""
      FLAG: "true"
    image: nginx
    networks:
      default: null
    ports:
    - mode: ingress
      protocol: tcp
      published: "8080"
      target: 80
networks:
  default:
    name: p_default
)");
}

TEST(ConfigOutput, StringsThatWouldReadAsAnotherTypeAreQuoted) {
  Json value = {{"a", "true"}, {"b", "1.5"}, {"c", ""},      {"d", "null"},  {"e", "0x1F"},
                {"f", "yes"},  {"g", "~"},   {"h", "12:30"}, {"i", "plain"}, {"j", "-1"},
                {"k", 7},      {"l", false}, {"m", nullptr}};
  EXPECT_EQ(to_yaml(value), R"(a: "true"
b: "1.5"
c: ""
d: "null"
e: "0x1F"
f: "yes"
g: "~"
h: "12:30"
i: plain
j: "-1"
k: 7
l: false
m: null
)");
}

TEST(ConfigOutput, EveryKindOfServiceValue) {
  TestProject project(R"(services:
  web:
    build:
      context: ./app
      args: [A=1, B]
    mem_limit: 1g
    memswap_limit: -1
    cpus: 0.5
    stop_grace_period: 1m30s
    ulimits:
      nproc: 100
      nofile: {soft: 10, hard: 20}
    healthcheck:
      test: ["NONE"]
    depends_on:
      db:
        condition: service_healthy
        restart: true
    x-boxcompose:
      bandwidth: {egress: 10mbit}
    x-team: payments
    volumes:
      - type: tmpfs
        target: /scratch
        tmpfs: {size: 1m, mode: 0755}
    secrets:
      - source: token
        target: /run/secrets/t
        mode: 0400
  db:
    image: postgres
    network_mode: none
secrets:
  token:
    file: ./token.txt
)");
  Json web = to_json(project.load())["services"]["web"];
  EXPECT_EQ(web["build"], Json::parse(R"({"context": "/p/app", "dockerfile": "Dockerfile",
                                           "args": {"A": "1", "B": null}})"));
  EXPECT_EQ(web["mem_limit"], 1073741824);
  EXPECT_EQ(web["memswap_limit"], -1);
  EXPECT_EQ(web["cpus"], 0.5);
  EXPECT_EQ(web["stop_grace_period"], "1m30s");
  EXPECT_EQ(web["ulimits"], Json::parse(R"({"nproc": 100, "nofile": {"soft": 10, "hard": 20}})"));
  EXPECT_EQ(web["healthcheck"], Json::parse(R"({"test": ["NONE"], "disable": true})"));
  EXPECT_EQ(web["depends_on"], Json::parse(R"({"db": {"condition": "service_healthy",
                                                      "required": true, "restart": true}})"));
  EXPECT_EQ(web["x-boxcompose"], Json::parse(R"({"bandwidth": {"egress": "10000000bit"}})"));
  EXPECT_EQ(web["x-team"], "payments");
  EXPECT_EQ(web["volumes"], Json::parse(R"([{"type": "tmpfs", "target": "/scratch",
                                              "tmpfs": {"size": 1048576, "mode": 493}}])"));
  EXPECT_EQ(web["secrets"],
            Json::parse(R"([{"source": "token", "target": "/run/secrets/t", "mode": 256}])"));
  // network_mode leaves the service off the default network.
  Json db = to_json(project.load())["services"]["db"];
  EXPECT_EQ(db, Json::parse(R"({"image": "postgres", "network_mode": "none"})"));
}

TEST(ConfigOutput, TopLevelResources) {
  Json json = to_json(load_yaml(R"(name: shop
services:
  web:
    image: x
    networks: [front, outside]
    volumes: [data:/data, ext:/ext]
    configs: [settings]
networks:
  front:
    internal: true
    labels: {tier: front}
    ipam:
      config:
        - subnet: 10.1.0.0/16
          gateway: 10.1.0.1
  outside:
    external: true
volumes:
  data:
    driver_opts: {type: tmpfs, device: tmpfs}
  ext:
    external: true
    name: shared-data
configs:
  settings:
    content: |
      key=value
)"));
  EXPECT_EQ(json["networks"], Json::parse(R"({
    "front": {"name": "shop_front", "internal": true, "labels": {"tier": "front"},
              "ipam": {"config": [{"subnet": "10.1.0.0/16", "gateway": "10.1.0.1"}]}},
    "outside": {"name": "outside", "external": true}
  })"));
  EXPECT_EQ(json["volumes"], Json::parse(R"({
    "data": {"name": "shop_data", "driver": "local",
             "driver_opts": {"type": "tmpfs", "device": "tmpfs"}},
    "ext": {"name": "shared-data", "external": true}
  })"));
  EXPECT_EQ(json["configs"],
            Json::parse(R"({"settings": {"name": "shop_settings", "content": "key=value\n"}})"));
  EXPECT_EQ(json["services"]["web"]["networks"],
            Json::parse(R"({"front": null, "outside": null})"));
}

// A project using most of what a compose file can say.
constexpr const char* kRichProject = R"(name: rich
services:
  web:
    build:
      context: ./app
      dockerfile: Dockerfile.dev
      args: {VERSION: "1.2", EMPTY: null}
      target: dev
    image: registry.local/web:${TAG:-dev}
    command: ["sh", "-c", "exec web --port 8080"]
    entrypoint: /entry.sh
    environment:
      A: "1"
      FLAG: "true"
      EMPTY: ""
      NUMBER: "007"
      FROM_OS:
      UNSET:
    env_file: web.env
    ports:
      - "8080:80"
      - "127.0.0.1:8443:443/tcp"
      - "[::1]:5353:53/udp"
      - "9000-9001:9000-9001"
      - target: 7000
        published: "7001"
        mode: host
    expose: ["3000"]
    volumes:
      - data:/data
      - ./src:/src:ro
      - type: tmpfs
        target: /scratch
        tmpfs: {size: 64m, mode: 01777}
    tmpfs: [/run]
    networks:
      front:
        aliases: [api]
        ipv4_address: 172.28.0.10
      back:
    depends_on:
      db:
        condition: service_healthy
        restart: true
      cache:
        condition: service_started
        required: false
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost"]
      interval: 30s
      timeout: 5s
      retries: 3
      start_period: 1m
      start_interval: 500ms
    restart: on-failure:3
    user: "1000:1000"
    group_add: [audio]
    working_dir: /app
    hostname: web
    domainname: example.com
    labels: [com.example.tier=front, "com.example.empty="]
    init: true
    stop_signal: SIGINT
    stop_grace_period: 1m30s
    read_only: true
    cap_add: [NET_ADMIN]
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    ulimits:
      nproc: 65535
      nofile: {soft: 20000, hard: 40000}
    sysctls: {net.core.somaxconn: "1024"}
    extra_hosts: ["somehost:162.242.195.82", "v6:::1"]
    dns: [8.8.8.8]
    shm_size: 64m
    mem_reservation: 128m
    memswap_limit: 1g
    cpu_shares: 512
    cpu_quota: 50000
    cpu_period: 100000
    cpuset: "0-1"
    oom_score_adj: -500
    blkio_config:
      weight: 300
      device_read_bps: [{path: /dev/sda, rate: 12mb}]
    deploy:
      replicas: 2
      resources:
        limits: {cpus: "1.5", memory: 512M, pids: 100}
        reservations: {cpus: "0.25", memory: 128M}
    secrets:
      - token
      - source: token
        target: /run/secrets/other
        mode: 0400
    configs: [settings]
    tty: true
    stdin_open: true
    privileged: false
    x-boxcompose:
      bandwidth: {egress: 10mbit, ingress: 512kbit}
    x-team: {name: payments}
  db:
    image: postgres:16
    volumes: [db:/var/lib/postgresql/data]
    networks: [back]
    healthcheck:
      test: pg_isready -U postgres
  cache:
    image: redis
    network_mode: none
networks:
  front:
    internal: true
    labels: {tier: front}
    driver_opts: {com.docker.network.bridge.name: br-front}
    ipam:
      config:
        - subnet: 172.28.0.0/16
          gateway: 172.28.0.1
          ip_range: 172.28.5.0/24
  back:
  outside:
    external: true
volumes:
  data:
  db:
    driver: local
    driver_opts: {type: none, o: bind, device: /srv/db}
    labels: {backup: "yes"}
  shared:
    external: true
    name: shared-volume
secrets:
  token:
    file: ./secrets/token.txt
configs:
  settings:
    content: |
      line one
      line two: with a colon
x-project:
  owner: team
  tags: [a, "1"]
)";

TEST(ConfigOutput, TheYamlLoadsBackToTheSameProject) {
  TestProject project(kRichProject);
  project.file("/p/web.env", "FROM_FILE=1\nQUOTED=\"a b\"\n").env("FROM_OS", "os");
  Json first = to_json(project.load());
  std::string yaml = to_yaml(first);
  Json second = reload(yaml, {{"FROM_OS", "os"}});
  EXPECT_EQ(second, first) << yaml;
  // And once more: the output is stable.
  EXPECT_EQ(to_yaml(second), yaml);
}

TEST(ConfigOutput, AwkwardStringsSurviveTheRoundTrip) {
  Project p = load_yaml(R"(services:
  web:
    image: x
    environment:
      MULTILINE: "first\nsecond"
      TRAILING_NEWLINE: "first\nsecond\n"
      LEADING_SPACE: "  indented"
      TRAILING_SPACE: "trailing  "
      COLON: "key: value"
      HASH: "a #comment"
      QUOTES: "it's \"quoted\""
      BACKSLASH: 'C:\path'
      DASH: "- item"
      STAR: "*alias"
      AMP: "&anchor"
      BANG: "!tag"
      PERCENT: "%directive"
      AT: "@at"
      BACKTICK: "`tick"
      BRACKETS: "[a, b]"
      BRACES: "{a: b}"
      TILDE: "~"
      NULLWORD: "null"
      YES: "yes"
      OCTAL: "0o17"
      EXPONENT: "1e3"
      TIME: "12:30:00"
      DOT: ".5"
      UNICODE: "héllo ✓"
      TAB: "a\tb"
      MERGE: "<<"
)");
  Json first = to_json(p);
  std::string yaml = to_yaml(first);
  EXPECT_EQ(reload(yaml), first) << yaml;
}

TEST(ConfigOutput, DollarsLoadBackWithoutInterpolation) {
  // $$ gives a literal $ in the project. to_yaml writes the value as it is, so it loads back
  // unchanged without interpolation; `docker compose config` itself writes $$ when it prints
  // an interpolated project.
  Project p = load_yaml(R"(services:
  web:
    image: x
    command: echo $$HOME
    environment: {PRICE: "$$5", REF: "$${NAME}"}
)");
  Json first = to_json(p);
  EXPECT_EQ(first["services"]["web"]["command"], Json::parse(R"(["echo", "$HOME"])"));
  EXPECT_EQ(first["services"]["web"]["environment"]["REF"], "${NAME}");
  std::string yaml = to_yaml(first);
  EXPECT_THAT(yaml, HasSubstr("REF: ${NAME}"));
  EXPECT_EQ(reload(yaml, {}, /*interpolate=*/false), first) << yaml;
}

}  // namespace
}  // namespace compose
