#include <gtest/gtest.h>

#include "compose/model.h"
#include "engine/error.h"
#include "engine/restart_policy.h"

namespace engine {
namespace {

using namespace std::chrono_literals;
using Mode = RestartPolicy::Mode;

TEST(RestartPolicy, ParsesRestartValues) {
  EXPECT_EQ(parse_restart_policy("", nullptr).mode, Mode::kNo);
  EXPECT_EQ(parse_restart_policy("no", nullptr).mode, Mode::kNo);
  EXPECT_EQ(parse_restart_policy("always", nullptr).mode, Mode::kAlways);
  EXPECT_EQ(parse_restart_policy("unless-stopped", nullptr).mode, Mode::kUnlessStopped);
  RestartPolicy p = parse_restart_policy("on-failure:2", nullptr);
  EXPECT_EQ(p.mode, Mode::kOnFailure);
  EXPECT_EQ(p.max_retries, 2);
  EXPECT_EQ(parse_restart_policy("on-failure", nullptr).max_retries, 0);
}

TEST(RestartPolicy, RejectsWhatItDoesNotKnow) {
  EXPECT_THROW(parse_restart_policy("sometimes", nullptr), Error);
  EXPECT_THROW(parse_restart_policy("on-failure:x", nullptr), Error);
  EXPECT_THROW(parse_restart_policy("always:3", nullptr), Error);
}

TEST(RestartPolicy, DeployRestartPolicyWins) {
  compose::RestartPolicy deploy;
  deploy.condition = "on-failure";
  deploy.max_attempts = 4;
  deploy.delay = 2s;
  RestartPolicy p = parse_restart_policy("always", &deploy);
  EXPECT_EQ(p.mode, Mode::kOnFailure);
  EXPECT_EQ(p.max_retries, 4);
  EXPECT_EQ(p.delay, std::optional<std::chrono::nanoseconds>(2s));
  deploy = {};
  EXPECT_EQ(parse_restart_policy("no", &deploy).mode, Mode::kAlways);  // condition any
  deploy.condition = "none";
  EXPECT_EQ(parse_restart_policy("always", &deploy).mode, Mode::kNo);
  deploy.condition = "bogus";
  EXPECT_THROW(parse_restart_policy("", &deploy), Error);
}

TEST(RestartPolicy, JsonRoundTrips) {
  RestartPolicy p = parse_restart_policy("on-failure:7", nullptr);
  EXPECT_EQ(restart_policy_from_json(to_json(p)), p);
  p.delay = 3s;
  EXPECT_EQ(restart_policy_from_json(to_json(p)), p);
}

TEST(RestartPolicy, DecidesAsDocker) {
  RestartPolicy on_failure = parse_restart_policy("on-failure:2", nullptr);
  EXPECT_TRUE(should_restart(on_failure, 1, 0));
  EXPECT_TRUE(should_restart(on_failure, 1, 1));
  EXPECT_FALSE(should_restart(on_failure, 1, 2));
  EXPECT_FALSE(should_restart(on_failure, 0, 0));
  RestartPolicy unlimited = parse_restart_policy("on-failure", nullptr);
  EXPECT_TRUE(should_restart(unlimited, 3, 1000));
  RestartPolicy always = parse_restart_policy("always", nullptr);
  EXPECT_TRUE(should_restart(always, 0, 50));
  EXPECT_FALSE(should_restart(parse_restart_policy("no", nullptr), 1, 0));
}

TEST(RestartBackoff, DoublesFromAHundredMillisecondsUpToAMinute) {
  RestartBackoff b(parse_restart_policy("always", nullptr));
  EXPECT_EQ(b.next(1s), 100ms);
  EXPECT_EQ(b.next(1s), 200ms);
  EXPECT_EQ(b.next(1s), 400ms);
  for (int i = 0; i < 20; ++i)
    b.next(0s);
  EXPECT_EQ(b.next(0s), 1min);
}

TEST(RestartBackoff, StartsOverAfterTenSecondsOfRunning) {
  RestartBackoff b(parse_restart_policy("always", nullptr));
  b.next(0s);
  b.next(0s);
  EXPECT_EQ(b.next(0s), 400ms);
  EXPECT_EQ(b.next(10s), 100ms);
}

TEST(RestartBackoff, DeployDelayReplacesTheBackoff) {
  compose::RestartPolicy deploy;
  deploy.delay = 3s;
  RestartBackoff b(parse_restart_policy("", &deploy));
  EXPECT_EQ(b.next(0s), 3s);
  EXPECT_EQ(b.next(0s), 3s);
}

}  // namespace
}  // namespace engine
