// linux.namespaces: which to create at clone time, which to join by path (setns).
#pragma once

#include <sys/types.h>

#include <string>

#include "boxrt/fd.h"
#include "boxrt/spec.h"

namespace boxrt {

int namespace_clone_flag(const std::string& type);
const char* namespace_proc_name(const std::string& type);  // "network" -> "net"

// CLONE_NEW* for every namespace in the spec that has no path.
int clone_flags_for(const ContainerSpec& spec);

// Child side: setns into every namespace that has a path; the user namespace first so
// that the others are joined with its privileges.
void join_namespaces(const ContainerSpec& spec);

// Parent side for a pid namespace given by path: pid_for_children must be set before
// the clone. Restores the caller's own on destruction.
class PidNamespaceJoin {
 public:
  explicit PidNamespaceJoin(const std::string& path);
  ~PidNamespaceJoin();
  PidNamespaceJoin(const PidNamespaceJoin&) = delete;
  PidNamespaceJoin& operator=(const PidNamespaceJoin&) = delete;

 private:
  UniqueFd own_;
};

}  // namespace boxrt
