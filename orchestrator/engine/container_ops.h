// One container's life on the host, step by step, each step recorded in the project state
// before it is taken so that `down` can undo it after a crash. Internal to engine/.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "boximg/store.h"
#include "boxrt/spec.h"
#include "compose/model.h"
#include "engine/context.h"

namespace engine {

// Where a container's stdio goes. Default: stdin /dev/null, stdout and stderr to the
// supervisor's log. `run` attaches it to the calling process's own stdio instead, or with
// `console_socket` gives the process a terminal whose pty master is sent there.
struct StdioAttachment {
  bool inherit = false;
  std::string console_socket;
};

struct CreateRequest {
  const compose::Project* project = nullptr;
  const compose::Service* service = nullptr;
  const image::ResolvedImage* image = nullptr;
  std::string name;
  int number = 1;
  std::string config_hash;
  bool start = true;
  StdioAttachment stdio = {};  // "= {}": callers' positional initializers stay complete
};

// Makes the container (overlay root, volumes, addresses, hosts and resolv.conf, runtime
// container, veths) and starts it unless !start. On failure, removes what it made of this
// container and throws.
void create_container(Context& ctx, const CreateRequest& req);
// The same for several containers at once (independent ones: a level of the graph), each
// made in a forked child, at most `parallel` at a time (-1: all). The children share
// nothing but the kernel; this process keeps the state and shows their progress. Every
// container that could be made is kept; then the first failure is thrown.
void create_containers(Context& ctx, const std::vector<CreateRequest>& reqs, int parallel);

// Creates the runtime container again from the spec it was first created with (a stopped
// container's processes are gone; its root, volumes and addresses are kept) and starts it.
void restart_container(Context& ctx, const std::string& name);
// Runs a created container's command.
void start_created(Context& ctx, const std::string& name);

// Stops the containers together: each gets its stop signal, and whatever is still alive
// after its grace period (or `timeout`) is killed.
void stop_containers(Context& ctx, const std::vector<std::string>& names,
                     std::optional<std::chrono::seconds> timeout);

// Removes a stopped (or, with force, any) container entirely: processes, runtime record,
// cgroups, veths, addresses, overlay, its files; anonymous volumes when `volumes`.
void remove_container(Context& ctx, const std::string& name, bool volumes);

// "created", "running", "paused" or "exited" (also when there is no runtime record).
std::string container_state(Context& ctx, const std::string& name);
// The same word for a runtime status already read.
std::string state_word(boxrt::Status status);

// Writes /etc/hosts of every container of the project from the addresses in the state,
// so every container sees every peer, those created after it too. In place: the files are
// bind-mounted into running containers.
void write_hosts_files(Context& ctx, const compose::Project& project);

}  // namespace engine
