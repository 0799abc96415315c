// The runtime's spelling of Error::sys and check_sys: "<what> <on>: <errno name>"
// ("mount proc on /proc: EPERM"), as DESIGN.md asks of every module.
#pragma once

#include <string_view>

#include "boxrt/error.h"

namespace boxrt {

Error os_error(std::string_view what, std::string_view on, int err);

// Throws os_error(what, on, errno) when rc < 0; returns rc otherwise.
long check_os(long rc, std::string_view what, std::string_view on = {});

}  // namespace boxrt
