// Docker's seccomp profile JSON into the runtime's Seccomp: archMap, includes/excludes by
// capability, architecture and kernel, and the errors a bad profile gets.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/error.h"
#include "engine/security.h"

namespace engine {
namespace {

using nlohmann::json;
using Strings = std::vector<std::string>;

const json kProfile = json::parse(R"({
  "defaultAction": "SCMP_ACT_ERRNO",
  "defaultErrnoRet": 1,
  "archMap": [
    {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
    {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}
  ],
  "flags": ["SECCOMP_FILTER_FLAG_LOG"],
  "syscalls": [
    {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
    {"name": "ptrace", "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}},
    {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}},
    {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
    {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}],
     "excludes": {"caps": ["CAP_SYS_ADMIN"], "arches": ["s390x"]}},
    {"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 97,
     "excludes": {"minKernel": "99.0"}}
  ]})");

Strings names(const boxrt::Seccomp& s) {
  Strings out;
  for (const auto& r : s.syscalls)
    out.insert(out.end(), r.names.begin(), r.names.end());
  return out;
}

std::string error_of(const json& profile) {
  try {
    seccomp_from_docker_profile(profile, {}, "amd64", "6.1.0");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(EngineSpecSeccomp, DockerProfileOnAmd64) {
  boxrt::Seccomp s = seccomp_from_docker_profile(kProfile, {"CAP_CHOWN"}, "amd64", "6.1.0-18");
  EXPECT_EQ(s.default_action, "SCMP_ACT_ERRNO");
  EXPECT_EQ(s.default_errno_ret, 1u);
  EXPECT_EQ(s.architectures, (Strings{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}));
  EXPECT_EQ(s.flags, (Strings{"SECCOMP_FILTER_FLAG_LOG"}));
  EXPECT_EQ(names(s), (Strings{"read", "write", "ptrace", "arch_prctl", "clone", "socket"}));
  const auto& clone = s.syscalls[3];
  ASSERT_EQ(clone.args.size(), 1u);
  EXPECT_EQ(clone.args[0].index, 0u);
  EXPECT_EQ(clone.args[0].value, 2114060288u);
  EXPECT_EQ(clone.args[0].value_two, 0u);
  EXPECT_EQ(clone.args[0].op, "SCMP_CMP_MASKED_EQ");
  EXPECT_EQ(s.syscalls[4].errno_ret, 97u);
  EXPECT_FALSE(s.syscalls[0].errno_ret.has_value());
}

TEST(EngineSpecSeccomp, IncludesAndExcludesFollowCapsArchAndKernel) {
  boxrt::Seccomp s = seccomp_from_docker_profile(kProfile, {"CAP_SYS_ADMIN"}, "arm64", "4.4.0");
  EXPECT_EQ(s.architectures, (Strings{"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"}));
  EXPECT_EQ(names(s), (Strings{"read", "write", "mount", "socket"}));
}

TEST(EngineSpecSeccomp, PlainArchitecturesList) {
  json p = {{"defaultAction", "SCMP_ACT_ALLOW"}, {"architectures", {"SCMP_ARCH_X86_64"}}};
  boxrt::Seccomp s = seccomp_from_docker_profile(p, {}, "amd64", "6.1");
  EXPECT_EQ(s.architectures, (Strings{"SCMP_ARCH_X86_64"}));
  EXPECT_TRUE(s.syscalls.empty());
}

TEST(EngineSpecSeccomp, Errors) {
  EXPECT_EQ(error_of(json::array()), "expected a JSON object");
  EXPECT_TRUE(error_of(json::object()).starts_with("invalid profile: "))
      << error_of(json::object());
  json both = kProfile;
  both["architectures"] = {"SCMP_ARCH_X86_64"};
  EXPECT_EQ(error_of(both), "both \"architectures\" and \"archMap\" are set; use one");
  json name_and_names = {
      {"defaultAction", "SCMP_ACT_ALLOW"},
      {"syscalls", {{{"name", "a"}, {"names", {"b"}}, {"action", "SCMP_ACT_ALLOW"}}}}};
  EXPECT_EQ(error_of(name_and_names), "syscalls[0]: both \"name\" and \"names\" are set; use one");
  json bad_action = {{"defaultAction", "SCMP_ACT_MAYBE"}};
  EXPECT_EQ(error_of(bad_action), "seccomp: unknown action \"SCMP_ACT_MAYBE\"");
  json bad_op = {{"defaultAction", "SCMP_ACT_ALLOW"},
                 {"syscalls",
                  {{{"names", {"a"}},
                    {"action", "SCMP_ACT_ERRNO"},
                    {"args", {{{"index", 0}, {"op", "LIKE"}}}}}}}};
  EXPECT_EQ(error_of(bad_op), "seccomp: unknown operator \"LIKE\"");
}

TEST(EngineSpecSeccomp, DefaultProfileKeepsDenialsWithoutCapabilities) {
  boxrt::Seccomp s = default_seccomp_for({"CAP_CHOWN"});
  Strings n = names(s);
  for (const char* denied : {"mount", "ptrace", "reboot", "bpf", "clone", "clone3", "acct"})
    EXPECT_NE(std::find(n.begin(), n.end(), denied), n.end()) << denied;
  s = default_seccomp_for({"CAP_SYS_PTRACE", "CAP_SYS_BOOT", "CAP_BPF", "CAP_SYS_PACCT"});
  n = names(s);
  for (const char* allowed : {"ptrace", "process_vm_readv", "reboot", "bpf", "acct"})
    EXPECT_EQ(std::find(n.begin(), n.end(), allowed), n.end()) << allowed;
  EXPECT_NE(std::find(n.begin(), n.end(), "mount"), n.end());
}

TEST(EngineSpecSeccomp, ParseSecurityOptsPaths) {
  SecurityOptions o = parse_security_opts({"seccomp=./p/../profile.json"}, "/proj");
  EXPECT_EQ(o.seccomp, SeccompMode::Profile);
  EXPECT_EQ(o.seccomp_profile, "/proj/profile.json");
  o = parse_security_opts({"seccomp:/etc/x.json"}, "/proj");
  EXPECT_EQ(o.seccomp_profile, "/etc/x.json");
  o = parse_security_opts({}, "/proj");
  EXPECT_EQ(o.seccomp, SeccompMode::Default);
  EXPECT_FALSE(o.no_new_privileges);
}

}  // namespace
}  // namespace engine
