// The runtime's failed syscalls, worded as DESIGN.md asks: "<what> <on>: <errno name>"
// ("mount proc on /proc: EPERM"). Error::sys keeps strerror's text ("No such file or
// directory") for the other modules, whose messages and tests depend on it.
#pragma once

#include <string_view>

#include "boxrt/error.h"

namespace boxrt {

Error os_error(std::string_view what, std::string_view on, int err);

// Throws os_error(what, on, errno) when rc < 0; returns rc otherwise.
long check_os(long rc, std::string_view what, std::string_view on = {});

}  // namespace boxrt
