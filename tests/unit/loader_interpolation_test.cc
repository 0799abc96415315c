// Interpolation through the loader: every form, in values only, with variables from the OS
// environment, the project's .env or --env-file (the OS winning), and `$$` for a dollar.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "loader_test_util.h"

namespace compose {
namespace {

using loader_test::load_errors;
using loader_test::load_yaml;
using loader_test::service;
using loader_test::TestProject;
using ::testing::ElementsAre;
using ::testing::Pair;
using Strings = std::vector<std::string>;

TEST(LoaderInterpolation, EveryForm) {
  Project p = load_yaml(R"(services:
  web:
    image: "${IMAGE}:${TAG:-latest}"
    environment:
      PLAIN: $SET
      BRACED: ${SET}
      EMBEDDED: pre-${SET}-post
      UNSET_PLAIN: "[$UNSET]"
      SET_DEFAULT: ${SET:-default}
      EMPTY_COLON_DEFAULT: ${EMPTY:-default}
      EMPTY_DEFAULT: "[${EMPTY-default}]"
      UNSET_DEFAULT: ${UNSET-default}
      SET_REPLACE: ${SET:+replaced}
      EMPTY_COLON_REPLACE: "[${EMPTY:+replaced}]"
      EMPTY_REPLACE: ${EMPTY+replaced}
      UNSET_REPLACE: "[${UNSET+replaced}]"
      REQUIRED: ${SET:?must be set}
      REQUIRED_EMPTY_OK: "[${EMPTY?must be set}]"
      NESTED: ${UNSET:-${SET}-nested}
      ESCAPED: $$SET
      ESCAPED_BRACES: $${SET}
      LONE_DOLLAR: cost $5
)",
                        {{"IMAGE", "nginx"}, {"SET", "value"}, {"EMPTY", ""}});
  const Service& s = service(p, "web");
  EXPECT_EQ(s.image, "nginx:latest");
  EXPECT_THAT(s.environment,
              ElementsAre(Pair("BRACED", "value"), Pair("EMBEDDED", "pre-value-post"),
                          Pair("EMPTY_COLON_DEFAULT", "default"), Pair("EMPTY_COLON_REPLACE", "[]"),
                          Pair("EMPTY_DEFAULT", "[]"), Pair("EMPTY_REPLACE", "replaced"),
                          Pair("ESCAPED", "$SET"), Pair("ESCAPED_BRACES", "${SET}"),
                          Pair("LONE_DOLLAR", "cost $5"), Pair("NESTED", "value-nested"),
                          Pair("PLAIN", "value"), Pair("REQUIRED", "value"),
                          Pair("REQUIRED_EMPTY_OK", "[]"), Pair("SET_DEFAULT", "value"),
                          Pair("SET_REPLACE", "replaced"), Pair("UNSET_DEFAULT", "default"),
                          Pair("UNSET_PLAIN", "[]"), Pair("UNSET_REPLACE", "[]")));
}

TEST(LoaderInterpolation, ValuesOnlyNeverKeys) {
  Project p = load_yaml(R"(services:
  web:
    image: x
    labels:
      "${KEY}": ${KEY}
    environment:
      $KEY: $$KEY
)",
                        {{"KEY", "k"}});
  EXPECT_THAT(service(p, "web").labels, ElementsAre(Pair("${KEY}", "k")));
  EXPECT_THAT(service(p, "web").environment, ElementsAre(Pair("$KEY", "$KEY")));
}

TEST(LoaderInterpolation, TypedValuesAreInterpolatedBeforeDecoding) {
  Project p = load_yaml(
      R"(services:
  web:
    image: x
    ports: ["${PORT}:80"]
    mem_limit: ${MEM}
    read_only: ${RO}
    deploy:
      replicas: ${N}
    command: echo ${WORDS}
)",
      {{"PORT", "8080"}, {"MEM", "64m"}, {"RO", "true"}, {"N", "2"}, {"WORDS", "two words"}});
  const Service& s = service(p, "web");
  EXPECT_EQ(s.ports[0].published, "8080");
  EXPECT_EQ(s.mem_limit, 64 << 20);
  EXPECT_TRUE(s.read_only);
  EXPECT_EQ(s.replicas(), 2);
  // The value is substituted first, then split: Docker Compose splits it too.
  EXPECT_EQ(s.command, (Strings{"echo", "two", "words"}));
}

TEST(LoaderInterpolation, TopLevelSectionsAndExtensions) {
  Project p = load_yaml(R"(name: ${PROJECT}
services:
  web:
    image: x
    networks: [front]
networks:
  front:
    name: ${PROJECT}-net
volumes:
  data:
    name: ${PROJECT}-data
x-info:
  owner: ${OWNER}
)",
                        {{"PROJECT", "shop"}, {"OWNER", "team"}});
  EXPECT_EQ(p.name, "shop");
  EXPECT_EQ(p.networks.at("front").name, "shop-net");
  EXPECT_EQ(p.volumes.at("data").name, "shop-data");
  EXPECT_EQ(p.extensions, nlohmann::json({{"x-info", {{"owner", "team"}}}}));
}

TEST(LoaderInterpolation, TheDotEnvOfTheProjectDirectory) {
  TestProject project("services:\n  web:\n    image: \"${IMAGE}:${TAG}\"\n");
  project.file("/p/.env", "IMAGE=nginx\n# a comment\nexport TAG=\"1.27\"\n");
  Project p = project.load();
  EXPECT_EQ(service(p, "web").image, "nginx:1.27");
  EXPECT_EQ(p.environment.at("IMAGE"), "nginx");
  EXPECT_EQ(p.environment.at("TAG"), "1.27");
}

TEST(LoaderInterpolation, TheOsEnvironmentWinsOverTheDotEnv) {
  TestProject project("services:\n  web:\n    image: \"${IMAGE}:${TAG}\"\n");
  project.file("/p/.env", "IMAGE=nginx\nTAG=1.27\n").env("TAG", "2.0");
  Project p = project.load();
  EXPECT_EQ(service(p, "web").image, "nginx:2.0");
  EXPECT_EQ(p.environment.at("TAG"), "2.0");
}

TEST(LoaderInterpolation, TheDotEnvMayUseTheOsEnvironment) {
  TestProject project("services:\n  web:\n    image: \"${IMAGE}\"\n");
  project.file("/p/.env", "IMAGE=${REGISTRY}/app:${VERSION:-1}\n").env("REGISTRY", "reg.io");
  EXPECT_EQ(project.load().services.at("web").image, "reg.io/app:1");
}

TEST(LoaderInterpolation, EnvFilesGivenOnTheCommandLineReplaceTheDotEnv) {
  TestProject project("services:\n  web:\n    image: \"${IMAGE}:${TAG:-none}\"\n");
  project.file("/p/.env", "IMAGE=from-dotenv\nTAG=dotenv\n")
      .file("/p/one.env", "IMAGE=from-one\nTAG=one\n")
      .file("/p/two.env", "TAG=two\n");
  project.options.env_files = {"/p/one.env", "/p/two.env"};
  Project p = project.load();
  EXPECT_EQ(service(p, "web").image, "from-one:two");  // a later --env-file wins
  EXPECT_EQ(p.environment.count("IMAGE"), 1u);
  EXPECT_EQ(p.environment.at("IMAGE"), "from-one");
}

TEST(LoaderInterpolation, AMissingEnvFileFromTheCommandLineIsAnError) {
  TestProject project("services:\n  web:\n    image: x\n");
  project.options.env_files = {"/p/nope.env"};
  EXPECT_THAT(project.errors(),
              ElementsAre("/p/nope.env: cannot read the env file given with --env-file"));
}

TEST(LoaderInterpolation, DotEnvMayLiveInTheProjectDirectoryOnly) {
  TestProject project("services:\n  web:\n    image: \"${IMAGE:-default}\"\n");
  project.file("/elsewhere/.env", "IMAGE=wrong\n");
  project.options.working_directory = "/elsewhere";
  project.options.files = {"/p/compose.yaml"};
  EXPECT_EQ(project.load().services.at("web").image, "default");
}

TEST(LoaderInterpolation, AMissingRequiredVariable) {
  EXPECT_THAT(load_errors(R"(services:
  web:
    image: x
    environment:
      PASSWORD: ${DB_PASSWORD:?set it in .env}
      OTHER: ${UNSET?}
)"),
              ElementsAre("/p/compose.yaml:5:17: services.web.environment.PASSWORD: required "
                          "variable DB_PASSWORD is missing a value: set it in .env",
                          "/p/compose.yaml:6:14: services.web.environment.OTHER: required "
                          "variable UNSET is missing a value"));
}

TEST(LoaderInterpolation, AnInvalidFormat) {
  EXPECT_THAT(load_errors(R"(services:
  web:
    image: "nginx:${TAG"
    command: ["echo", "${}"]
)"),
              ElementsAre("/p/compose.yaml:3:12: services.web.image: invalid interpolation "
                          "format for \"nginx:${TAG\": \"${TAG\"",
                          "/p/compose.yaml:4:23: services.web.command[1]: invalid interpolation "
                          "format for \"${}\": \"${}\""));
}

TEST(LoaderInterpolation, CanBeTurnedOff) {
  TestProject project(R"(services:
  web:
    image: "nginx:${TAG}"
    environment:
      ESCAPED: $$HOME
)");
  project.env("TAG", "1");
  project.options.interpolate = false;
  Project loaded = project.load();
  const Service& s = service(loaded, "web");
  EXPECT_EQ(s.image, "nginx:${TAG}");
  EXPECT_THAT(s.environment, ElementsAre(Pair("ESCAPED", "$$HOME")));
}

TEST(LoaderInterpolation, EachOverrideFileIsInterpolated) {
  TestProject project("services:\n  web:\n    image: \"${A}\"\n");
  project.file("/p/override.yaml", "services:\n  web:\n    hostname: \"${B}\"\n")
      .env("A", "a")
      .env("B", "b");
  project.options.files = {"compose.yaml", "override.yaml"};
  Project loaded = project.load();
  const Service& s = service(loaded, "web");
  EXPECT_EQ(s.image, "a");
  EXPECT_EQ(s.hostname, "b");
}

TEST(LoaderInterpolation, ProfilesFromTheDotEnv) {
  TestProject project(R"(services:
  web: {image: x}
  debug: {image: x, profiles: [debug]}
)");
  project.file("/p/.env", "COMPOSE_PROFILES=debug,other\n");
  EXPECT_THAT(project.load().services,
              ElementsAre(Pair("debug", ::testing::_), Pair("web", ::testing::_)));
}

}  // namespace
}  // namespace compose
