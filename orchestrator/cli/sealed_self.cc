#include "cli/sealed_self.h"

#include <sys/prctl.h>

#include <cstdlib>

#include "boxrt/sealed_exe.h"
#include "engine/supervisor_client.h"

namespace cli {

bool enters_containers(const std::string& verb) {
  for (const char* v :
       {"up", "create", "start", "restart", "run", "exec", "__restart", "__health-exec"})
    if (verb == v) return true;
  return false;
}

void keep_process_name(const char* argv0) {
  std::string name = argv0 ? argv0 : "boxcompose";
  name = name.substr(name.find_last_of('/') + 1);
  ::prctl(PR_SET_NAME, name.c_str(), 0, 0, 0);  // the kernel keeps the first 15 bytes
}

void reexec_sealed(char** argv) {
  if (boxrt::running_from_sealed_copy()) return;
  ::setenv(engine::kSelfExecutableEnv, engine::self_executable().c_str(), 1);
  boxrt::reexec_from_sealed_copy(argv);
}

}  // namespace cli
