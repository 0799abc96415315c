#include <gtest/gtest.h>

#include "engine/health_resolve.h"
#include "engine/health_state.h"

namespace engine {
namespace {

using namespace std::chrono_literals;

HealthSpec spec_with(int retries, std::chrono::nanoseconds start_period = 0s) {
  HealthSpec s;
  s.argv = {"true"};
  s.interval = 2s;
  s.start_interval = 500ms;
  s.start_period = start_period;
  s.retries = retries;
  return s;
}

HealthResult result_at(HealthClock::time_point t, int code, bool timed_out = false) {
  HealthResult r;
  r.started_at = t;
  r.exit_code = code;
  r.timed_out = timed_out;
  r.output = "out " + std::to_string(code);
  return r;
}

TEST(HealthResolve, ShellTestRunsThroughBinSh) {
  compose::Healthcheck h;
  h.test = {"CMD-SHELL", "test -f /ready"};
  auto spec = resolve_healthcheck(&h, nullptr);
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->argv, (std::vector<std::string>{"/bin/sh", "-c", "test -f /ready"}));
  EXPECT_EQ(spec->interval, 30s);
  EXPECT_EQ(spec->timeout, 30s);
  EXPECT_EQ(spec->start_period, 0s);
  EXPECT_EQ(spec->start_interval, 5s);
  EXPECT_EQ(spec->retries, 3);
}

TEST(HealthResolve, CmdTestRunsItsWords) {
  compose::Healthcheck h;
  h.test = {"CMD", "pg_isready", "-q"};
  h.interval = 1s;
  h.retries = 5;
  auto spec = resolve_healthcheck(&h, nullptr);
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->argv, (std::vector<std::string>{"pg_isready", "-q"}));
  EXPECT_EQ(spec->interval, 1s);
  EXPECT_EQ(spec->retries, 5);
}

TEST(HealthResolve, ServiceFieldsOverrideTheImagesAndFillFromIt) {
  image::HealthConfig img;
  img.test = {"CMD", "check"};
  img.interval_ns = 7'000'000'000;
  img.timeout_ns = 3'000'000'000;
  img.retries = 9;
  compose::Healthcheck h;
  h.timeout = 1s;
  auto spec = resolve_healthcheck(&h, &img);
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->argv, (std::vector<std::string>{"check"}));
  EXPECT_EQ(spec->interval, 7s);
  EXPECT_EQ(spec->timeout, 1s);
  EXPECT_EQ(spec->retries, 9);
}

TEST(HealthResolve, NoneAndDisableMeanNoCheck) {
  image::HealthConfig img;
  img.test = {"CMD", "check"};
  compose::Healthcheck none;
  none.test = {"NONE"};
  EXPECT_FALSE(resolve_healthcheck(&none, &img));
  compose::Healthcheck disabled;
  disabled.disable = true;
  EXPECT_FALSE(resolve_healthcheck(&disabled, &img));
  EXPECT_FALSE(resolve_healthcheck(nullptr, nullptr));
  EXPECT_TRUE(resolve_healthcheck(nullptr, &img));
}

TEST(HealthSpecJson, RoundTrips) {
  HealthSpec s = spec_with(4, 10s);
  EXPECT_EQ(health_spec_from_json(to_json(s)), s);
}

TEST(HealthState, StartsStartingAndTurnsHealthyOnFirstSuccess) {
  auto t0 = HealthClock::now();
  HealthState h(spec_with(3), t0);
  EXPECT_EQ(h.status(), HealthStatus::kStarting);
  EXPECT_FALSE(h.record(result_at(t0 + 1s, 1)));
  EXPECT_EQ(h.failing_streak(), 1);
  EXPECT_TRUE(h.record(result_at(t0 + 2s, 0)));
  EXPECT_EQ(h.status(), HealthStatus::kHealthy);
  EXPECT_EQ(h.failing_streak(), 0);
}

TEST(HealthState, UnhealthyAfterRetriesConsecutiveFailures) {
  auto t0 = HealthClock::now();
  HealthState h(spec_with(3), t0);
  h.record(result_at(t0 + 1s, 0));
  EXPECT_FALSE(h.record(result_at(t0 + 2s, 1)));
  EXPECT_FALSE(h.record(result_at(t0 + 3s, 2)));
  EXPECT_TRUE(h.record(result_at(t0 + 4s, 1, true)));
  EXPECT_EQ(h.status(), HealthStatus::kUnhealthy);
  EXPECT_EQ(h.failing_streak(), 3);
  EXPECT_TRUE(h.record(result_at(t0 + 5s, 0)));
  EXPECT_EQ(h.status(), HealthStatus::kHealthy);
}

TEST(HealthState, FailuresInTheStartPeriodDoNotCount) {
  auto t0 = HealthClock::now();
  HealthState h(spec_with(1, 10s), t0);
  EXPECT_FALSE(h.record(result_at(t0 + 1s, 1)));
  EXPECT_FALSE(h.record(result_at(t0 + 9s, 1)));
  EXPECT_EQ(h.failing_streak(), 0);
  EXPECT_EQ(h.status(), HealthStatus::kStarting);
  EXPECT_TRUE(h.record(result_at(t0 + 11s, 1)));
  EXPECT_EQ(h.status(), HealthStatus::kUnhealthy);
}

TEST(HealthState, ChecksRunEveryStartIntervalWhileStarting) {
  auto t0 = HealthClock::now();
  HealthState h(spec_with(3, 10s), t0);
  EXPECT_EQ(h.next_delay(t0), 500ms);
  EXPECT_EQ(h.next_delay(t0 + 11s), 2s);
  h.record(result_at(t0 + 1s, 0));
  EXPECT_EQ(h.next_delay(t0 + 1s), 2s);  // healthy: the normal interval
}

TEST(HealthState, KeepsTheLastFiveResultsInDockersShape) {
  auto t0 = HealthClock::now();
  HealthState h(spec_with(100), t0);
  for (int i = 0; i < 7; ++i)
    h.record(result_at(t0 + std::chrono::seconds(i), i % 2));
  h.record(result_at(t0 + 8s, 1, true));
  nlohmann::json j = h.to_json();
  EXPECT_EQ(j["Status"], "healthy");  // the last success made it healthy; failures since: 1
  EXPECT_EQ(j["FailingStreak"], 1);
  ASSERT_EQ(j["Log"].size(), kHealthLogEntries);
  EXPECT_EQ(j["Log"].back()["ExitCode"], -1);
  EXPECT_EQ(j["Log"].front()["Output"], "out 1");
}

TEST(HealthState, TruncatesLongOutput) {
  auto t0 = HealthClock::now();
  HealthState h(spec_with(3), t0);
  HealthResult r = result_at(t0, 0);
  r.output = std::string(10000, 'x');
  h.record(r);
  EXPECT_EQ(h.to_json()["Log"][0]["Output"].get<std::string>().size(), kHealthMaxOutput);
}

}  // namespace
}  // namespace engine
