// Which healthcheck a container runs: the service's `healthcheck`, with what it leaves
// unset taken from the image's HEALTHCHECK, then Docker's defaults; none when disabled.
#pragma once

#include <optional>

#include "boximg/image_config.h"
#include "compose/model.h"
#include "engine/health_state.h"

namespace engine {

// nullopt when there is no check (neither sets one, test ["NONE"], or disable: true).
std::optional<HealthSpec> resolve_healthcheck(const compose::Healthcheck* service,
                                              const image::HealthConfig* image);

}  // namespace engine
