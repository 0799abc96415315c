// Every service key and top-level section through the whole loader: what a compose file
// says ends up in the typed model, with Docker Compose's defaults and normalizations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "loader_test_util.h"

namespace compose {
namespace {

using namespace std::chrono_literals;
using loader_test::load_yaml;
using loader_test::service;
using loader_test::TestProject;
using ::testing::ElementsAre;
using ::testing::Pair;
using Strings = std::vector<std::string>;

TEST(LoaderKeys, SimpleStringsAndFlags) {
  Project p = load_yaml(R"(services:
  web:
    image: nginx:1.27
    user: "1000:1000"
    working_dir: /app
    hostname: web1
    domainname: example.com
    container_name: my-web
    restart: on-failure:3
    stop_signal: SIGINT
    stop_grace_period: 1m30s
    init: true
    read_only: true
    privileged: yes
    tty: true
    stdin_open: on
    group_add: [audio, "1001"]
)");
  const Service& s = service(p, "web");
  EXPECT_EQ(s.image, "nginx:1.27");
  EXPECT_EQ(s.user, "1000:1000");
  EXPECT_EQ(s.working_dir, "/app");
  EXPECT_EQ(s.hostname, "web1");
  EXPECT_EQ(s.domainname, "example.com");
  EXPECT_EQ(s.container_name, "my-web");
  EXPECT_EQ(s.restart, "on-failure:3");
  EXPECT_EQ(s.stop_signal, "SIGINT");
  EXPECT_EQ(s.stop_grace_period, std::chrono::nanoseconds(90s));
  EXPECT_EQ(s.init, true);
  EXPECT_TRUE(s.read_only);
  EXPECT_TRUE(s.privileged);
  EXPECT_TRUE(s.tty);
  EXPECT_TRUE(s.stdin_open);
  EXPECT_EQ(s.group_add, (Strings{"audio", "1001"}));
}

TEST(LoaderKeys, UnsetFlagsKeepTheirDefaults) {
  Project p = load_yaml("services:\n  web:\n    image: x\n");
  const Service& s = p.services.at("web");
  EXPECT_EQ(s.init, std::nullopt);
  EXPECT_FALSE(s.read_only);
  EXPECT_FALSE(s.privileged);
  EXPECT_FALSE(s.tty);
  EXPECT_FALSE(s.stdin_open);
  EXPECT_EQ(s.command, std::nullopt);
  EXPECT_EQ(s.entrypoint, std::nullopt);
  EXPECT_EQ(s.healthcheck, std::nullopt);
  EXPECT_EQ(s.replicas(), 1);
  EXPECT_EQ(s.restart, "");
}

TEST(LoaderKeys, RestartPolicies) {
  Project p = load_yaml(R"(services:
  a: {image: x, restart: "no"}
  b: {image: x, restart: always}
  c: {image: x, restart: unless-stopped}
  d: {image: x, restart: on-failure}
)");
  EXPECT_EQ(service(p, "a").restart, "no");
  EXPECT_EQ(service(p, "b").restart, "always");
  EXPECT_EQ(service(p, "c").restart, "unless-stopped");
  EXPECT_EQ(service(p, "d").restart, "on-failure");
}

TEST(LoaderKeys, BuildAsAContextPath) {
  Project p = load_yaml("services:\n  app:\n    build: ./app\n");
  const Service& s = service(p, "app");
  ASSERT_TRUE(s.build);
  EXPECT_EQ(s.build->context, "/p/app");
  EXPECT_EQ(s.build->dockerfile, "Dockerfile");
  EXPECT_EQ(s.image, "");
}

TEST(LoaderKeys, BuildAsAMapping) {
  Project p = load_yaml(R"(services:
  long:
    build:
      context: ./svc
      dockerfile: Dockerfile.dev
      args:
        VERSION: "1.2"
        EMPTY:
      target: dev
  list_args:
    image: registry/app:1
    build:
      context: .
      args: [A=1, B]
  remote:
    build: https://github.com/example/app.git#main
)");
  const BuildConfig& long_build = *service(p, "long").build;
  EXPECT_EQ(long_build.context, "/p/svc");
  EXPECT_EQ(long_build.dockerfile, "Dockerfile.dev");
  EXPECT_EQ(long_build.target, "dev");
  EXPECT_THAT(long_build.args, ElementsAre(Pair("EMPTY", std::nullopt), Pair("VERSION", "1.2")));

  const Service& list_args = service(p, "list_args");
  EXPECT_EQ(list_args.image, "registry/app:1");
  EXPECT_EQ(list_args.build->context, "/p");
  EXPECT_EQ(list_args.build->dockerfile, "Dockerfile");
  EXPECT_THAT(list_args.build->args, ElementsAre(Pair("A", "1"), Pair("B", std::nullopt)));

  EXPECT_EQ(service(p, "remote").build->context, "https://github.com/example/app.git#main");
}

TEST(LoaderKeys, CommandAndEntrypointStringsSplitLikeAShell) {
  Project p = load_yaml(R"(services:
  web:
    image: x
    command: echo "hello world" 'single quoted' a\ b $$HOME
    entrypoint: /docker-entrypoint.sh --debug
)");
  const Service& s = service(p, "web");
  EXPECT_EQ(s.command, (Strings{"echo", "hello world", "single quoted", "a b", "$HOME"}));
  EXPECT_EQ(s.entrypoint, (Strings{"/docker-entrypoint.sh", "--debug"}));
}

TEST(LoaderKeys, CommandAndEntrypointLists) {
  Project p = load_yaml(R"(services:
  web:
    image: x
    command: ["sh", "-c", "echo a && echo b"]
    entrypoint:
      - /bin/tini
      - --
)");
  const Service& s = service(p, "web");
  EXPECT_EQ(s.command, (Strings{"sh", "-c", "echo a && echo b"}));
  EXPECT_EQ(s.entrypoint, (Strings{"/bin/tini", "--"}));
}

// The compose specification: null keeps the image's command; [] or '' clears it.
TEST(LoaderKeys, EmptyCommandClearsTheImagesButNullKeepsIt) {
  Project p = load_yaml(R"(services:
  null_command:
    image: x
    command:
    entrypoint: null
  empty_string:
    image: x
    command: ""
    entrypoint: ''
  empty_list:
    image: x
    command: []
    entrypoint: []
)");
  EXPECT_EQ(service(p, "null_command").command, std::nullopt);
  EXPECT_EQ(service(p, "null_command").entrypoint, std::nullopt);
  EXPECT_EQ(service(p, "empty_string").command, Strings{});
  EXPECT_EQ(service(p, "empty_string").entrypoint, Strings{});
  EXPECT_EQ(service(p, "empty_list").command, Strings{});
  EXPECT_EQ(service(p, "empty_list").entrypoint, Strings{});
}

TEST(LoaderKeys, EnvironmentAsAMapping) {
  Project p = load_yaml(R"(services:
  web:
    image: x
    environment:
      A: "1"
      B:
      C: ""
      D: 2
      FROM_OS:
      BOOL: true
)",
                        {{"FROM_OS", "os-value"}});
  EXPECT_THAT(service(p, "web").environment,
              ElementsAre(Pair("A", "1"), Pair("B", std::nullopt), Pair("BOOL", "true"),
                          Pair("C", ""), Pair("D", "2"), Pair("FROM_OS", "os-value")));
}

TEST(LoaderKeys, EnvironmentAsAList) {
  Project p = load_yaml(R"(services:
  web:
    image: x
    environment:
      - A=1
      - B
      - C=
      - D=x=y
      - FROM_OS
      - FROM_DOTENV
)",
                        {{"FROM_OS", "os-value"}});
  EXPECT_THAT(service(p, "web").environment,
              ElementsAre(Pair("A", "1"), Pair("B", std::nullopt), Pair("C", ""), Pair("D", "x=y"),
                          Pair("FROM_DOTENV", std::nullopt), Pair("FROM_OS", "os-value")));
}

TEST(LoaderKeys, ValuelessEnvironmentEntriesReadTheDotEnvToo) {
  TestProject project(R"(services:
  web:
    image: x
    environment: [FROM_DOTENV]
)");
  project.file("/p/.env", "FROM_DOTENV=dotenv-value\n");
  EXPECT_THAT(project.load().services.at("web").environment,
              ElementsAre(Pair("FROM_DOTENV", "dotenv-value")));
}

TEST(LoaderKeys, EnvFileForms) {
  TestProject project(R"(services:
  one:
    image: x
    env_file: one.env
  many:
    image: x
    env_file: [a.env, ./b.env]
  long:
    image: x
    env_file:
      - path: a.env
      - path: missing.env
        required: false
    environment:
      SHARED: from-environment
)");
  project.file("/p/one.env", "ONE=1\n")
      .file("/p/a.env", "A=a\nSHARED=from-a\n")
      .file("/p/b.env", "A=b\nB=b\n");
  Project p = project.load();

  const Service& one = service(p, "one");
  EXPECT_THAT(one.environment, ElementsAre(Pair("ONE", "1")));
  ASSERT_EQ(one.env_files.size(), 1u);
  EXPECT_EQ(one.env_files[0].path, "/p/one.env");
  EXPECT_TRUE(one.env_files[0].required);

  // A later file wins over an earlier one.
  EXPECT_THAT(service(p, "many").environment,
              ElementsAre(Pair("A", "b"), Pair("B", "b"), Pair("SHARED", "from-a")));

  // `environment` wins over env_file; a missing optional file is skipped.
  const Service& long_form = service(p, "long");
  EXPECT_THAT(long_form.environment,
              ElementsAre(Pair("A", "a"), Pair("SHARED", "from-environment")));
  ASSERT_EQ(long_form.env_files.size(), 2u);
  EXPECT_EQ(long_form.env_files[0].path, "/p/a.env");
  EXPECT_TRUE(long_form.env_files[0].required);
  EXPECT_EQ(long_form.env_files[1].path, "/p/missing.env");
  EXPECT_FALSE(long_form.env_files[1].required);
}

TEST(LoaderKeys, EnvFileValuesAreInterpolated) {
  TestProject project(R"(services:
  web:
    image: x
    env_file: web.env
)");
  project.file("/p/web.env", "GREETING=hello ${NAME}\nRAW='${NAME}'\nREUSE=${GREETING}!\n")
      .env("NAME", "world");
  EXPECT_THAT(project.load().services.at("web").environment,
              ElementsAre(Pair("GREETING", "hello world"), Pair("RAW", "${NAME}"),
                          Pair("REUSE", "hello world!")));
}

TEST(LoaderKeys, PortsShortSyntax) {
  Project p = load_yaml(R"(services:
  web:
    image: x
    ports:
      - "8080:80"
      - "127.0.0.1:8081:81/udp"
      - "9000-9002:9000-9002"
      - "[::1]:8443:443"
      - 3000
      - "127.0.0.1::5000"
      - "6000-6010:6000"
      - "::1:8444:444"
      - "53:53/sctp"
)");
  const auto& ports = service(p, "web").ports;
  ASSERT_EQ(ports.size(), 11u);
  auto check = [&](size_t i, std::string host_ip, uint16_t target, std::string published,
                   std::string protocol) {
    SCOPED_TRACE("port " + std::to_string(i));
    EXPECT_EQ(ports[i].host_ip, host_ip);
    EXPECT_EQ(ports[i].target, target);
    EXPECT_EQ(ports[i].published, published);
    EXPECT_EQ(ports[i].protocol, protocol);
    EXPECT_EQ(ports[i].mode, "ingress");
  };
  check(0, "", 80, "8080", "tcp");
  check(1, "127.0.0.1", 81, "8081", "udp");
  check(2, "", 9000, "9000", "tcp");
  check(3, "", 9001, "9001", "tcp");
  check(4, "", 9002, "9002", "tcp");
  check(5, "::1", 443, "8443", "tcp");
  check(6, "", 3000, "", "tcp");
  check(7, "127.0.0.1", 5000, "", "tcp");
  check(8, "", 6000, "6000-6010", "tcp");
  check(9, "::1", 444, "8444", "tcp");
  check(10, "", 53, "53", "sctp");
  EXPECT_EQ(ports[2].where.path, "services.web.ports[2]");
  EXPECT_EQ(ports[4].where.path, "services.web.ports[2]");
}

TEST(LoaderKeys, PortsLongSyntax) {
  Project p = load_yaml(R"(services:
  web:
    image: x
    ports:
      - target: 7000
        published: "7001"
        host_ip: 0.0.0.0
        protocol: udp
        mode: host
        name: seven
        app_protocol: http
      - target: 80
        published: 8000-8010
      - target: 443
)");
  const auto& ports = service(p, "web").ports;
  ASSERT_EQ(ports.size(), 3u);
  EXPECT_EQ(ports[0].target, 7000);
  EXPECT_EQ(ports[0].published, "7001");
  EXPECT_EQ(ports[0].host_ip, "0.0.0.0");
  EXPECT_EQ(ports[0].protocol, "udp");
  EXPECT_EQ(ports[0].mode, "host");
  EXPECT_EQ(ports[0].name, "seven");
  EXPECT_EQ(ports[0].app_protocol, "http");
  EXPECT_EQ(ports[1].target, 80);
  EXPECT_EQ(ports[1].published, "8000-8010");
  EXPECT_EQ(ports[2].target, 443);
  EXPECT_EQ(ports[2].published, "");
  EXPECT_EQ(ports[2].protocol, "tcp");
  EXPECT_EQ(ports[2].mode, "ingress");
}

TEST(LoaderKeys, Expose) {
  Project p = load_yaml(R"(services:
  web:
    image: x
    expose: ["3000", 4000, "5000-5001/udp"]
)");
  EXPECT_EQ(service(p, "web").expose, (Strings{"3000", "4000", "5000-5001/udp"}));
}

TEST(LoaderKeys, VolumesShortSyntax) {
  Project p = load_yaml(R"(services:
  web:
    image: x
    volumes:
      - data:/var/lib/data
      - ./src:/app:ro
      - /var/run/docker.sock:/var/run/docker.sock
      - /anonymous
      - ~/cache:/cache:rw,z
      - ../shared:/shared:nocopy
volumes:
  data:
)",
                        {{"HOME", "/home/u"}});
  const auto& v = service(p, "web").volumes;
  ASSERT_EQ(v.size(), 6u);
  EXPECT_EQ(v[0].type, "volume");
  EXPECT_EQ(v[0].source, "data");
  EXPECT_EQ(v[0].target, "/var/lib/data");
  EXPECT_FALSE(v[0].read_only);
  EXPECT_EQ(v[0].create_host_path, std::nullopt);

  EXPECT_EQ(v[1].type, "bind");
  EXPECT_EQ(v[1].source, "/p/src");
  EXPECT_EQ(v[1].target, "/app");
  EXPECT_TRUE(v[1].read_only);
  EXPECT_EQ(v[1].create_host_path, true);  // short syntax: Docker creates a missing source

  EXPECT_EQ(v[2].type, "bind");
  EXPECT_EQ(v[2].source, "/var/run/docker.sock");
  EXPECT_EQ(v[2].target, "/var/run/docker.sock");

  EXPECT_EQ(v[3].type, "volume");
  EXPECT_EQ(v[3].source, "");
  EXPECT_EQ(v[3].target, "/anonymous");

  EXPECT_EQ(v[4].type, "bind");
  EXPECT_EQ(v[4].source, "/home/u/cache");
  EXPECT_FALSE(v[4].read_only);
  EXPECT_EQ(v[4].selinux, "z");

  EXPECT_EQ(v[5].type, "bind");
  EXPECT_EQ(v[5].source, "/shared");
  EXPECT_TRUE(v[5].nocopy);
  EXPECT_EQ(v[5].where.path, "services.web.volumes[5]");
}

TEST(LoaderKeys, VolumesLongSyntax) {
  Project p = load_yaml(R"(services:
  web:
    image: x
    volumes:
      - type: volume
        source: data
        target: /long-volume
        read_only: true
        volume:
          nocopy: true
          subpath: sub
      - type: bind
        source: ./conf
        target: /etc/conf
        bind:
          create_host_path: true
          propagation: rshared
      - type: bind
        source: /srv
        target: /srv
      - type: tmpfs
        target: /scratch
        tmpfs:
          size: 64m
          mode: 01777
volumes:
  data: {}
)");
  const auto& v = service(p, "web").volumes;
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].type, "volume");
  EXPECT_EQ(v[0].source, "data");
  EXPECT_EQ(v[0].target, "/long-volume");
  EXPECT_TRUE(v[0].read_only);
  EXPECT_TRUE(v[0].nocopy);
  EXPECT_EQ(v[0].subpath, "sub");

  EXPECT_EQ(v[1].type, "bind");
  EXPECT_EQ(v[1].source, "/p/conf");
  EXPECT_EQ(v[1].target, "/etc/conf");
  EXPECT_EQ(v[1].create_host_path, true);
  EXPECT_EQ(v[1].propagation, "rshared");
  EXPECT_FALSE(v[1].read_only);

  EXPECT_EQ(v[2].create_host_path, std::nullopt);  // long syntax: only when asked for

  EXPECT_EQ(v[3].type, "tmpfs");
  EXPECT_EQ(v[3].source, "");
  EXPECT_EQ(v[3].target, "/scratch");
  EXPECT_EQ(v[3].tmpfs_size, 64 * 1024 * 1024);
  EXPECT_EQ(v[3].tmpfs_mode, 01777u);
}

TEST(LoaderKeys, Tmpfs) {
  Project p = load_yaml(R"(services:
  one: {image: x, tmpfs: /run}
  many:
    image: x
    tmpfs: [/run, /tmp]
)");
  EXPECT_EQ(service(p, "one").tmpfs, Strings{"/run"});
  EXPECT_EQ(service(p, "many").tmpfs, (Strings{"/run", "/tmp"}));
}

TEST(LoaderKeys, NetworksAsAListOrAMapping) {
  Project p = load_yaml(R"(services:
  list:
    image: x
    networks: [front, back]
  map:
    image: x
    networks:
      front:
        aliases: [api, api.local]
        ipv4_address: 172.28.0.10
      back:
networks:
  front:
    ipam:
      config:
        - subnet: 172.28.0.0/16
  back:
)");
  const Service& list = service(p, "list");
  EXPECT_THAT(list.networks, ElementsAre(Pair("back", ::testing::_), Pair("front", ::testing::_)));
  EXPECT_TRUE(list.networks.at("front").aliases.empty());

  const Service& map = service(p, "map");
  ASSERT_EQ(map.networks.size(), 2u);
  EXPECT_EQ(map.networks.at("front").aliases, (Strings{"api", "api.local"}));
  EXPECT_EQ(map.networks.at("front").ipv4_address, "172.28.0.10");
  EXPECT_TRUE(map.networks.at("back").aliases.empty());
  EXPECT_EQ(map.networks.at("back").ipv4_address, "");
  // Explicit networks: no default network is added.
  EXPECT_EQ(p.networks.count("default"), 0u);
}

TEST(LoaderKeys, NetworkModeLeavesTheDefaultNetworkOut) {
  Project p = load_yaml(R"(services:
  host: {image: x, network_mode: host}
  none: {image: x, network_mode: none}
  shared: {image: x, network_mode: "service:host"}
)");
  EXPECT_EQ(service(p, "host").network_mode, "host");
  EXPECT_EQ(service(p, "none").network_mode, "none");
  EXPECT_EQ(service(p, "shared").network_mode, "service:host");
  for (const auto& [name, s] : p.services)
    EXPECT_TRUE(s.networks.empty()) << name;
  EXPECT_TRUE(p.networks.empty());
}

TEST(LoaderKeys, DependsOnList) {
  Project p = load_yaml(R"(services:
  web:
    image: x
    depends_on: [db, cache]
  db: {image: x}
  cache: {image: x}
)");
  const auto& deps = service(p, "web").depends_on;
  ASSERT_EQ(deps.size(), 2u);
  for (const auto& [name, dep] : deps) {
    EXPECT_EQ(dep.condition, DependencyCondition::Started) << name;
    EXPECT_TRUE(dep.required) << name;
    EXPECT_FALSE(dep.restart) << name;
  }
  EXPECT_EQ(deps.at("cache").where.path, "services.web.depends_on[1]");
}

TEST(LoaderKeys, DependsOnMapping) {
  Project p = load_yaml(R"(services:
  worker:
    image: x
    depends_on:
      db:
        condition: service_healthy
        restart: true
      migrate:
        condition: service_completed_successfully
      cache:
        condition: service_started
        required: false
      plain:
  db: {image: x}
  cache: {image: x}
  migrate: {image: x}
  plain: {image: x}
)");
  const auto& deps = service(p, "worker").depends_on;
  ASSERT_EQ(deps.size(), 4u);
  EXPECT_EQ(deps.at("db").condition, DependencyCondition::Healthy);
  EXPECT_TRUE(deps.at("db").restart);
  EXPECT_TRUE(deps.at("db").required);
  EXPECT_EQ(deps.at("migrate").condition, DependencyCondition::CompletedSuccessfully);
  EXPECT_FALSE(deps.at("migrate").restart);
  EXPECT_EQ(deps.at("cache").condition, DependencyCondition::Started);
  EXPECT_FALSE(deps.at("cache").required);
  EXPECT_EQ(deps.at("plain").condition, DependencyCondition::Started);
  EXPECT_TRUE(deps.at("plain").required);
  EXPECT_EQ(deps.at("cache").where.path, "services.worker.depends_on.cache");
}

TEST(LoaderKeys, HealthcheckForms) {
  Project p = load_yaml(R"(services:
  cmd:
    image: x
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost"]
      interval: 30s
      timeout: 5s
      retries: 3
      start_period: 1m
      start_interval: 500ms
  shell:
    image: x
    healthcheck:
      test: ["CMD-SHELL", "curl -f http://localhost || exit 1"]
  string:
    image: x
    healthcheck:
      test: curl -f http://localhost
  none:
    image: x
    healthcheck:
      test: ["NONE"]
  disabled:
    image: x
    healthcheck:
      disable: true
)");
  const Healthcheck& cmd = *service(p, "cmd").healthcheck;
  EXPECT_EQ(cmd.test, (Strings{"CMD", "curl", "-f", "http://localhost"}));
  EXPECT_EQ(cmd.interval, std::chrono::nanoseconds(30s));
  EXPECT_EQ(cmd.timeout, std::chrono::nanoseconds(5s));
  EXPECT_EQ(cmd.retries, 3);
  EXPECT_EQ(cmd.start_period, std::chrono::nanoseconds(1min));
  EXPECT_EQ(cmd.start_interval, std::chrono::nanoseconds(500ms));
  EXPECT_FALSE(cmd.disable);

  EXPECT_EQ(service(p, "shell").healthcheck->test,
            (Strings{"CMD-SHELL", "curl -f http://localhost || exit 1"}));
  EXPECT_EQ(service(p, "shell").healthcheck->interval, std::nullopt);
  EXPECT_EQ(service(p, "string").healthcheck->test,
            (Strings{"CMD-SHELL", "curl -f http://localhost"}));
  EXPECT_EQ(service(p, "none").healthcheck->test, Strings{"NONE"});
  EXPECT_TRUE(service(p, "none").healthcheck->disable);
  EXPECT_TRUE(service(p, "disabled").healthcheck->disable);
  EXPECT_TRUE(service(p, "disabled").healthcheck->test.empty());
}

TEST(LoaderKeys, LabelsAsAMappingOrAList) {
  Project p = load_yaml(R"(services:
  map:
    image: x
    labels:
      com.example.tier: web
      com.example.empty:
  list:
    image: x
    labels: ["com.example.a=1", "com.example.b"]
)");
  EXPECT_THAT(service(p, "map").labels,
              ElementsAre(Pair("com.example.empty", ""), Pair("com.example.tier", "web")));
  EXPECT_THAT(service(p, "list").labels,
              ElementsAre(Pair("com.example.a", "1"), Pair("com.example.b", "")));
}

TEST(LoaderKeys, SecurityAndCapabilities) {
  Project p = load_yaml(R"(services:
  web:
    image: x
    cap_add: [net_admin, CAP_SYS_TIME, NET_ADMIN]
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true", "seccomp=unconfined"]
)");
  const Service& s = service(p, "web");
  EXPECT_EQ(s.cap_add, (Strings{"CAP_NET_ADMIN", "CAP_SYS_TIME"}));
  EXPECT_EQ(s.cap_drop, Strings{"ALL"});
  EXPECT_EQ(s.security_opt, (Strings{"no-new-privileges:true", "seccomp=unconfined"}));
}

TEST(LoaderKeys, UlimitsAndSysctls) {
  Project p = load_yaml(R"(services:
  web:
    image: x
    ulimits:
      nproc: 65535
      nofile:
        soft: 20000
        hard: 40000
    sysctls:
      net.core.somaxconn: 1024
  list:
    image: x
    sysctls: ["net.ipv4.tcp_syncookies=0"]
)");
  const Service& s = service(p, "web");
  ASSERT_EQ(s.ulimits.size(), 2u);
  EXPECT_EQ(s.ulimits.at("nproc").soft, 65535);
  EXPECT_EQ(s.ulimits.at("nproc").hard, 65535);
  EXPECT_EQ(s.ulimits.at("nofile").soft, 20000);
  EXPECT_EQ(s.ulimits.at("nofile").hard, 40000);
  EXPECT_THAT(s.sysctls, ElementsAre(Pair("net.core.somaxconn", "1024")));
  EXPECT_THAT(service(p, "list").sysctls, ElementsAre(Pair("net.ipv4.tcp_syncookies", "0")));
}

TEST(LoaderKeys, ExtraHostsAndDns) {
  Project p = load_yaml(R"(services:
  list:
    image: x
    extra_hosts:
      - "somehost:162.242.195.82"
      - "other=50.31.209.229"
      - "v6host:::1"
    dns: 8.8.8.8
  map:
    image: x
    extra_hosts:
      somehost: 162.242.195.82
      multi: ["10.0.0.1", "10.0.0.2"]
    dns: [1.1.1.1, 9.9.9.9]
)");
  EXPECT_EQ(service(p, "list").extra_hosts,
            (Strings{"somehost:162.242.195.82", "other:50.31.209.229", "v6host:::1"}));
  EXPECT_EQ(service(p, "list").dns, Strings{"8.8.8.8"});
  EXPECT_EQ(service(p, "map").extra_hosts,
            (Strings{"somehost:162.242.195.82", "multi:10.0.0.1", "multi:10.0.0.2"}));
  EXPECT_EQ(service(p, "map").dns, (Strings{"1.1.1.1", "9.9.9.9"}));
}

TEST(LoaderKeys, MemoryAndCpuResources) {
  Project p = load_yaml(R"(services:
  web:
    image: x
    shm_size: 64m
    mem_limit: 1g
    memswap_limit: 2g
    mem_reservation: 512m
    cpus: 1.5
    cpu_shares: 512
    cpu_quota: 50000
    cpu_period: 100000
    cpuset: "0-1"
    pids_limit: 100
    oom_score_adj: -500
  unlimited_swap:
    image: x
    mem_limit: 100MB
    memswap_limit: -1
)");
  const Service& s = service(p, "web");
  EXPECT_EQ(s.shm_size, 64 << 20);
  EXPECT_EQ(s.mem_limit, int64_t{1} << 30);
  EXPECT_EQ(s.memswap_limit, int64_t{2} << 30);
  EXPECT_EQ(s.mem_reservation, 512 << 20);
  EXPECT_EQ(s.cpus, 1.5);
  EXPECT_EQ(s.cpu_shares, 512);
  EXPECT_EQ(s.cpu_quota, 50000);
  EXPECT_EQ(s.cpu_period, 100000);
  EXPECT_EQ(s.cpuset, "0-1");
  EXPECT_EQ(s.pids_limit, 100);
  EXPECT_EQ(s.oom_score_adj, -500);
  EXPECT_EQ(service(p, "unlimited_swap").mem_limit, 100 << 20);
  EXPECT_EQ(service(p, "unlimited_swap").memswap_limit, -1);
}

TEST(LoaderKeys, BlkioConfig) {
  Project p = load_yaml(R"(services:
  web:
    image: x
    blkio_config:
      weight: 300
      weight_device:
        - path: /dev/sda
          weight: 400
      device_read_bps:
        - path: /dev/sda
          rate: 12mb
      device_write_bps:
        - path: /dev/sdb
          rate: 1024k
      device_read_iops:
        - path: /dev/sda
          rate: 120
      device_write_iops:
        - path: /dev/sdb
          rate: 30
)");
  const BlkioConfig& b = *service(p, "web").blkio_config;
  EXPECT_EQ(b.weight, 300);
  ASSERT_EQ(b.weight_device.size(), 1u);
  EXPECT_EQ(b.weight_device[0].path, "/dev/sda");
  EXPECT_EQ(b.weight_device[0].weight, 400);
  ASSERT_EQ(b.device_read_bps.size(), 1u);
  EXPECT_EQ(b.device_read_bps[0].path, "/dev/sda");
  EXPECT_EQ(b.device_read_bps[0].rate, 12 << 20);
  ASSERT_EQ(b.device_write_bps.size(), 1u);
  EXPECT_EQ(b.device_write_bps[0].rate, 1 << 20);
  ASSERT_EQ(b.device_read_iops.size(), 1u);
  EXPECT_EQ(b.device_read_iops[0].rate, 120);
  ASSERT_EQ(b.device_write_iops.size(), 1u);
  EXPECT_EQ(b.device_write_iops[0].path, "/dev/sdb");
  EXPECT_EQ(b.device_write_iops[0].rate, 30);
}

TEST(LoaderKeys, DeployResourcesFillTheServiceLimits) {
  Project p = load_yaml(R"(services:
  web:
    image: x
    deploy:
      replicas: 3
      resources:
        limits:
          cpus: "0.5"
          memory: 256M
          pids: 50
        reservations:
          cpus: "0.25"
          memory: 128M
)");
  const Service& s = service(p, "web");
  ASSERT_TRUE(s.deploy);
  EXPECT_EQ(s.deploy->replicas, 3);
  EXPECT_EQ(s.deploy->limits.cpus, 0.5);
  EXPECT_EQ(s.deploy->limits.memory, 256 << 20);
  EXPECT_EQ(s.deploy->limits.pids, 50);
  EXPECT_EQ(s.deploy->reservations.cpus, 0.25);
  EXPECT_EQ(s.deploy->reservations.memory, 128 << 20);
  EXPECT_EQ(s.replicas(), 3);
  // One host: the deploy limits are the container's limits.
  EXPECT_EQ(s.mem_limit, 256 << 20);
  EXPECT_EQ(s.cpus, 0.5);
  EXPECT_EQ(s.pids_limit, 50);
  EXPECT_EQ(s.mem_reservation, 128 << 20);
}

TEST(LoaderKeys, ScaleAndAgreeingReplicas) {
  Project p = load_yaml(R"(services:
  scaled: {image: x, scale: 2}
  both:
    image: x
    scale: 4
    deploy: {replicas: 4}
  zero: {image: x, scale: 0}
)");
  EXPECT_EQ(service(p, "scaled").replicas(), 2);
  EXPECT_EQ(service(p, "both").replicas(), 4);
  EXPECT_EQ(service(p, "zero").replicas(), 0);
}

TEST(LoaderKeys, SecretsAndConfigs) {
  TestProject project(R"(services:
  web:
    image: x
    secrets:
      - db_password
      - source: api_key
        target: /run/secrets/key
        uid: "1000"
        gid: "1001"
        mode: 0400
    configs:
      - app_config
      - source: app_config
        target: /etc/app.conf
secrets:
  db_password:
    file: ./secrets/db.txt
  api_key:
    environment: API_KEY
configs:
  app_config:
    file: ./app.conf
)");
  Project p = project.load();
  const Service& s = service(p, "web");
  ASSERT_EQ(s.secrets.size(), 2u);
  EXPECT_EQ(s.secrets[0].source, "db_password");
  EXPECT_EQ(s.secrets[0].target, "");
  EXPECT_EQ(s.secrets[1].source, "api_key");
  EXPECT_EQ(s.secrets[1].target, "/run/secrets/key");
  EXPECT_EQ(s.secrets[1].uid, "1000");
  EXPECT_EQ(s.secrets[1].gid, "1001");
  EXPECT_EQ(s.secrets[1].mode, 0400u);
  ASSERT_EQ(s.configs.size(), 2u);
  EXPECT_EQ(s.configs[0].source, "app_config");
  EXPECT_EQ(s.configs[1].target, "/etc/app.conf");

  ASSERT_EQ(p.secrets.size(), 2u);
  EXPECT_EQ(p.secrets.at("db_password").file, "/p/secrets/db.txt");
  EXPECT_EQ(p.secrets.at("db_password").name, "p_db_password");
  EXPECT_EQ(p.secrets.at("api_key").environment, "API_KEY");
  EXPECT_EQ(p.secrets.at("api_key").file, "");
  ASSERT_EQ(p.configs.size(), 1u);
  EXPECT_EQ(p.configs.at("app_config").file, "/p/app.conf");
  EXPECT_EQ(p.configs.at("app_config").name, "p_app_config");
}

TEST(LoaderKeys, BoxcomposeBandwidthAndOtherExtensions) {
  Project p = load_yaml(R"(services:
  web:
    image: x
    x-boxcompose:
      bandwidth:
        egress: 10mbit
        ingress: 2mbps
    x-team: payments
  plain:
    image: x
)");
  const Service& s = service(p, "web");
  ASSERT_TRUE(s.boxcompose);
  EXPECT_EQ(s.boxcompose->egress_bits_per_second, 10'000'000);
  EXPECT_EQ(s.boxcompose->ingress_bits_per_second, 16'000'000);
  EXPECT_EQ(s.extensions, nlohmann::json({{"x-team", "payments"}}));
  EXPECT_EQ(service(p, "plain").boxcompose, std::nullopt);
}

TEST(LoaderKeys, ProfilesAreKept) {
  TestProject project(R"(services:
  debug:
    image: x
    profiles: [debug, tools]
)");
  project.options.profiles = {"tools"};
  EXPECT_EQ(project.load().services.at("debug").profiles, (Strings{"debug", "tools"}));
}

TEST(LoaderKeys, TopLevelNameAndVersion) {
  Project p = load_yaml(R"(version: "3.9"
name: mystack
services:
  web: {image: x}
x-defaults:
  restart: always
)");
  EXPECT_EQ(p.name, "mystack");
  EXPECT_EQ(p.working_dir, "/p");
  EXPECT_EQ(p.files, Strings{"/p/compose.yaml"});
  EXPECT_EQ(p.extensions, nlohmann::json({{"x-defaults", {{"restart", "always"}}}}));
}

TEST(LoaderKeys, TopLevelNetworks) {
  Project p = load_yaml(R"(name: mystack
services:
  web:
    image: x
    networks: [front, outside, named, legacy]
networks:
  front:
    driver: bridge
    internal: true
    labels: {tier: front}
    driver_opts:
      com.docker.network.bridge.name: br-front
    ipam:
      config:
        - subnet: 172.28.0.0/16
          gateway: 172.28.0.1
          ip_range: 172.28.5.0/24
  outside:
    external: true
  named:
    name: custom-net
  legacy:
    external:
      name: legacy-net
)");
  ASSERT_EQ(p.networks.size(), 4u);
  const Network& front = p.networks.at("front");
  EXPECT_EQ(front.key, "front");
  EXPECT_EQ(front.name, "mystack_front");
  EXPECT_EQ(front.driver, "bridge");
  EXPECT_TRUE(front.internal);
  EXPECT_FALSE(front.external);
  EXPECT_THAT(front.labels, ElementsAre(Pair("tier", "front")));
  EXPECT_THAT(front.driver_opts, ElementsAre(Pair("com.docker.network.bridge.name", "br-front")));
  ASSERT_EQ(front.ipam_config.size(), 1u);
  EXPECT_EQ(front.ipam_config[0].subnet, "172.28.0.0/16");
  EXPECT_EQ(front.ipam_config[0].gateway, "172.28.0.1");
  EXPECT_EQ(front.ipam_config[0].ip_range, "172.28.5.0/24");

  EXPECT_TRUE(p.networks.at("outside").external);
  EXPECT_EQ(p.networks.at("outside").name, "outside");  // external: the key is the name
  EXPECT_EQ(p.networks.at("named").name, "custom-net");
  EXPECT_FALSE(p.networks.at("named").external);
  EXPECT_TRUE(p.networks.at("legacy").external);
  EXPECT_EQ(p.networks.at("legacy").name, "legacy-net");
}

TEST(LoaderKeys, TopLevelVolumes) {
  Project p = load_yaml(R"(name: mystack
services:
  web:
    image: x
    volumes: [data:/data, shared:/shared, named:/named, bare:/bare]
volumes:
  data:
    driver: local
    driver_opts: {type: none, o: bind, device: /srv/data}
  shared:
    external: true
  named:
    name: custom-volume
    labels: [a=b]
  bare:
)");
  ASSERT_EQ(p.volumes.size(), 4u);
  const Volume& data = p.volumes.at("data");
  EXPECT_EQ(data.name, "mystack_data");
  EXPECT_EQ(data.driver, "local");
  EXPECT_THAT(data.driver_opts,
              ElementsAre(Pair("device", "/srv/data"), Pair("o", "bind"), Pair("type", "none")));
  EXPECT_TRUE(p.volumes.at("shared").external);
  EXPECT_EQ(p.volumes.at("shared").name, "shared");
  EXPECT_EQ(p.volumes.at("named").name, "custom-volume");
  EXPECT_THAT(p.volumes.at("named").labels, ElementsAre(Pair("a", "b")));
  EXPECT_EQ(p.volumes.at("bare").name, "mystack_bare");
  EXPECT_EQ(p.volumes.at("bare").driver, "local");
}

TEST(LoaderKeys, TheDefaultNetworkIsAddedForServicesWithoutNetworks) {
  Project p = load_yaml(R"(services:
  web: {image: x}
  db:
    image: x
    networks: [back]
networks:
  back:
)");
  EXPECT_THAT(service(p, "web").networks, ElementsAre(Pair("default", ::testing::_)));
  EXPECT_THAT(service(p, "db").networks, ElementsAre(Pair("back", ::testing::_)));
  ASSERT_EQ(p.networks.count("default"), 1u);
  EXPECT_EQ(p.networks.at("default").name, "p_default");
  EXPECT_EQ(p.networks.at("default").driver, "bridge");
  EXPECT_EQ(p.networks.at("back").name, "p_back");
}

TEST(LoaderKeys, AnEmptyFileAddsNothingToAnOverride) {
  TestProject project("services:\n  web: {image: x}\n");
  project.file("/p/empty.yaml", "");
  project.options.files = {"compose.yaml", "empty.yaml"};
  Project p = project.load();
  EXPECT_EQ(service(p, "web").image, "x");
  EXPECT_EQ(p.files, (Strings{"/p/compose.yaml", "/p/empty.yaml"}));
}

TEST(LoaderKeys, YamlAnchorsAndMergeKeysShareSettings) {
  Project p = load_yaml(R"(x-common: &common
  image: base:1
  environment:
    SHARED: "1"
  restart: always
services:
  a:
    <<: *common
  b:
    <<: *common
    image: other:2
)");
  EXPECT_EQ(service(p, "a").image, "base:1");
  EXPECT_EQ(service(p, "a").restart, "always");
  EXPECT_THAT(service(p, "a").environment, ElementsAre(Pair("SHARED", "1")));
  EXPECT_EQ(service(p, "b").image, "other:2");
  EXPECT_EQ(service(p, "b").restart, "always");
}

}  // namespace
}  // namespace compose
