// Validation errors: each one exactly as the user reads it, "file:line:col: path: message",
// and every error of a file reported by one load.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "loader_test_util.h"

namespace compose {
namespace {

using loader_test::load_errors;
using loader_test::TestProject;
using ::testing::ElementsAre;
using Strings = std::vector<std::string>;

constexpr const char* kSizeHint = " (expected bytes or a number with b, k, m or g)";
constexpr const char* kDurationHint =
    " (expected a number with a unit: ns, us, ms, s, m or h, e.g. 1m30s)";
constexpr const char* kNameHint =
    " (lowercase letters, digits, '-' and '_', starting with a letter or digit)";

TEST(LoaderErrors, TheExampleFromTheDocumentation) {
  EXPECT_THAT(load_errors(R"(services:
  web:
    image: nginx
    ports: [80800]
)"),
              ElementsAre("/p/compose.yaml:4:13: services.web.ports[0]: invalid port \"80800\" "
                          "(must be 1-65535)"));
}

TEST(LoaderErrors, DiagnosticsCarryFileLinePathAndMessage) {
  TestProject project("services:\n  web:\n    image: x\n    ports: [\"0\"]\n");
  try {
    project.load();
    FAIL() << "expected a LoadError";
  } catch (const LoadError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    const Diagnostic& d = e.diagnostics()[0];
    ASSERT_TRUE(d.mark.file);
    EXPECT_EQ(*d.mark.file, "/p/compose.yaml");
    EXPECT_EQ(d.mark.line, 4);
    EXPECT_EQ(d.mark.column, 13);
    EXPECT_EQ(d.path, "services.web.ports[0]");
    EXPECT_EQ(d.message, "invalid port \"0\" (must be 1-65535)");
    EXPECT_STREQ(
        e.what(),
        "/p/compose.yaml:4:13: services.web.ports[0]: invalid port \"0\" (must be 1-65535)");
  }
}

TEST(LoaderErrors, UnknownKeysAreReportedAndExtensionsAllowed) {
  EXPECT_THAT(load_errors(R"(services:
  web:
    image: x
    imagez: y
    x-note: extensions are fine
  db:
    image: x
    build_args: 1
unknown_top: 1
x-top: fine
)"),
              ElementsAre("/p/compose.yaml:4:5: services.web.imagez: unknown key",
                          "/p/compose.yaml:8:5: services.db.build_args: unknown key",
                          "/p/compose.yaml:9:1: unknown_top: unknown key"));
}

TEST(LoaderErrors, UnknownKeysDeepInsideAService) {
  EXPECT_THAT(load_errors(R"(services:
  web:
    image: x
    healthcheck:
      tests: ["CMD", "true"]
    deploy:
      resources:
        limit:
          memory: 1g
    ports:
      - target: 80
        publish: 8080
networks:
  front:
    ipam:
      configs: []
)"),
              ElementsAre("/p/compose.yaml:5:7: services.web.healthcheck.tests: unknown key",
                          "/p/compose.yaml:8:9: services.web.deploy.resources.limit: unknown key",
                          "/p/compose.yaml:12:9: services.web.ports[0].publish: unknown key",
                          "/p/compose.yaml:16:7: networks.front.ipam.configs: unknown key"));
}

TEST(LoaderErrors, WrongTypes) {
  EXPECT_THAT(
      load_errors(R"(services:
  web:
    build: .
    image: [a, b]
    ports: "80:80"
    environment: 42
    privileged: maybe
    cpu_shares: lots
    command: {a: b}
    depends_on: db
    networks: 3
    labels: [[a]]
)"),
      ElementsAre(
          "/p/compose.yaml:4:12: services.web.image: must be a string, not a sequence",
          "/p/compose.yaml:5:12: services.web.ports: must be a sequence, not a scalar",
          "/p/compose.yaml:6:18: services.web.environment: must be a mapping or a list of "
          "KEY=VALUE strings, not a scalar",
          "/p/compose.yaml:7:17: services.web.privileged: must be a boolean (true or false), not "
          "\"maybe\"",
          "/p/compose.yaml:8:17: services.web.cpu_shares: must be an integer, not \"lots\"",
          "/p/compose.yaml:9:14: services.web.command: must be a string, not a mapping",
          "/p/compose.yaml:10:17: services.web.depends_on: must be a list of services or a "
          "mapping, not a scalar",
          "/p/compose.yaml:11:15: services.web.networks: must be a list of networks or a mapping, "
          "not a scalar",
          "/p/compose.yaml:12:14: services.web.labels[0]: must be a string, not a sequence"));
}

TEST(LoaderErrors, WrongTypesAtTheTopLevel) {
  EXPECT_THAT(load_errors(R"(name: [x]
services:
  web: {image: x}
networks: [front]
volumes: data
)"),
              ElementsAre("/p/compose.yaml:1:7: name: must be a string, not a sequence",
                          "/p/compose.yaml:4:11: networks: must be a mapping, not a sequence",
                          "/p/compose.yaml:5:10: volumes: must be a mapping, not a scalar"));
}

TEST(LoaderErrors, IntegersOutOfRange) {
  EXPECT_THAT(
      load_errors(R"(services:
  web:
    image: x
    cpu_shares: 300000
    oom_score_adj: -1001
    healthcheck:
      retries: -1
)"),
      ElementsAre(
          "/p/compose.yaml:4:17: services.web.cpu_shares: invalid value 300000 (must be 0-262144)",
          "/p/compose.yaml:5:20: services.web.oom_score_adj: invalid value -1001 (must be "
          "-1000-1000)",
          "/p/compose.yaml:7:16: services.web.healthcheck.retries: invalid value -1 (must be "
          "0-2147483647)"));
}

TEST(LoaderErrors, UnknownServiceInDependsOn) {
  EXPECT_THAT(
      load_errors(R"(services:
  web:
    image: x
    depends_on: [db]
  worker:
    image: x
    depends_on:
      cache:
        condition: service_healthy
)"),
      ElementsAre("/p/compose.yaml:4:18: services.web.depends_on[0]: service \"web\" depends on "
                  "undefined service \"db\"",
                  "/p/compose.yaml:8:7: services.worker.depends_on.cache: service \"worker\" "
                  "depends on undefined service \"cache\""));
}

TEST(LoaderErrors, UndefinedNetworkVolumeSecretAndConfig) {
  EXPECT_THAT(
      load_errors(R"(services:
  web:
    image: x
    networks: [front]
    volumes:
      - data:/data
      - ./here:/here
      - /anonymous
    secrets: [token]
    configs:
      - source: settings
        target: /etc/settings
)"),
      ElementsAre("/p/compose.yaml:4:16: services.web.networks[0]: service \"web\" refers to "
                  "undefined network \"front\"",
                  "/p/compose.yaml:6:9: services.web.volumes[0]: service \"web\" refers to "
                  "undefined volume \"data\"",
                  "/p/compose.yaml:9:15: services.web.secrets[0]: undefined secret \"token\"",
                  "/p/compose.yaml:11:9: services.web.configs[0]: undefined config \"settings\""));
}

TEST(LoaderErrors, UndefinedServiceReferences) {
  EXPECT_THAT(
      load_errors(R"(services:
  web:
    image: x
    network_mode: service:vpn
    links: [db:database]
    volumes_from: [store, "container:other"]
)"),
      ElementsAre("/p/compose.yaml:3:5: services.web.links: link to undefined service \"db\"",
                  "/p/compose.yaml:3:5: services.web.volumes_from: volumes_from refers to "
                  "undefined service \"store\"",
                  "/p/compose.yaml:4:19: services.web.network_mode: network_mode refers to "
                  "undefined service \"vpn\""));
}

TEST(LoaderErrors, BadPorts) {
  EXPECT_THAT(
      load_errors(R"(services:
  web:
    image: x
    ports:
      - "80800"
      - "70000:80"
      - "8080-8070:80"
      - "80/xyz"
      - "8000-8002:80-81"
      - target: 0
      - published: 8080
      - target: 80
        protocol: icmp
    expose: ["99999", "80/tcpx"]
)"),
      ElementsAre(
          "/p/compose.yaml:5:9: services.web.ports[0]: invalid port \"80800\" (must be 1-65535)",
          "/p/compose.yaml:6:9: services.web.ports[1]: invalid port \"70000\" (must be 1-65535)",
          "/p/compose.yaml:7:9: services.web.ports[2]: invalid port range \"8080-8070\" (the end "
          "is below the start)",
          "/p/compose.yaml:8:9: services.web.ports[3]: invalid protocol \"xyz\" (expected tcp, "
          "udp or sctp)",
          "/p/compose.yaml:9:9: services.web.ports[4]: port ranges \"8000-8002:80-81\" differ in "
          "size",
          "/p/compose.yaml:10:17: services.web.ports[5].target: invalid value 0 (must be 1-65535)",
          "/p/compose.yaml:11:9: services.web.ports[6]: missing the container port (target)",
          "/p/compose.yaml:13:19: services.web.ports[7].protocol: invalid protocol \"icmp\" "
          "(expected tcp, udp or sctp)",
          "/p/compose.yaml:14:14: services.web.expose[0]: invalid port \"99999\" (must be "
          "1-65535)",
          "/p/compose.yaml:14:23: services.web.expose[1]: invalid protocol \"tcpx\" (expected "
          "tcp, udp or sctp)"));
}

TEST(LoaderErrors, BadSizes) {
  EXPECT_THAT(
      load_errors(R"(services:
  web:
    image: x
    mem_limit: lots
    shm_size: 1x
    volumes:
      - type: tmpfs
        target: /t
        tmpfs:
          size: -5
    deploy:
      resources:
        limits:
          memory: 1.5.2g
)"),
      ElementsAre(
          std::string("/p/compose.yaml:4:16: services.web.mem_limit: invalid size \"lots\"") +
              kSizeHint,
          std::string("/p/compose.yaml:5:15: services.web.shm_size: invalid size \"1x\"") +
              kSizeHint,
          std::string(
              "/p/compose.yaml:10:17: services.web.volumes[0].tmpfs.size: invalid size \"-5\"") +
              kSizeHint,
          std::string("/p/compose.yaml:14:19: services.web.deploy.resources.limits.memory: "
                      "invalid size \"1.5.2g\"") +
              kSizeHint));
}

TEST(LoaderErrors, BadDurations) {
  EXPECT_THAT(
      load_errors(R"(services:
  web:
    image: x
    stop_grace_period: 1 minute
    healthcheck:
      test: ["CMD", "true"]
      interval: 10
      timeout: -1s
      start_period: 1d
)"),
      ElementsAre(std::string("/p/compose.yaml:4:24: services.web.stop_grace_period: invalid "
                              "duration \"1 minute\"") +
                      kDurationHint,
                  std::string("/p/compose.yaml:7:17: services.web.healthcheck.interval: invalid "
                              "duration \"10\"") +
                      kDurationHint,
                  std::string("/p/compose.yaml:8:16: services.web.healthcheck.timeout: invalid "
                              "duration \"-1s\"") +
                      kDurationHint,
                  std::string("/p/compose.yaml:9:21: services.web.healthcheck.start_period: "
                              "invalid duration \"1d\"") +
                      kDurationHint));
}

TEST(LoaderErrors, ACycleInExtends) {
  EXPECT_THAT(load_errors(R"(services:
  a:
    image: x
    extends: b
  b:
    extends:
      service: a
)"),
              ElementsAre("/p/compose.yaml:4:14: services.a.extends: extends cycle through "
                          "service \"a\""));
}

TEST(LoaderErrors, AServiceExtendingItself) {
  EXPECT_THAT(load_errors("services:\n  a:\n    image: x\n    extends: a\n"),
              ElementsAre("/p/compose.yaml:4:14: services.a.extends: extends cycle through "
                          "service \"a\""));
}

TEST(LoaderErrors, ExtendsAnUndefinedService) {
  EXPECT_THAT(load_errors(R"(services:
  a:
    extends:
      service: nowhere
)"),
              ElementsAre("/p/compose.yaml:4:7: services.a.extends: extends undefined service "
                          "\"nowhere\""));
}

TEST(LoaderErrors, EveryErrorOfAFileIsReported) {
  std::vector<std::string> errors = load_errors(R"(services:
  web:
    image: nginx
    ports:
      - "80800:80"
    mem_limit: lots
    depends_on: [nowhere]
    restart: sometimes
    volumes: [data:/data]
)");
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[0],
            "/p/compose.yaml:5:9: services.web.ports[0]: invalid port \"80800\" (must be 1-65535)");
  EXPECT_EQ(errors[1],
            std::string("/p/compose.yaml:6:16: services.web.mem_limit: invalid size \"lots\"") +
                kSizeHint);
  // In file order, although the dependency is checked after the restart policy is read.
  EXPECT_EQ(errors[2],
            "/p/compose.yaml:7:18: services.web.depends_on[0]: service \"web\" depends on "
            "undefined service \"nowhere\"");
  EXPECT_EQ(errors[3],
            "/p/compose.yaml:8:14: services.web.restart: invalid restart policy \"sometimes\" "
            "(expected no, always, on-failure[:max-retries] or unless-stopped)");
  EXPECT_EQ(errors[4],
            "/p/compose.yaml:9:15: services.web.volumes[0]: service \"web\" refers to undefined "
            "volume \"data\"");
}

TEST(LoaderErrors, ErrorsOfSeveralFilesAreReportedTogether) {
  TestProject project("services:\n  web:\n    image: x\n    mem_limit: big\n");
  project.file("/p/override.yaml", "services:\n  web:\n    cpus: many\n");
  project.options.files = {"compose.yaml", "override.yaml"};
  EXPECT_THAT(
      project.errors(),
      ElementsAre(
          std::string("/p/compose.yaml:4:16: services.web.mem_limit: invalid size \"big\"") +
              kSizeHint,
          "/p/override.yaml:3:11: services.web.cpus: invalid number of CPUs \"many\" (expected "
          "e.g. 0.5 or 2)"));
}

TEST(LoaderErrors, MissingFiles) {
  TestProject project;
  project.options.files = {"missing.yaml"};
  EXPECT_THAT(project.errors(),
              ElementsAre("/p/missing.yaml: cannot read the compose file (does it exist?)"));

  TestProject nothing;
  nothing.options.working_directory = "/empty/dir";
  EXPECT_THAT(nothing.errors(),
              ElementsAre("<input>: no compose file found in /empty/dir or its parents (looked "
                          "for compose.yaml, compose.yml, docker-compose.yaml, "
                          "docker-compose.yml); name one with -f"));
}

TEST(LoaderErrors, TheDocumentShape) {
  EXPECT_THAT(load_errors("- a\n- b\n"),
              ElementsAre("/p/compose.yaml:1:1: the top level must be a mapping, not a sequence"));
  EXPECT_THAT(load_errors("name: x\n"),
              ElementsAre("/p/compose.yaml:1:1: no services defined (expected a top-level "
                          "services: mapping)"));
  EXPECT_THAT(load_errors("services:\n  web:\n    restart: always\n"),
              ElementsAre("/p/compose.yaml:3:5: services.web: service has neither an image nor a "
                          "build context"));
  EXPECT_THAT(load_errors("services:\n  \"my service\": {image: x}\n"),
              ElementsAre("/p/compose.yaml:2:3: services.my service: invalid name \"my service\" "
                          "(letters, digits, '_', '.' and '-')"));
}

TEST(LoaderErrors, YamlProblemsStopAtTheParser) {
  EXPECT_THAT(load_errors("services:\n  web:\n    image: x\n    image: y\n"),
              ElementsAre("/p/compose.yaml:4:5: duplicate key \"image\""));
}

TEST(LoaderErrors, InvalidProjectNames) {
  EXPECT_THAT(load_errors("name: My_App\nservices:\n  web: {image: x}\n"),
              ElementsAre(std::string("/p/compose.yaml:1:7: name: invalid project name "
                                      "\"My_App\"") +
                          kNameHint));

  TestProject from_option("services:\n  web: {image: x}\n");
  from_option.options.project_name = "-bad";
  EXPECT_THAT(from_option.errors(),
              ElementsAre(std::string("<input>: invalid project name \"-bad\"") + kNameHint));
}

TEST(LoaderErrors, ADirectoryNameThatLeavesNoProjectName) {
  TestProject project;
  project.file("/srv/__/compose.yaml", "services:\n  web: {image: x}\n");
  project.options.working_directory = "/srv/__";
  EXPECT_THAT(project.errors(),
              ElementsAre("<input>: project name must not be empty (the directory name \"__\" "
                          "has no letter or digit; name the project with -p, "
                          "COMPOSE_PROJECT_NAME or a top-level name:)"));
  project.options.project_name = "named";
  EXPECT_EQ(project.load().name, "named");
}

TEST(LoaderErrors, ServiceValuesThatMakeNoSense) {
  EXPECT_THAT(
      load_errors(R"(services:
  web:
    image: x
    user: "a:b:c"
    working_dir: app
    stop_signal: SIGNOPE
    cap_add: [NET_NOPE]
    network_mode: bridgey
    container_name: "-web"
    pull_policy: sometimes
    tmpfs: [run]
    extra_hosts: ["nohost", "db:not-an-ip"]
)"),
      ElementsAre(
          "/p/compose.yaml:4:11: services.web.user: invalid user \"a:b:c\" (expected name, uid, "
          "name:group or uid:gid)",
          "/p/compose.yaml:5:18: services.web.working_dir: working_dir must be an absolute path, "
          "not \"app\"",
          "/p/compose.yaml:6:18: services.web.stop_signal: unknown signal \"SIGNOPE\" (expected "
          "e.g. SIGTERM or 15)",
          "/p/compose.yaml:7:15: services.web.cap_add[0]: unknown capability \"NET_NOPE\" "
          "(expected e.g. NET_ADMIN or ALL)",
          "/p/compose.yaml:8:19: services.web.network_mode: invalid network_mode \"bridgey\" "
          "(expected bridge, host, none, service:NAME or container:NAME)",
          "/p/compose.yaml:9:21: services.web.container_name: invalid container name \"-web\" "
          "(letters, digits, '_', '.' and '-', starting with a letter or digit)",
          "/p/compose.yaml:10:18: services.web.pull_policy: invalid value \"sometimes\" (expected "
          "one of: always, never, missing, build, if_not_present)",
          "/p/compose.yaml:11:13: services.web.tmpfs[0]: the tmpfs target \"run\" must be an "
          "absolute path",
          "/p/compose.yaml:12:19: services.web.extra_hosts[0]: invalid extra host \"nohost\" "
          "(expected HOST:IP)",
          "/p/compose.yaml:12:29: services.web.extra_hosts[1]: invalid extra host "
          "\"db:not-an-ip\" (expected HOST:IP)"));
}

TEST(LoaderErrors, BadVolumes) {
  EXPECT_THAT(
      load_errors(R"(services:
  web:
    image: x
    volumes:
      - a:b:c:d
      - data:relative
      - ./x:/x:bogus
      - target: /no-type
      - type: bind
        target: /no-source
      - type: tmpfs
        source: src
        target: /t
      - type: nfs
        target: /n
      - type: volume
        source: data
)"),
      ElementsAre(
          "/p/compose.yaml:5:9: services.web.volumes[0]: invalid volume \"a:b:c:d\" (expected "
          "[SOURCE:]TARGET[:MODE])",
          "/p/compose.yaml:6:9: services.web.volumes[1]: the mount target \"relative\" must be an "
          "absolute path",
          "/p/compose.yaml:7:9: services.web.volumes[2]: unknown volume option \"bogus\" (expected "
          "ro, rw, z, Z, nocopy or a propagation mode)",
          "/p/compose.yaml:8:9: services.web.volumes[3]: missing the mount type (volume, bind or "
          "tmpfs)",
          "/p/compose.yaml:9:9: services.web.volumes[4]: a bind mount needs a source",
          "/p/compose.yaml:11:9: services.web.volumes[5]: a tmpfs mount takes no source",
          "/p/compose.yaml:14:15: services.web.volumes[6].type: invalid mount type \"nfs\" "
          "(expected volume, bind or tmpfs)",
          "/p/compose.yaml:16:9: services.web.volumes[7]: missing the mount target"));
}

TEST(LoaderErrors, BadDependenciesAndHealthchecks) {
  EXPECT_THAT(
      load_errors(R"(services:
  web:
    image: x
    depends_on:
      db:
        condition: service_ready
    healthcheck:
      test: ["CURL", "localhost"]
  db:
    image: x
    healthcheck:
      test: ["CMD-SHELL", "a", "b"]
  cache:
    image: x
    healthcheck:
      test: ["CMD", "true"]
      disable: true
)"),
      ElementsAre("/p/compose.yaml:6:20: services.web.depends_on.db.condition: invalid condition "
                  "\"service_ready\" (expected service_started, service_healthy or "
                  "service_completed_successfully)",
                  "/p/compose.yaml:8:14: services.web.healthcheck.test[0]: the test must start "
                  "with CMD, CMD-SHELL or NONE, not \"CURL\"",
                  "/p/compose.yaml:12:13: services.db.healthcheck.test: CMD-SHELL takes exactly "
                  "one command string",
                  "/p/compose.yaml:16:7: services.cache.healthcheck: test and disable: true "
                  "contradict each other"));
}

TEST(LoaderErrors, ResourceSettingsThatDisagree) {
  EXPECT_THAT(
      load_errors(R"(services:
  scaled:
    image: x
    scale: 2
    deploy:
      replicas: 3
  limits:
    image: x
    mem_limit: 1g
    deploy:
      resources:
        limits:
          memory: 2g
  reservation:
    image: x
    mem_limit: 1g
    mem_reservation: 2g
  swap:
    image: x
    memswap_limit: 1g
  named:
    image: x
    container_name: one
    scale: 2
)"),
      ElementsAre("/p/compose.yaml:3:5: services.scaled: scale and deploy.replicas are both set "
                  "and differ",
                  "/p/compose.yaml:8:5: services.limits: mem_limit and "
                  "deploy.resources.limits.memory are both set and differ",
                  "/p/compose.yaml:15:5: services.reservation: mem_reservation is above mem_limit",
                  "/p/compose.yaml:19:5: services.swap: memswap_limit needs mem_limit",
                  "/p/compose.yaml:22:5: services.named: container_name \"one\" cannot be shared "
                  "by 2 replicas"));
}

TEST(LoaderErrors, UlimitsAndBlkio) {
  EXPECT_THAT(
      load_errors(R"(services:
  web:
    image: x
    ulimits:
      nofile:
        soft: 200
        hard: 100
      nproc:
        soft: 1
      bogus: 1
    blkio_config:
      weight: 5
      weight_device:
        - path: /dev/sda
          weight: 2000
)"),
      ElementsAre("/p/compose.yaml:6:9: services.web.ulimits.nofile: the soft limit 200 is above "
                  "the hard limit 100",
                  "/p/compose.yaml:9:9: services.web.ulimits.nproc: a ulimit needs both soft and "
                  "hard",
                  "/p/compose.yaml:10:7: services.web.ulimits.bogus: unknown ulimit (expected e.g. "
                  "nofile, nproc, core, memlock)",
                  "/p/compose.yaml:12:15: services.web.blkio_config.weight: invalid value 5 (must "
                  "be 10-1000)",
                  "/p/compose.yaml:15:19: services.web.blkio_config.weight_device[0].weight: "
                  "invalid weight 2000 (must be 10-1000)"));
}

TEST(LoaderErrors, NetworkProblems) {
  EXPECT_THAT(
      load_errors(R"(services:
  web:
    image: x
    network_mode: host
    networks: [front]
  api:
    image: x
    networks:
      front:
        ipv4_address: 10.0.0.5
      back:
        ipv4_address: 172.30.0.5
      plain:
        ipv4_address: 300.1.1.1
networks:
  front:
    ipam:
      config:
        - subnet: 172.28.0.0/16
          gateway: 172.29.0.1
          ip_range: 172.28.0.0/8
  back:
  plain:
  overlay:
    driver: overlay
  bad:
    ipam:
      config:
        - subnet: 172.28.0.0/40
volumes:
  cloud:
    driver: rexray
)"),
      ElementsAre(
          "/p/compose.yaml:4:19: services.web.network_mode: network_mode and networks cannot be "
          "used together",
          "/p/compose.yaml:9:7: services.api.networks.front: ipv4_address 10.0.0.5 is outside the "
          "subnets of network \"front\"",
          "/p/compose.yaml:11:7: services.api.networks.back: ipv4_address needs a subnet in "
          "networks.back.ipam.config",
          "/p/compose.yaml:14:23: services.api.networks.plain.ipv4_address: invalid IPv4 address "
          "\"300.1.1.1\"",
          "/p/compose.yaml:17:5: networks.front.ipam.config[0].gateway: gateway \"172.29.0.1\" is "
          "not an address in 172.28.0.0/16",
          "/p/compose.yaml:17:5: networks.front.ipam.config[0].ip_range: ip_range "
          "\"172.28.0.0/8\" is not inside 172.28.0.0/16",
          "/p/compose.yaml:25:13: networks.overlay.driver: unsupported network driver \"overlay\" "
          "(boxcompose runs bridge networks)",
          "/p/compose.yaml:27:5: networks.bad.ipam.config[0].subnet: invalid subnet "
          "\"172.28.0.0/40\" (expected e.g. 172.28.0.0/16)",
          "/p/compose.yaml:32:13: volumes.cloud.driver: unsupported volume driver \"rexray\" "
          "(boxcompose runs local volumes)"));
}

TEST(LoaderErrors, SecretsAndConfigsNeedExactlyOneSource) {
  EXPECT_THAT(
      load_errors(R"(services:
  web:
    image: x
    secrets:
      - target: /run/secrets/x
      - ""
secrets:
  none: {}
  two:
    file: ./a
    environment: A
configs:
  none:
    name: cfg
)"),
      ElementsAre("/p/compose.yaml:5:9: services.web.secrets[0]: missing the source",
                  "/p/compose.yaml:6:9: services.web.secrets[1]: missing the source",
                  "/p/compose.yaml:8:9: secrets.none: missing a source (expected exactly one of "
                  "file, environment or external)",
                  "/p/compose.yaml:10:5: secrets.two: more than one source (expected exactly one "
                  "of file, environment or external)",
                  "/p/compose.yaml:14:5: configs.none: missing a source (expected exactly one of "
                  "file, environment, content or external)"));
}

TEST(LoaderErrors, ARequiredEnvFileThatIsMissing) {
  EXPECT_THAT(load_errors(R"(services:
  web:
    image: x
    env_file: missing.env
  other:
    image: x
    env_file:
      - path: ./gone.env
        required: true
)"),
              ElementsAre("/p/compose.yaml:4:15: services.web.env_file: env file /p/missing.env "
                          "not found",
                          "/p/compose.yaml:8:9: services.other.env_file[0]: env file /p/gone.env "
                          "not found"));
}

TEST(LoaderErrors, ErrorsInsideAnEnvFileNameThatFile) {
  TestProject project("services:\n  web:\n    image: x\n    env_file: web.env\n");
  project.file("/p/web.env", "GOOD=1\n1BAD=2\n");
  EXPECT_THAT(project.errors(),
              ElementsAre("/p/web.env:2:1: services.web.env_file: invalid variable name "
                          "\"1BAD\": names start with a letter or '_' and contain only letters, "
                          "digits, '_', '.' and '-'"));
}

TEST(LoaderErrors, ABadBandwidthRate) {
  EXPECT_THAT(load_errors(R"(services:
  web:
    image: x
    x-boxcompose:
      bandwidth:
        egress: fast
        sideways: 1mbit
)"),
              ElementsAre("/p/compose.yaml:6:17: services.web.x-boxcompose.bandwidth.egress: "
                          "invalid rate \"fast\" (expected e.g. 10mbit or 512kbit)",
                          "/p/compose.yaml:7:9: services.web.x-boxcompose.bandwidth.sideways: "
                          "unknown key"));
}

}  // namespace
}  // namespace compose
