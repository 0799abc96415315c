// What the supervisor does for a container besides reaping it: its healthcheck and its
// restart policy, resolved once when the container is made and kept in its record (a
// restart by the supervisor has no compose file at hand). Internal to engine/.
#pragma once

#include <string>
#include <vector>

#include "boximg/image_config.h"
#include "compose/model.h"
#include "engine/context.h"
#include "engine/project_state.h"

namespace engine {

// Fills the record's healthcheck, restart policy and restart_with. Throws Error on a
// restart policy it does not know.
void set_container_policies(ContainerRecord& c, const compose::Service& service,
                            const image::ImageConfig& image);

// Tells the project's supervisor, if one runs, that the user stops these containers, so
// that no restart policy brings them back. Never starts a supervisor.
void tell_supervisor_stopping(Context& ctx, const std::vector<std::string>& names);

}  // namespace engine
