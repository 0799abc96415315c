// Several compose files merged in order with Docker Compose's override rules, the files
// Docker Compose finds by itself, and how the project gets its name.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "loader_test_util.h"

namespace compose {
namespace {

using namespace std::chrono_literals;
using loader_test::service;
using loader_test::TestProject;
using ::testing::ElementsAre;
using ::testing::Pair;
using Strings = std::vector<std::string>;

// compose.yaml and override.yaml, given with -f in that order.
TestProject with_override(std::string base, std::string override_yaml) {
  TestProject project(std::move(base));
  project.file("/p/override.yaml", std::move(override_yaml));
  project.options.files = {"compose.yaml", "override.yaml"};
  return project;
}

TEST(LoaderMerge, ScalarsAreReplacedAndMappingsMerged) {
  Project p = with_override(R"(services:
  web:
    image: nginx:1
    restart: always
    user: app
    deploy:
      resources:
        limits:
          memory: 1g
          cpus: "1"
    logging:
      driver: json-file
      options: {max-size: 10m}
)",
                            R"(services:
  web:
    image: nginx:2
    user: root
    deploy:
      resources:
        limits:
          cpus: "2"
    logging:
      options: {max-file: "3"}
)")
                  .load();
  const Service& s = service(p, "web");
  EXPECT_EQ(s.image, "nginx:2");
  EXPECT_EQ(s.user, "root");
  EXPECT_EQ(s.restart, "always");
  EXPECT_EQ(s.deploy->limits.memory, int64_t{1} << 30);
  EXPECT_EQ(s.deploy->limits.cpus, 2.0);
  ASSERT_TRUE(s.logging);
  EXPECT_EQ(s.logging->driver, "json-file");
  EXPECT_THAT(s.logging->options, ElementsAre(Pair("max-file", "3"), Pair("max-size", "10m")));
  EXPECT_EQ(p.files, (Strings{"/p/compose.yaml", "/p/override.yaml"}));
}

TEST(LoaderMerge, LaterFilesWinInOrder) {
  TestProject project("services:\n  web:\n    image: v1\n    hostname: one\n");
  project.file("/p/two.yaml", "services:\n  web:\n    image: v2\n    domainname: two.test\n")
      .file("/p/three.yaml", "services:\n  web:\n    image: v3\n");
  project.options.files = {"compose.yaml", "two.yaml", "three.yaml"};
  Project loaded = project.load();
  const Service& s = service(loaded, "web");
  EXPECT_EQ(s.image, "v3");
  EXPECT_EQ(s.hostname, "one");
  EXPECT_EQ(s.domainname, "two.test");
}

TEST(LoaderMerge, EnvironmentMergesKeyByKeyWhateverTheForm) {
  Project p = with_override(R"(services:
  map_then_list:
    image: x
    environment:
      A: "1"
      B: "2"
      C: "3"
  list_then_map:
    image: x
    environment: [A=1, B=2]
)",
                            R"(services:
  map_then_list:
    environment: [B=20, D=4, C]
  list_then_map:
    environment:
      B: "20"
      E: "5"
)")
                  .load();
  // "C" without a value replaces the base's value: it is taken from the environment (unset).
  EXPECT_THAT(
      service(p, "map_then_list").environment,
      ElementsAre(Pair("A", "1"), Pair("B", "20"), Pair("C", std::nullopt), Pair("D", "4")));
  EXPECT_THAT(service(p, "list_then_map").environment,
              ElementsAre(Pair("A", "1"), Pair("B", "20"), Pair("E", "5")));
}

TEST(LoaderMerge, AValuelessOverrideIsResolvedFromTheEnvironment) {
  TestProject project = with_override("services:\n  web:\n    image: x\n    environment: [C=3]\n",
                                      "services:\n  web:\n    environment: [C]\n");
  project.env("C", "from-os");
  EXPECT_THAT(project.load().services.at("web").environment, ElementsAre(Pair("C", "from-os")));
}

TEST(LoaderMerge, LabelsAndSysctlsMergeKeyByKey) {
  Project p = with_override(R"(services:
  web:
    image: x
    labels: [a=1, b=2]
    sysctls:
      net.core.somaxconn: 1024
)",
                            R"(services:
  web:
    labels:
      b: "20"
      c: "3"
    sysctls: [net.ipv4.ip_forward=1]
)")
                  .load();
  EXPECT_THAT(service(p, "web").labels,
              ElementsAre(Pair("a", "1"), Pair("b", "20"), Pair("c", "3")));
  EXPECT_THAT(service(p, "web").sysctls,
              ElementsAre(Pair("net.core.somaxconn", "1024"), Pair("net.ipv4.ip_forward", "1")));
}

TEST(LoaderMerge, CommandAndEntrypointAreReplacedNotAppended) {
  Project p = with_override(R"(services:
  web:
    image: x
    command: [npm, start]
    entrypoint: /entry.sh --verbose
  reset:
    image: x
    command: [a, b]
)",
                            R"(services:
  web:
    command: npm run dev
    entrypoint: [/other.sh]
  reset:
    command: null
)")
                  .load();
  EXPECT_EQ(service(p, "web").command, (Strings{"npm", "run", "dev"}));
  EXPECT_EQ(service(p, "web").entrypoint, Strings{"/other.sh"});
  // An override may give the image's command back.
  EXPECT_EQ(service(p, "reset").command, std::nullopt);
}

TEST(LoaderMerge, PortsAreAppended) {
  Project p = with_override(R"(services:
  web:
    image: x
    ports: ["8080:80", "443:443"]
)",
                            R"(services:
  web:
    ports: ["8080:80", "9090:90"]
)")
                  .load();
  const auto& ports = service(p, "web").ports;
  ASSERT_EQ(ports.size(), 3u);
  EXPECT_EQ(ports[0].published, "8080");
  EXPECT_EQ(ports[0].target, 80);
  EXPECT_EQ(ports[1].target, 443);
  EXPECT_EQ(ports[2].published, "9090");
  EXPECT_EQ(ports[2].target, 90);
}

TEST(LoaderMerge, VolumesAreMergedByTarget) {
  Project p = with_override(R"(services:
  web:
    image: x
    volumes:
      - data:/data
      - ./logs:/logs
      - cache:/cache
volumes:
  data:
  cache:
  other:
)",
                            R"(services:
  web:
    volumes:
      - other:/data
      - /tmp/extra:/extra
      - type: volume
        source: cache
        target: /cache
        read_only: true
)")
                  .load();
  const auto& v = service(p, "web").volumes;
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].source, "other");
  EXPECT_EQ(v[0].target, "/data");
  EXPECT_EQ(v[1].source, "/p/logs");
  EXPECT_EQ(v[1].target, "/logs");
  EXPECT_EQ(v[2].source, "cache");
  EXPECT_EQ(v[2].target, "/cache");
  EXPECT_TRUE(v[2].read_only);
  EXPECT_EQ(v[3].source, "/tmp/extra");
  EXPECT_EQ(v[3].target, "/extra");
}

TEST(LoaderMerge, DependsOnIsMerged) {
  Project p = with_override(R"(services:
  web:
    image: x
    depends_on: [db, queue]
  db: {image: x}
  cache: {image: x}
  queue: {image: x}
)",
                            R"(services:
  web:
    depends_on:
      db:
        condition: service_healthy
      cache:
        condition: service_started
        required: false
)")
                  .load();
  const auto& deps = service(p, "web").depends_on;
  ASSERT_EQ(deps.size(), 3u);
  EXPECT_EQ(deps.at("db").condition, DependencyCondition::Healthy);
  EXPECT_EQ(deps.at("queue").condition, DependencyCondition::Started);
  EXPECT_EQ(deps.at("cache").condition, DependencyCondition::Started);
  EXPECT_FALSE(deps.at("cache").required);
  EXPECT_TRUE(deps.at("db").required);
}

TEST(LoaderMerge, DependsOnListedAgainIsAPlainDependency) {
  // compose-go turns a listed name into {condition: service_started, required: true}.
  Project p = with_override(R"(services:
  web:
    image: x
    depends_on:
      db:
        condition: service_healthy
        required: false
  db: {image: x}
)",
                            "services:\n  web:\n    depends_on: [db]\n")
                  .load();
  const Dependency& db = service(p, "web").depends_on.at("db");
  EXPECT_EQ(db.condition, DependencyCondition::Started);
  EXPECT_TRUE(db.required);
}

TEST(LoaderMerge, NetworksListedByNameKeepTheirSettings) {
  Project p = with_override(R"(services:
  web:
    image: x
    networks:
      front:
        aliases: [api]
networks:
  front:
  back:
)",
                            "services:\n  web:\n    networks: [front, back]\n")
                  .load();
  const auto& nets = service(p, "web").networks;
  ASSERT_EQ(nets.size(), 2u);
  EXPECT_EQ(nets.at("front").aliases, Strings{"api"});
  EXPECT_TRUE(nets.at("back").aliases.empty());
}

TEST(LoaderMerge, NetworkAttachmentsMergeTheirSettings) {
  Project p = with_override(R"(services:
  web:
    image: x
    networks:
      front:
        aliases: [api]
networks:
  front:
    ipam:
      config:
        - subnet: 10.5.0.0/16
)",
                            R"(services:
  web:
    networks:
      front:
        ipv4_address: 10.5.0.9
)")
                  .load();
  const ServiceNetwork& front = service(p, "web").networks.at("front");
  EXPECT_EQ(front.aliases, Strings{"api"});
  EXPECT_EQ(front.ipv4_address, "10.5.0.9");
}

TEST(LoaderMerge, AKeyWithoutAValueOverridesNothing) {
  Project p = with_override(R"(services:
  web:
    image: x
    restart: always
volumes:
  data:
    driver_opts: {type: tmpfs, device: tmpfs}
)",
                            R"(services:
  web:
    restart:
volumes:
  data:
)")
                  .load();
  EXPECT_EQ(service(p, "web").restart, "always");
  EXPECT_THAT(p.volumes.at("data").driver_opts,
              ElementsAre(Pair("device", "tmpfs"), Pair("type", "tmpfs")));
}

TEST(LoaderMerge, ValuelessBuildArgsReplaceAndEmptyEntriesKeep) {
  Project p = with_override(R"(services:
  web:
    build:
      context: .
      args: {A: "1", B: "2"}
  db:
    image: postgres
networks:
  back:
    internal: true
)",
                            R"(services:
  web:
    build:
      args: [A]
  db:
networks:
)")
                  .load();
  EXPECT_THAT(service(p, "web").build->args, ElementsAre(Pair("A", std::nullopt), Pair("B", "2")));
  EXPECT_EQ(service(p, "db").image, "postgres");
  EXPECT_TRUE(p.networks.at("back").internal);
}

TEST(LoaderMerge, HealthcheckTestIsReplacedTimingsMerged) {
  Project p = with_override(R"(services:
  web:
    image: x
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost"]
      interval: 10s
      retries: 3
)",
                            R"(services:
  web:
    healthcheck:
      test: ["CMD", "true"]
      retries: 5
)")
                  .load();
  const Healthcheck& h = *service(p, "web").healthcheck;
  EXPECT_EQ(h.test, (Strings{"CMD", "true"}));
  EXPECT_EQ(h.interval, std::chrono::nanoseconds(10s));
  EXPECT_EQ(h.retries, 5);
}

TEST(LoaderMerge, BuildShortAndLongFormsMerge) {
  Project p = with_override(R"(services:
  web:
    build: ./app
  api:
    build:
      context: ./api
      args: [A=1, B=2]
)",
                            R"(services:
  web:
    build:
      dockerfile: Dockerfile.dev
      target: dev
  api:
    build:
      args:
        B: "20"
)")
                  .load();
  const BuildConfig& web = *service(p, "web").build;
  EXPECT_EQ(web.context, "/p/app");
  EXPECT_EQ(web.dockerfile, "Dockerfile.dev");
  EXPECT_EQ(web.target, "dev");
  const BuildConfig& api = *service(p, "api").build;
  EXPECT_EQ(api.context, "/p/api");
  EXPECT_THAT(api.args, ElementsAre(Pair("A", "1"), Pair("B", "20")));
}

TEST(LoaderMerge, SequencesAreAppendedWithoutRepeats) {
  TestProject p = with_override(R"(services:
  web:
    image: x
    dns: [1.1.1.1]
    cap_add: [NET_ADMIN]
    extra_hosts: ["a:10.0.0.1"]
    env_file: [a.env]
    profiles: [one]
    tmpfs: [/run]
)",
                                R"(services:
  web:
    dns: [8.8.8.8, 1.1.1.1]
    cap_add: [SYS_TIME, NET_ADMIN]
    extra_hosts: ["b:10.0.0.2", "a:10.0.0.1"]
    env_file: [b.env, a.env]
    profiles: [two]
    tmpfs: [/tmp]
)");
  p.file("/p/a.env", "A=1\nSHARED=a\n").file("/p/b.env", "B=2\nSHARED=b\n");
  p.options.profiles = {"two"};
  Project loaded = p.load();
  const Service& s = service(loaded, "web");
  EXPECT_EQ(s.dns, (Strings{"1.1.1.1", "8.8.8.8"}));
  EXPECT_EQ(s.cap_add, (Strings{"CAP_NET_ADMIN", "CAP_SYS_TIME"}));
  EXPECT_EQ(s.extra_hosts, (Strings{"a:10.0.0.1", "b:10.0.0.2"}));
  ASSERT_EQ(s.env_files.size(), 2u);
  EXPECT_EQ(s.env_files[0].path, "/p/a.env");
  EXPECT_EQ(s.env_files[1].path, "/p/b.env");
  EXPECT_THAT(s.environment, ElementsAre(Pair("A", "1"), Pair("B", "2"), Pair("SHARED", "b")));
  EXPECT_EQ(s.profiles, (Strings{"one", "two"}));
  EXPECT_EQ(s.tmpfs, (Strings{"/run", "/tmp"}));
}

TEST(LoaderMerge, SecretsAreMergedByTarget) {
  Project p = with_override(R"(services:
  web:
    image: x
    secrets:
      - a
      - source: b
        target: /run/secrets/x
secrets:
  a: {file: ./a}
  b: {file: ./b}
  c: {file: ./c}
)",
                            R"(services:
  web:
    secrets:
      - source: c
        target: /run/secrets/x
      - a
)")
                  .load();
  const auto& secrets = service(p, "web").secrets;
  ASSERT_EQ(secrets.size(), 2u);
  EXPECT_EQ(secrets[0].source, "a");
  EXPECT_EQ(secrets[1].source, "c");
  EXPECT_EQ(secrets[1].target, "/run/secrets/x");
}

TEST(LoaderMerge, ASecretsDefaultTargetIsItsTarget) {
  // compose-go: "token" lands on /run/secrets/token and a config "settings" on /settings, so an
  // override that names those targets replaces the short entries.
  Project p = with_override(R"(services:
  web:
    image: x
    secrets: [token]
    configs: [settings]
secrets:
  token: {file: ./token}
  other: {file: ./other}
configs:
  settings: {file: ./settings}
  other: {file: ./other}
)",
                            R"(services:
  web:
    secrets:
      - source: other
        target: /run/secrets/token
    configs:
      - source: other
        target: /settings
)")
                  .load();
  const Service& web = service(p, "web");
  ASSERT_EQ(web.secrets.size(), 1u);
  EXPECT_EQ(web.secrets[0].source, "other");
  ASSERT_EQ(web.configs.size(), 1u);
  EXPECT_EQ(web.configs[0].source, "other");
}

TEST(LoaderMerge, NewServicesAndTopLevelSectionsAreAdded) {
  Project p = with_override(R"(services:
  web:
    image: x
    networks: [front]
networks:
  front:
    internal: true
x-shared: {a: "1"}
)",
                            R"(services:
  worker:
    image: y
    networks: [front, back]
    volumes: [jobs:/jobs]
networks:
  front:
    labels: {tier: front}
  back:
volumes:
  jobs:
x-shared: {b: "2"}
)")
                  .load();
  EXPECT_THAT(p.services, ElementsAre(Pair("web", ::testing::_), Pair("worker", ::testing::_)));
  EXPECT_EQ(service(p, "worker").image, "y");
  const Network& front = p.networks.at("front");
  EXPECT_TRUE(front.internal);
  EXPECT_THAT(front.labels, ElementsAre(Pair("tier", "front")));
  EXPECT_EQ(p.networks.at("back").name, "p_back");
  EXPECT_EQ(p.volumes.at("jobs").name, "p_jobs");
  EXPECT_EQ(p.extensions, nlohmann::json({{"x-shared", {{"a", "1"}, {"b", "2"}}}}));
}

TEST(LoaderMerge, RelativePathsInAnOverrideAreRelativeToTheProjectDirectory) {
  TestProject project("services:\n  web:\n    image: x\n");
  project.file("/p/overrides/dev.yaml", R"(services:
  web:
    build: ./app
    env_file: dev.env
    volumes: [./src:/src]
)");
  project.file("/p/dev.env", "DEV=1\n");
  project.options.files = {"compose.yaml", "overrides/dev.yaml"};
  Project loaded = project.load();
  const Service& s = service(loaded, "web");
  EXPECT_EQ(s.build->context, "/p/app");
  EXPECT_EQ(s.env_files[0].path, "/p/dev.env");
  EXPECT_EQ(s.volumes[0].source, "/p/src");
  EXPECT_THAT(s.environment, ElementsAre(Pair("DEV", "1")));
}

TEST(LoaderMerge, TheOverrideFileIsFoundNextToTheComposeFile) {
  TestProject project("services:\n  web:\n    image: x\n");
  project.file("/p/compose.override.yaml", "services:\n  web:\n    image: y\n");
  Project p = project.load();
  EXPECT_EQ(service(p, "web").image, "y");
  EXPECT_EQ(p.files, (Strings{"/p/compose.yaml", "/p/compose.override.yaml"}));
}

TEST(LoaderMerge, DefaultFileNamesInOrder) {
  TestProject legacy;
  legacy.file("/p/docker-compose.yml", "services:\n  web:\n    image: legacy\n")
      .file("/p/docker-compose.override.yml", "services:\n  web:\n    hostname: o\n");
  Project p = legacy.load();
  EXPECT_EQ(p.files, (Strings{"/p/docker-compose.yml", "/p/docker-compose.override.yml"}));
  EXPECT_EQ(service(p, "web").hostname, "o");

  TestProject both("services:\n  web:\n    image: new\n");
  both.file("/p/docker-compose.yml", "services:\n  web:\n    image: legacy\n");
  EXPECT_EQ(both.load().services.at("web").image, "new");
  EXPECT_EQ(default_compose_file_names(),
            (Strings{"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"}));
}

TEST(LoaderMerge, TheComposeFileIsFoundInAParentDirectory) {
  TestProject project("services:\n  web:\n    image: x\n");
  project.options.working_directory = "/p/src/deep";
  Project p = project.load();
  EXPECT_EQ(p.files, Strings{"/p/compose.yaml"});
  EXPECT_EQ(p.working_dir, "/p");
  EXPECT_EQ(p.name, "p");
}

TEST(LoaderMerge, ComposeFileFromTheEnvironment) {
  TestProject project;
  project.file("/p/a.yaml", "services:\n  web:\n    image: a\n")
      .file("/p/b.yaml", "services:\n  web:\n    image: b\n")
      .env("COMPOSE_FILE", "a.yaml:b.yaml");
  Project p = project.load();
  EXPECT_EQ(p.files, (Strings{"/p/a.yaml", "/p/b.yaml"}));
  EXPECT_EQ(service(p, "web").image, "b");

  project.env("COMPOSE_FILE", "b.yaml;a.yaml").env("COMPOSE_PATH_SEPARATOR", ";");
  EXPECT_EQ(project.load().services.at("web").image, "a");
}

TEST(LoaderMerge, ProjectNameFromTheCommandLineFirst) {
  TestProject project("name: fromfile\nservices:\n  web: {image: x}\n");
  project.env("COMPOSE_PROJECT_NAME", "fromenv");
  project.options.project_name = "fromcli";
  Project p = project.load();
  EXPECT_EQ(p.name, "fromcli");
  EXPECT_EQ(p.networks.at("default").name, "fromcli_default");
}

TEST(LoaderMerge, ProjectNameFromTheEnvironmentThenTheFile) {
  TestProject project("name: fromfile\nservices:\n  web: {image: x}\n");
  project.env("COMPOSE_PROJECT_NAME", "fromenv");
  EXPECT_EQ(project.load().name, "fromenv");

  TestProject dotenv("name: fromfile\nservices:\n  web: {image: x}\n");
  dotenv.file("/p/.env", "COMPOSE_PROJECT_NAME=fromdotenv\n");
  EXPECT_EQ(dotenv.load().name, "fromdotenv");

  TestProject file_only("name: fromfile\nservices:\n  web: {image: x}\n");
  EXPECT_EQ(file_only.load().name, "fromfile");
}

TEST(LoaderMerge, ProjectNameFromTheLastFileThatSetsIt) {
  TestProject project =
      with_override("name: first\nservices:\n  web: {image: x}\n", "name: second\n");
  EXPECT_EQ(project.load().name, "second");
}

TEST(LoaderMerge, ProjectNameFromTheDirectoryIsNormalized) {
  TestProject project;
  project.file("/work/My App.v2/compose.yaml", "services:\n  web: {image: x}\n");
  project.options.working_directory = "/work/My App.v2";
  Project p = project.load();
  EXPECT_EQ(p.name, "myappv2");
  EXPECT_EQ(p.working_dir, "/work/My App.v2");
  EXPECT_EQ(p.networks.at("default").name, "myappv2_default");

  TestProject other_dir("services:\n  web: {image: x}\n");
  other_dir.options.project_directory = "/srv/_Stack-1";
  EXPECT_EQ(other_dir.load().name, "stack-1");
}

TEST(LoaderMerge, NormalizeProjectName) {
  EXPECT_EQ(normalize_project_name("My App!"), "myapp");
  EXPECT_EQ(normalize_project_name("__x-Y_z"), "x-y_z");
  EXPECT_EQ(normalize_project_name("..."), "");
  EXPECT_TRUE(is_valid_project_name("stack_1-a"));
  EXPECT_FALSE(is_valid_project_name("Stack"));
  EXPECT_FALSE(is_valid_project_name("_stack"));
  EXPECT_FALSE(is_valid_project_name(""));
}

}  // namespace
}  // namespace compose
