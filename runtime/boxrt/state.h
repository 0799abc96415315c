// A container's on-disk record under <root>/<id>/: state.json (what `state` prints plus
// what delete needs), config.json (the spec it was created from), exec.fifo while it
// waits for start.
#pragma once

#include <sys/types.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "boxrt/cgroup.h"

namespace boxrt {

enum class Status { kCreating, kCreated, kRunning, kPaused, kStopped };
const char* status_name(Status s);

struct ContainerState {
  std::string id;
  pid_t pid = 0;
  uint64_t pid_start_time = 0;  // /proc/<pid>/stat field 22: guards against pid reuse
  std::string bundle;
  std::string rootfs;
  std::string created;          // RFC 3339
  std::string owner;
  std::map<std::string, std::string> annotations;
  CgroupPaths cgroup;
  // Stored while create runs: a create that died half-way (killed, crashed) leaves a
  // state that `delete --force` can clean up from.
  bool creating = false;
  Status status = Status::kStopped;  // computed on load, not stored
};

// runc's `state` JSON: ociVersion, id, status, pid, bundle, rootfs, created, owner, annotations.
nlohmann::json state_to_oci_json(const ContainerState& s);

class StateStore {
 public:
  explicit StateStore(std::string root) : root_(std::move(root)) {}
  const std::string& root() const { return root_; }
  std::string dir(const std::string& id) const { return root_ + "/" + id; }
  std::string fifo(const std::string& id) const { return dir(id) + "/exec.fifo"; }
  // The init reports a startContainer hook's or exec's failure here (Runtime::start).
  std::string start_fifo(const std::string& id) const { return dir(id) + "/start.fifo"; }

  // Makes <root>/<id>; throws if the container already exists.
  void make_dir(const std::string& id) const;
  void save(const ContainerState& s) const;
  ContainerState load(const std::string& id) const;  // throws "container X does not exist"
  bool exists(const std::string& id) const;
  std::vector<std::string> ids() const;
  void remove(const std::string& id) const;

 private:
  std::string root_;
};

// Field 22 of /proc/<pid>/stat, 0 when the process is gone.
uint64_t process_start_time(pid_t pid);
// Alive, not a zombie, and the same process (start time) as recorded.
bool process_alive(pid_t pid, uint64_t start_time);

void validate_container_id(const std::string& id);

// As runc: written to a temporary file next to `path`, then renamed over it, so a reader
// never sees a partial pid.
void write_pid_file(const std::string& path, pid_t pid);

}  // namespace boxrt
