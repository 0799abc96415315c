#include "boxrt/rlimits.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>

#include "boxrt/error.h"
#include "boxrt/os_error.h"

namespace boxrt {
namespace {

struct Named {
  const char* name;
  int resource;
};
constexpr Named kResources[] = {
    {"RLIMIT_AS", RLIMIT_AS},           {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},     {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING}, {"RLIMIT_STACK", RLIMIT_STACK},
};

std::string limit_str(rlim_t v) { return v == RLIM_INFINITY ? "unlimited" : std::to_string(v); }

}  // namespace

int rlimit_resource(const std::string& name) {
  for (const auto& r : kResources)
    if (name == r.name) return r.resource;
  throw Error("rlimit " + name + ": unknown resource");
}

void validate_rlimits(const std::vector<Rlimit>& rlimits) {
  for (const auto& rl : rlimits) {
    int res = rlimit_resource(rl.type);
    if (rl.soft > rl.hard)
      throw Error("rlimit " + rl.type + ": soft limit " + std::to_string(rl.soft) +
                  " is above the hard limit " + std::to_string(rl.hard));
    struct rlimit cur;
    check_os(getrlimit(res, &cur), "getrlimit", rl.type);
    if (rl.hard > cur.rlim_max)
      throw Error("rlimit " + rl.type + ": hard limit " + limit_str(rl.hard) +
                  " would raise the current hard limit " + limit_str(cur.rlim_max) +
                  "; containers may only lower hard limits");
  }
}

void apply_rlimits(const std::vector<Rlimit>& rlimits) {
  for (const auto& rl : rlimits) {
    struct rlimit lim = {rl.soft, rl.hard};
    check_os(setrlimit(rlimit_resource(rl.type), &lim), "setrlimit", rl.type);
  }
}

}  // namespace boxrt
