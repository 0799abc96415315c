#include "engine/health_resolve.h"

namespace engine {
namespace {

// The argv a test runs, or nullopt for none.
std::optional<std::vector<std::string>> test_argv(const std::vector<std::string>& test) {
  if (test.empty() || test.front() == "NONE") return std::nullopt;
  if (test.front() == "CMD-SHELL" && test.size() == 2)
    return std::vector<std::string>{"/bin/sh", "-c", test[1]};
  if (test.front() == "CMD" && test.size() >= 2)
    return std::vector<std::string>(test.begin() + 1, test.end());
  return std::nullopt;
}

std::chrono::nanoseconds pick(const std::optional<compose::Duration>& service, int64_t image_ns,
                              std::chrono::nanoseconds fallback) {
  if (service && service->count() > 0) return *service;
  if (image_ns > 0) return std::chrono::nanoseconds(image_ns);
  return fallback;
}

}  // namespace

std::optional<HealthSpec> resolve_healthcheck(const compose::Healthcheck* service,
                                              const image::HealthConfig* image) {
  if (service && service->disable) return std::nullopt;
  const image::HealthConfig none;
  const image::HealthConfig& img = image ? *image : none;
  // The service's test replaces the image's; without one, the image's runs.
  const std::vector<std::string>& test =
      service && !service->test.empty() ? service->test : img.test;
  std::optional<std::vector<std::string>> argv = test_argv(test);
  if (!argv) return std::nullopt;
  HealthSpec spec;
  spec.argv = std::move(*argv);
  std::optional<compose::Duration> unset;
  spec.interval =
      pick(service ? service->interval : unset, img.interval_ns, kDefaultHealthInterval);
  spec.timeout = pick(service ? service->timeout : unset, img.timeout_ns, kDefaultHealthTimeout);
  spec.start_period = pick(service ? service->start_period : unset, img.start_period_ns,
                           std::chrono::nanoseconds(0));
  spec.start_interval = pick(service ? service->start_interval : unset, img.start_interval_ns,
                             kDefaultHealthStartInterval);
  if (service && service->retries && *service->retries > 0)
    spec.retries = static_cast<int>(*service->retries);
  else if (img.retries > 0)
    spec.retries = img.retries;
  return spec;
}

}  // namespace engine
