// Users: uid/gid maps of a new user namespace (parent side) and the switch to
// process.user (child side).
#pragma once

#include <sys/types.h>

#include <vector>

#include "boxrt/spec.h"

namespace boxrt {

std::string format_id_map(const std::vector<IdMapping>& maps);

// Parent side, after clone and before the child goes on.
void write_id_maps(pid_t pid, const std::vector<IdMapping>& uid_maps,
                   const std::vector<IdMapping>& gid_maps);

// Child side: additional gids, gid, uid (in that order: setgroups needs privilege).
void switch_user(const User& user);

}  // namespace boxrt
