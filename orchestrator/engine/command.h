// What a container runs and how it is stopped: the service's command and entrypoint over
// the image's CMD and ENTRYPOINT, and the stop signal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "boximg/image_config.h"
#include "compose/model.h"

namespace engine {

// Docker's merge of the service over the image config:
//   - entrypoint unset (nullopt): the image's ENTRYPOINT;
//   - entrypoint set and non-empty: replaces ENTRYPOINT and drops the image's CMD (as a
//     Dockerfile ENTRYPOINT resets an inherited CMD);
//   - entrypoint `[]` or `""`: no entrypoint at all; the image's CMD still applies (the
//     engine's merge only takes CMD from the image when the entrypoint is empty);
//   - command set (even to `[]`): replaces CMD.
// The result is entrypoint + cmd. Throws Error("no command specified") when it is empty.
std::vector<std::string> resolve_args(const compose::Service& service,
                                      const image::ImageConfig& image);

// "SIGUSR1", "usr1", "USR1", "10", "SIGRTMIN+3" -> the signal number (Docker's
// ParseSignal). Throws Error naming the text for anything else.
int parse_signal(std::string_view text);

}  // namespace engine
