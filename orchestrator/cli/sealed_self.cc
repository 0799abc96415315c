#include "cli/sealed_self.h"

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

void reexec_sealed(char** argv) {
  if (boxrt::running_from_sealed_copy()) return;
  ::setenv(engine::kSelfExecutableEnv, engine::self_executable().c_str(), 1);
  boxrt::reexec_from_sealed_copy(argv);
}

}  // namespace cli
