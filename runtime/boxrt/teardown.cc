#include "boxrt/teardown.h"

#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <thread>

#include "boxrt/backoff.h"
#include "boxrt/error.h"
#include "boxrt/state.h"

namespace boxrt {
namespace {

void kill_members(Cgroup* cg) {
  if (!cg) return;
  for (pid_t p : cg->pids())
    ::kill(p, SIGKILL);
  if (cg->frozen()) cg->freeze(false);
}

}  // namespace

void kill_container(pid_t init, uint64_t init_start_time, Cgroup* cg, bool reap) {
  kill_members(cg);
  if (init > 0 && process_alive(init, init_start_time)) ::kill(init, SIGKILL);
  if (reap && init > 0) {
    while (waitpid(init, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  Backoff backoff(std::chrono::seconds(5));
  do {
    bool alive = init > 0 && process_alive(init, init_start_time);
    if (!alive && (!cg || cg->pids().empty())) return;
    kill_members(cg);  // whatever forked while the first round was sent
  } while (backoff.wait());
  throw Error("processes of the container are still alive 5s after SIGKILL");
}

}  // namespace boxrt
