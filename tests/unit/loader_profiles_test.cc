// Which services a load enables: services with profiles only when a profile is active,
// services named on the command line with everything they need, and optional dependencies.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "loader_test_util.h"

namespace compose {
namespace {

using loader_test::TestProject;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using Strings = std::vector<std::string>;

Strings names(const Project& p) {
  Strings out;
  for (const auto& [name, s] : p.services)
    out.push_back(name);
  return out;
}

constexpr const char* kStack = R"(services:
  web:
    image: x
    depends_on: [db]
  db:
    image: x
  debug:
    image: x
    profiles: [debug]
    depends_on: [tools]
  tools:
    image: x
    profiles: [debug, ops]
  metrics:
    image: x
    profiles: [ops]
)";

TEST(LoaderProfiles, ServicesWithProfilesAreDisabledByDefault) {
  Project p = TestProject(kStack).load();
  EXPECT_EQ(names(p), (Strings{"db", "web"}));
  EXPECT_THAT(p.disabled_services, UnorderedElementsAre("debug", "metrics", "tools"));
}

TEST(LoaderProfiles, AnActiveProfileEnablesItsServices) {
  TestProject project(kStack);
  project.options.profiles = {"ops"};
  Project p = project.load();
  EXPECT_EQ(names(p), (Strings{"db", "metrics", "tools", "web"}));
  EXPECT_THAT(p.disabled_services, ElementsAre("debug"));
}

TEST(LoaderProfiles, SeveralProfilesAndTheWildcard) {
  TestProject project(kStack);
  project.options.profiles = {"debug", "ops"};
  EXPECT_EQ(names(project.load()), (Strings{"db", "debug", "metrics", "tools", "web"}));

  project.options.profiles = {"*"};
  Project all = project.load();
  EXPECT_EQ(names(all), (Strings{"db", "debug", "metrics", "tools", "web"}));
  EXPECT_THAT(all.disabled_services, IsEmpty());
}

TEST(LoaderProfiles, ComposeProfilesFromTheEnvironment) {
  TestProject project(kStack);
  project.env("COMPOSE_PROFILES", "ops");
  EXPECT_EQ(names(project.load()), (Strings{"db", "metrics", "tools", "web"}));

  // --profile wins over COMPOSE_PROFILES.
  project.options.profiles = {"debug"};
  EXPECT_EQ(names(project.load()), (Strings{"db", "debug", "tools", "web"}));
}

TEST(LoaderProfiles, AnUnknownProfileEnablesNothingMore) {
  TestProject project(kStack);
  project.options.profiles = {"nothing"};
  EXPECT_EQ(names(project.load()), (Strings{"db", "web"}));
}

TEST(LoaderProfiles, ASelectedServicePullsInItsDependencies) {
  TestProject project(R"(services:
  web:
    image: x
    depends_on: [api]
  api:
    image: x
    depends_on:
      db:
        condition: service_healthy
  db:
    image: x
  unrelated:
    image: x
)");
  project.options.services = {"web"};
  Project p = project.load();
  EXPECT_EQ(names(p), (Strings{"api", "db", "web"}));
  EXPECT_THAT(p.disabled_services, ElementsAre("unrelated"));
}

TEST(LoaderProfiles, ASelectedServiceIsEnabledWhateverItsProfiles) {
  TestProject project(kStack);
  project.options.services = {"debug"};
  Project p = project.load();
  EXPECT_EQ(names(p), (Strings{"debug", "tools"}));
  EXPECT_THAT(p.disabled_services, UnorderedElementsAre("db", "metrics", "web"));
}

TEST(LoaderProfiles, OtherKindsOfReferencesAreDependenciesToo) {
  TestProject project(R"(services:
  app:
    image: x
    network_mode: service:vpn
    volumes_from: [store:ro]
    links: [db:database]
    ipc: service:shm
  vpn: {image: x}
  store: {image: x}
  db: {image: x}
  shm: {image: x}
  unrelated: {image: x}
)");
  project.options.services = {"app"};
  EXPECT_EQ(names(project.load()), (Strings{"app", "db", "shm", "store", "vpn"}));
}

TEST(LoaderProfiles, AnEnabledServicePullsInADependencyWithAProfile) {
  // boxcompose starts what an enabled service needs (the e2e test relies on it).
  TestProject project(R"(services:
  web:
    image: x
    depends_on: [db]
  db:
    image: x
    profiles: [data]
)");
  EXPECT_EQ(names(project.load()), (Strings{"db", "web"}));
}

TEST(LoaderProfiles, AnOptionalDependencyOnAMissingServiceIsNoError) {
  TestProject project(R"(services:
  web:
    image: x
    depends_on:
      cache:
        condition: service_started
        required: false
)");
  Project p = project.load();
  EXPECT_EQ(names(p), Strings{"web"});
  EXPECT_FALSE(p.services.at("web").depends_on.at("cache").required);

  project.options.services = {"web"};
  EXPECT_EQ(names(project.load()), Strings{"web"});
}

TEST(LoaderProfiles, SelectingAnUnknownServiceIsAnError) {
  TestProject project("services:\n  web: {image: x}\n");
  project.options.services = {"web", "nope"};
  EXPECT_THAT(project.errors(), ElementsAre("<input>: no such service: nope"));
}

TEST(LoaderProfiles, ProfileNamesAreValidated) {
  EXPECT_THAT(TestProject("services:\n  web:\n    image: x\n    profiles: [\"-bad\"]\n").errors(),
              ElementsAre("/p/compose.yaml:4:16: services.web.profiles[0]: invalid profile name "
                          "\"-bad\""));
}

TEST(LoaderProfiles, DisabledServicesStillGetValidated) {
  // Docker Compose checks the whole model before it selects services.
  TestProject project(R"(services:
  web: {image: x}
  debug:
    image: x
    profiles: [debug]
    depends_on: [nowhere]
)");
  EXPECT_THAT(project.errors(),
              ElementsAre("/p/compose.yaml:6:18: services.debug.depends_on[0]: service \"debug\" "
                          "depends on undefined service \"nowhere\""));
}

}  // namespace
}  // namespace compose
