// The steps of creating one container, shared by the one-at-a-time path (container_ops.cc)
// and the parallel one (container_parallel.cc). Internal to engine/.
#pragma once

#include <string>

#include "engine/container_ops.h"

namespace engine {

// The record of a new container with its addresses, saved before anything is made.
ContainerRecord& begin_create(Context& ctx, const CreateRequest& req);
// Root, storage, spec, runtime container, networks; started unless !req.start. Updates `c`.
void build_and_launch(Context& ctx, const CreateRequest& req, ContainerRecord& c);
// Saves the state and reports the container made.
void finish_create(Context& ctx, const CreateRequest& req);
// Undoes what a failed create made, and throws why it failed.
[[noreturn]] void fail_create(Context& ctx, const CreateRequest& req, const std::string& why);

}  // namespace engine
