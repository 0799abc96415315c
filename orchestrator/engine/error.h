// The engine reports failures with the project's one error type (what was done, on what,
// errno), chained with context on the way up: "up: service web: mount /data -> /srv: ENOENT".
#pragma once

#include "boxrt/error.h"

namespace engine {

using Error = boxrt::Error;

}  // namespace engine
