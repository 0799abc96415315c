// `extends` (same file and other files) and top-level `include`, with the relative paths of
// each file resolved against its own directory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "loader_test_util.h"

namespace compose {
namespace {

using loader_test::load_yaml;
using loader_test::service;
using loader_test::TestProject;
using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::SizeIs;
using Strings = std::vector<std::string>;

Strings names(const Project& p) {
  Strings out;
  for (const auto& [name, s] : p.services)
    out.push_back(name);
  return out;
}

TEST(LoaderExtends, ASameFileServiceIsTheBase) {
  Project p = load_yaml(R"(services:
  base:
    image: base:1
    environment:
      A: "1"
      B: "2"
    ports: ["80:80"]
    command: [base]
    restart: always
  web:
    extends: base
    environment:
      B: "20"
    ports: ["443:443"]
    command: [web]
)");
  const Service& web = service(p, "web");
  EXPECT_EQ(web.image, "base:1");
  EXPECT_EQ(web.restart, "always");
  EXPECT_THAT(web.environment, ElementsAre(Pair("A", "1"), Pair("B", "20")));
  ASSERT_THAT(web.ports, SizeIs(2));
  EXPECT_EQ(web.ports[0].target, 80);
  EXPECT_EQ(web.ports[1].target, 443);
  EXPECT_EQ(web.command, Strings{"web"});
  // The base itself is unchanged.
  const Service& base = service(p, "base");
  EXPECT_THAT(base.environment, ElementsAre(Pair("A", "1"), Pair("B", "2")));
  EXPECT_EQ(base.command, Strings{"base"});
}

TEST(LoaderExtends, TheMappingFormAndChains) {
  Project p = load_yaml(R"(services:
  c:
    extends:
      service: b
    hostname: c
  b:
    extends: {service: a}
    user: b
  a:
    image: a:1
    user: a
    hostname: a
)");
  const Service& c = service(p, "c");
  EXPECT_EQ(c.image, "a:1");
  EXPECT_EQ(c.user, "b");
  EXPECT_EQ(c.hostname, "c");
  EXPECT_EQ(service(p, "b").hostname, "a");
}

TEST(LoaderExtends, AServiceOfAnotherFileWithItsOwnRelativePaths) {
  TestProject project(R"(services:
  web:
    extends:
      file: common/base.yaml
      service: app
    labels: [web=1]
    volumes: [./mine:/mine]
)");
  project.file("/p/common/base.yaml", R"(services:
  app:
    build: ./app
    env_file: app.env
    volumes: [./data:/data]
    labels: [from=base]
  unrelated:
    image: not-loaded
)");
  project.file("/p/common/app.env", "APP=1\n");
  Project p = project.load();
  EXPECT_EQ(names(p), Strings{"web"});
  const Service& web = service(p, "web");
  EXPECT_EQ(web.build->context, "/p/common/app");
  ASSERT_THAT(web.env_files, SizeIs(1));
  EXPECT_EQ(web.env_files[0].path, "/p/common/app.env");
  EXPECT_THAT(web.environment, ElementsAre(Pair("APP", "1")));
  ASSERT_THAT(web.volumes, SizeIs(2));
  EXPECT_EQ(web.volumes[0].source, "/p/common/data");
  EXPECT_EQ(web.volumes[1].source, "/p/mine");
  EXPECT_THAT(web.labels, ElementsAre(Pair("from", "base"), Pair("web", "1")));
}

TEST(LoaderExtends, AnotherFileMayExtendAThirdOne) {
  TestProject project(R"(services:
  web:
    extends: {file: common/base.yaml, service: app}
)");
  project.file("/p/common/base.yaml", R"(services:
  app:
    extends: {file: root.yaml, service: root}
    environment: [LEVEL=app]
)");
  project.file("/p/common/root.yaml", R"(services:
  root:
    image: "root:${TAG}"
    environment: [LEVEL=root, ROOT=1]
)");
  project.env("TAG", "7");
  Project p = project.load();
  const Service& web = service(p, "web");
  EXPECT_EQ(web.image, "root:7");  // interpolated with the project's variables
  EXPECT_THAT(web.environment, ElementsAre(Pair("LEVEL", "app"), Pair("ROOT", "1")));
}

TEST(LoaderExtends, AFileMayNameItself) {
  Project p = load_yaml(R"(services:
  base:
    image: base:1
  web:
    extends:
      file: compose.yaml
      service: base
    hostname: web
)");
  EXPECT_EQ(service(p, "web").image, "base:1");
  EXPECT_EQ(service(p, "web").hostname, "web");
}

TEST(LoaderExtends, TwoFilesMayExtendEachOtherWithoutACycle) {
  // a.x needs b.y, and b.z needs a.w: no service extends itself, as compose-go sees it.
  TestProject project("services:\n  web:\n    extends: {file: a.yaml, service: x}\n");
  project.file("/p/a.yaml", R"(services:
  x:
    extends: {file: b.yaml, service: y}
  w:
    image: w
)");
  project.file("/p/b.yaml", R"(services:
  y:
    image: y
  z:
    extends: {file: a.yaml, service: w}
)");
  EXPECT_EQ(project.load().services.at("web").image, "y");
}

TEST(LoaderExtends, AServiceMissingFromTheOtherFile) {
  TestProject project(R"(services:
  web:
    extends:
      file: base.yaml
      service: nope
)");
  project.file("/p/base.yaml", "services:\n  app: {image: x}\n");
  EXPECT_THAT(project.errors(), ElementsAre("/p/compose.yaml:4:7: services.web.extends: service "
                                            "\"nope\" not found in /p/base.yaml"));
}

TEST(LoaderExtends, AMissingFile) {
  TestProject project("services:\n  web:\n    extends: {file: nope.yaml, service: app}\n");
  EXPECT_THAT(project.errors(),
              ElementsAre("/p/nope.yaml: cannot read the compose file (does it exist?)"));
}

TEST(LoaderExtends, ExtendsNeedsAService) {
  EXPECT_THAT(TestProject("services:\n  web:\n    extends: {file: base.yaml}\n").errors(),
              ElementsAre("/p/compose.yaml:3:14: services.web.extends: missing the service to "
                          "extend (extends.service)"));
}

TEST(LoaderExtends, ACycleBetweenFilesIsStopped) {
  TestProject project("services:\n  web:\n    extends: {file: a.yaml, service: x}\n");
  project.file("/p/a.yaml", "services:\n  x:\n    extends: {file: b.yaml, service: y}\n")
      .file("/p/b.yaml", "services:\n  y:\n    extends: {file: a.yaml, service: x}\n");
  EXPECT_THAT(project.errors(),
              ElementsAre("/p/b.yaml:3:14: services.y.extends: extends nested too deeply across "
                          "files (a cycle between files?)"));
}

TEST(LoaderInclude, AnIncludedProjectJoinsWithItsOwnDirectoryAndDotEnv) {
  TestProject project(R"(include:
  - db/compose.yaml
services:
  web:
    image: x
    depends_on: [db]
)");
  project.file("/p/db/compose.yaml", R"(services:
  db:
    image: postgres:${PG:-16}
    env_file: db.env
    volumes:
      - data:/var/lib/postgresql/data
      - ./init:/docker-entrypoint-initdb.d
volumes:
  data:
)");
  project.file("/p/db/.env", "PG=15\n").file("/p/db/db.env", "POSTGRES_PASSWORD=secret\n");
  Project p = project.load();
  EXPECT_EQ(names(p), (Strings{"db", "web"}));
  const Service& db = service(p, "db");
  EXPECT_EQ(db.image, "postgres:15");
  EXPECT_THAT(db.environment, ElementsAre(Pair("POSTGRES_PASSWORD", "secret")));
  ASSERT_THAT(db.volumes, SizeIs(2));
  EXPECT_EQ(db.volumes[1].source, "/p/db/init");
  EXPECT_EQ(p.volumes.at("data").name, "p_data");  // named by the including project
  EXPECT_EQ(p.name, "p");
}

TEST(LoaderInclude, TheIncludingProjectsVariablesWin) {
  TestProject project("include: [db/compose.yaml]\nservices:\n  web: {image: x}\n");
  project.file("/p/db/compose.yaml", "services:\n  db:\n    image: postgres:${PG:-16}\n")
      .file("/p/db/.env", "PG=15\n")
      .env("PG", "14");
  EXPECT_EQ(project.load().services.at("db").image, "postgres:14");
}

TEST(LoaderInclude, TheLongFormWithProjectDirectoryAndEnvFile) {
  TestProject project(R"(include:
  - path: ../shared/compose.yaml
    project_directory: ../shared/root
    env_file: ../shared/custom.env
services:
  web: {image: x}
)");
  project.file("/shared/compose.yaml", R"(services:
  cache:
    image: redis:${REDIS}
    volumes: [./conf:/conf]
)");
  project.file("/shared/custom.env", "REDIS=7\n");
  Project p = project.load();
  const Service& cache = service(p, "cache");
  EXPECT_EQ(cache.image, "redis:7");
  EXPECT_EQ(cache.volumes[0].source, "/shared/root/conf");
}

TEST(LoaderInclude, SeveralPathsMergeLikeOverrideFiles) {
  TestProject project(R"(include:
  - path: [svc/compose.yaml, svc/override.yaml]
services:
  web: {image: x}
)");
  project.file("/p/svc/compose.yaml", "services:\n  api:\n    image: api:1\n    user: a\n")
      .file("/p/svc/override.yaml", "services:\n  api:\n    image: api:2\n");
  Project p = project.load();
  EXPECT_EQ(service(p, "api").image, "api:2");
  EXPECT_EQ(service(p, "api").user, "a");
}

TEST(LoaderInclude, NestedIncludesAreRelativeToTheirFile) {
  TestProject project("include: [a/compose.yaml]\nservices:\n  web: {image: x}\n");
  project.file("/p/a/compose.yaml", "include: [b/compose.yaml]\nservices:\n  a: {image: a}\n")
      .file("/p/a/b/compose.yaml", "services:\n  b:\n    build: .\n");
  Project p = project.load();
  EXPECT_EQ(names(p), (Strings{"a", "b", "web"}));
  EXPECT_EQ(service(p, "b").build->context, "/p/a/b");
}

TEST(LoaderInclude, AResourceDefinedTwiceIsAnError) {
  TestProject project(R"(include:
  - db/compose.yaml
services:
  db: {image: mine}
)");
  project.file("/p/db/compose.yaml", "services:\n  db: {image: theirs}\n");
  EXPECT_THAT(project.errors(),
              ElementsAre("/p/compose.yaml:2:5: include[0]: services.db is defined both in this "
                          "file and in /p/db/compose.yaml"));
}

TEST(LoaderInclude, AMissingIncludedFile) {
  TestProject project("include: [nope.yaml]\nservices:\n  web: {image: x}\n");
  EXPECT_THAT(project.errors(),
              ElementsAre("/p/nope.yaml: cannot read the compose file (does it exist?)"));
}

TEST(LoaderInclude, AnIncludeCycleIsReportedOnce) {
  TestProject project("include: [other.yaml]\nservices:\n  web: {image: x}\n");
  project.file("/p/other.yaml", "include: [compose.yaml]\nservices:\n  api: {image: x}\n");
  EXPECT_THAT(project.errors(),
              ElementsAre("/p/other.yaml:1:11: include[0]: include cycle: /p/compose.yaml -> "
                          "/p/other.yaml -> /p/compose.yaml"));

  TestProject itself("include: [compose.yaml]\nservices:\n  web: {image: x}\n");
  EXPECT_THAT(itself.errors(), ElementsAre("/p/compose.yaml:1:11: include[0]: include cycle: "
                                           "/p/compose.yaml -> /p/compose.yaml"));
}

TEST(LoaderInclude, EntriesNeedAPath) {
  EXPECT_THAT(TestProject("include:\n  - env_file: a.env\nservices:\n  web: {image: x}\n").errors(),
              ElementsAre("/p/compose.yaml:2:5: include[0]: missing the path of the file to "
                          "include"));
}

}  // namespace
}  // namespace compose
