#include "boxrt/caps.h"

#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "boxrt/error.h"
#include "boxrt/os_error.h"

namespace boxrt {
namespace {

cap_value_t cap_by_name(const std::string& name) {
  cap_value_t v;
  if (cap_from_name(name.c_str(), &v) < 0) throw Error("unknown capability " + name);
  return v;
}

std::vector<cap_value_t> supported(const std::vector<std::string>& names) {
  std::vector<cap_value_t> out;
  int last = static_cast<int>(cap_max_bits()) - 1;
  for (const auto& n : names) {
    cap_value_t v = cap_by_name(n);
    if (v <= last) out.push_back(v);
  }
  return out;
}

bool contains(const std::vector<cap_value_t>& set, cap_value_t v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

}  // namespace

void validate_capabilities(const Capabilities& caps) {
  for (const auto* set : {&caps.bounding, &caps.effective, &caps.inheritable, &caps.permitted,
                          &caps.ambient})
    for (const auto& n : *set) cap_by_name(n);
}

void drop_bounding_set(const Capabilities& caps) {
  auto keep = supported(caps.bounding);
  int last = static_cast<int>(cap_max_bits()) - 1;
  for (cap_value_t v = 0; v <= last; ++v) {
    if (contains(keep, v)) continue;
    if (prctl(PR_CAPBSET_DROP, v, 0, 0, 0) < 0 && errno != EINVAL)
      throw os_error("drop from bounding set", cap_to_name(v), errno);
  }
  check_os(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "prctl", "PR_SET_KEEPCAPS");
}

void apply_capabilities(const Capabilities& caps) {
  check_os(prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0), "prctl", "PR_SET_KEEPCAPS");
  std::unique_ptr<std::remove_pointer_t<cap_t>, int (*)(void*)> c(cap_init(), cap_free);
  if (!c) throw os_error("cap_init", "", errno);
  const std::pair<cap_flag_t, const std::vector<std::string>*> sets[] = {
      {CAP_EFFECTIVE, &caps.effective},
      {CAP_PERMITTED, &caps.permitted},
      {CAP_INHERITABLE, &caps.inheritable}};
  for (const auto& [flag, names] : sets) {
    auto values = supported(*names);
    if (!values.empty() &&
        cap_set_flag(c.get(), flag, static_cast<int>(values.size()), values.data(), CAP_SET) < 0)
      throw os_error("cap_set_flag", "", errno);
  }
  if (cap_set_proc(c.get()) < 0) throw os_error("set capabilities", "", errno);
  check_os(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clear ambient capabilities");
  // The kernel only lets a capability be ambient when it is permitted and inheritable;
  // runc's own template lists ambient ones without inheritable and runc skips them, so
  // skip those too rather than fail.
  auto inheritable = supported(caps.inheritable);
  for (cap_value_t v : supported(caps.ambient)) {
    if (!contains(inheritable, v)) continue;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
      throw os_error("raise ambient capability", cap_to_name(v), errno);
  }
}

}  // namespace boxrt
