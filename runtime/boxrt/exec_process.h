// `runc exec`'s command line over the container's own process (runc's getProcess): each
// flag changes one thing of config.json's process, the rest is kept.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "boxrt/spec.h"

namespace boxrt {

struct ExecOverrides {
  std::vector<std::string> args;       // the command
  std::string cwd;                     // empty: keep
  std::vector<std::string> env;        // KEY=VALUE, replacing the same key
  std::string user;                    // "UID[:GID]", numeric as runc's --user
  std::vector<gid_t> additional_gids;  // appended
  std::vector<std::string> caps;       // CAP_X or X: added to bounding, effective, permitted
                                       // (and ambient when the process has inheritable ones)
  bool tty = false;                    // process.terminal
  bool no_new_privs = false;           // only ever turns it on
};

Process exec_process(const Process& base, const ExecOverrides& o);

// "1000" keeps base's gid; "1000:100" sets both. Throws on anything not numeric.
User parse_exec_user(const std::string& text, const User& base);

// Sets KEY=VALUE in env, replacing an existing KEY (the last one given wins, as a shell's
// export would; execve with two PATH= entries is read differently by different libcs).
void set_env(std::vector<std::string>& env, const std::string& entry);

}  // namespace boxrt
