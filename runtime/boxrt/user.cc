#include "boxrt/user.h"

#include <grp.h>
#include <unistd.h>

#include <cerrno>

#include "boxrt/error.h"
#include "boxrt/os_error.h"
#include "boxrt/procfs.h"

namespace boxrt {

std::string format_id_map(const std::vector<IdMapping>& maps) {
  std::string out;
  for (const auto& m : maps)
    out += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " +
           std::to_string(m.size) + "\n";
  return out;
}

void write_id_maps(pid_t pid, const std::vector<IdMapping>& uid_maps,
                   const std::vector<IdMapping>& gid_maps) {
  std::string base = "/proc/" + std::to_string(pid);
  if (uid_maps.empty() || gid_maps.empty())
    throw Error("a user namespace was requested without linux.uidMappings and gidMappings");
  try {
    write_proc_file(base + "/uid_map", format_id_map(uid_maps));
    write_proc_file(base + "/gid_map", format_id_map(gid_maps));
  } catch (const Error& e) {
    throw e.with_context("user namespace id maps");
  }
}

void switch_user(const User& user) {
  // Only root may call setgroups; with no additional gids, drop the inherited ones.
  check_os(setgroups(user.additional_gids.size(), user.additional_gids.data()), "setgroups");
  check_os(setresgid(user.gid, user.gid, user.gid), "setresgid", std::to_string(user.gid));
  check_os(setresuid(user.uid, user.uid, user.uid), "setresuid", std::to_string(user.uid));
}

}  // namespace boxrt
