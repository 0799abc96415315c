// OCI config.json <-> ContainerSpec, and the runtime's pure helpers (no privileges).
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <nlohmann/json.hpp>

#include "boxrt/error.h"
#include "boxrt/oci_config.h"
#include "boxrt/rlimits.h"
#include "boxrt/seccomp.h"

namespace {

using nlohmann::json;

std::string error_of(const json& j) {
  try {
    boxrt::spec_from_json(j);
  } catch (const boxrt::Error& e) {
    return e.what();
  }
  return "";
}

TEST(RuntimeOciConfig, ParsesARuncStyleConfig) {
  json j = json::parse(R"({
    "ociVersion": "1.0.2", "hostname": "web", "unknownTopLevel": {"x": 1},
    "process": {"terminal": false, "user": {"uid": 1000, "gid": 100, "umask": 18,
                "additionalGids": [5, 6]}, "args": ["sh", "-c", "true"], "env": ["A=1"],
                "cwd": "/srv", "noNewPrivileges": true, "oomScoreAdj": 100,
                "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"]},
                "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 512}]},
    "root": {"path": "rootfs", "readonly": true},
    "mounts": [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                "options": ["nosuid", "size=64k"]}],
    "linux": {"namespaces": [{"type": "pid"}, {"type": "network", "path": "/proc/1/ns/net"}],
              "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
              "cgroupsPath": "/boxrun/web",
              "resources": {"memory": {"limit": 1048576, "swap": 2097152},
                            "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0"},
                            "pids": {"limit": 64},
                            "blockIO": {"weight": 300,
                                        "weightDevice": [{"major": 8, "minor": 0, "weight": 500,
                                                          "leafWeight": 200}],
                                        "throttleReadBpsDevice": [{"major": 8, "minor": 0,
                                                                   "rate": 1048576}],
                                        "throttleWriteBpsDevice": [{"major": 8, "minor": 16,
                                                                    "rate": 2097152}],
                                        "throttleReadIOPSDevice": [{"major": 8, "minor": 0,
                                                                    "rate": 100}],
                                        "throttleWriteIOPSDevice": [{"major": 254, "minor": 0,
                                                                     "rate": 200}]}},
              "seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
                          "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW",
                                        "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}]},
              "maskedPaths": ["/proc/kcore"], "readonlyPaths": ["/proc/sys"],
              "sysctl": {"net.ipv4.ip_forward": "1"}},
    "hooks": {"poststop": [{"path": "/bin/true", "args": ["true"], "timeout": 5}]},
    "annotations": {"a": "b"}})");
  boxrt::ContainerSpec s = boxrt::spec_from_json(j);
  EXPECT_EQ(s.hostname, "web");
  EXPECT_EQ(s.process.user.uid, 1000u);
  EXPECT_EQ(s.process.user.umask, 18u);
  EXPECT_EQ(s.process.user.additional_gids, (std::vector<gid_t>{5, 6}));
  EXPECT_EQ(s.process.args.size(), 3u);
  EXPECT_EQ(s.process.cwd, "/srv");
  EXPECT_TRUE(s.process.no_new_privileges);
  EXPECT_EQ(s.process.oom_score_adj, 100);
  EXPECT_EQ(s.process.capabilities->bounding, std::vector<std::string>{"CAP_KILL"});
  EXPECT_EQ(s.process.rlimits[0].soft, 512u);
  EXPECT_TRUE(s.root.readonly);
  EXPECT_EQ(s.mounts[0].options[1], "size=64k");
  EXPECT_EQ(s.linux.namespaces[1].path, "/proc/1/ns/net");
  EXPECT_EQ(s.linux.uid_mappings[0].host_id, 100000u);
  EXPECT_EQ(s.linux.resources->memory->limit, 1048576);
  EXPECT_EQ(s.linux.resources->cpu->quota, 50000);
  EXPECT_EQ(s.linux.resources->pids->limit, 64);
  const auto& bio = *s.linux.resources->block_io;
  EXPECT_EQ(bio.weight, 300);
  ASSERT_EQ(bio.weight_device.size(), 1u);
  EXPECT_EQ(bio.weight_device[0].major, 8);
  EXPECT_EQ(bio.weight_device[0].weight, 500);
  EXPECT_EQ(bio.weight_device[0].leaf_weight, 200);
  ASSERT_EQ(bio.throttle_read_bps_device.size(), 1u);
  EXPECT_EQ(bio.throttle_read_bps_device[0].rate, 1048576u);
  ASSERT_EQ(bio.throttle_write_bps_device.size(), 1u);
  EXPECT_EQ(bio.throttle_write_bps_device[0].minor, 16);
  ASSERT_EQ(bio.throttle_read_iops_device.size(), 1u);
  EXPECT_EQ(bio.throttle_read_iops_device[0].rate, 100u);
  ASSERT_EQ(bio.throttle_write_iops_device.size(), 1u);
  EXPECT_EQ(bio.throttle_write_iops_device[0].major, 254);
  EXPECT_EQ(s.linux.seccomp->syscalls[0].args[0].op, "SCMP_CMP_EQ");
  EXPECT_EQ(s.linux.sysctl.at("net.ipv4.ip_forward"), "1");
  EXPECT_EQ(s.hooks.poststop[0].timeout, 5);
  EXPECT_EQ(s.annotations.at("a"), "b");
}

TEST(RuntimeOciConfig, RoundTripsThroughJson) {
  boxrt::ContainerSpec s = boxrt::default_spec();
  s.linux.seccomp = boxrt::default_seccomp_profile();
  s.linux.uid_mappings = {{0, 1000, 1}};
  s.hooks.prestart = {{"/bin/hook", {"hook", "x"}, {}, 3}};
  boxrt::BlockIoResources bio{400};
  bio.weight_device = {{8, 0, 500, std::nullopt}, {8, 16, std::nullopt, 100}};
  bio.throttle_read_bps_device = {{8, 0, 1048576}};
  bio.throttle_write_bps_device = {{8, 0, 2097152}, {8, 16, 0}};
  bio.throttle_read_iops_device = {{8, 0, 100}};
  bio.throttle_write_iops_device = {{254, 0, 200}};
  s.linux.resources->block_io = bio;
  json once = boxrt::spec_to_json(s);
  json twice = boxrt::spec_to_json(boxrt::spec_from_json(once));
  EXPECT_EQ(once, twice);
  const json& written = once["linux"]["resources"]["blockIO"];
  EXPECT_EQ(written["weightDevice"][1],
            json::parse(R"({"major": 8, "minor": 16, "leafWeight": 100})"));
  EXPECT_EQ(written["throttleWriteBpsDevice"][1],
            json::parse(R"({"major": 8, "minor": 16, "rate": 0})"));
  EXPECT_EQ(written["throttleWriteIOPSDevice"][0]["rate"], 200);
}

TEST(RuntimeOciConfig, EmptyBlockIoStaysEmpty) {
  json j = {{"linux", {{"resources", {{"blockIO", json::object()}}}}}};
  boxrt::ContainerSpec s = boxrt::spec_from_json(j);
  ASSERT_TRUE(s.linux.resources->block_io.has_value());
  EXPECT_TRUE(s.linux.resources->block_io->weight_device.empty());
  EXPECT_EQ(boxrt::spec_to_json(s)["linux"]["resources"]["blockIO"], json::object());
}

TEST(RuntimeOciConfig, WrongTypesNameTheJsonPath) {
  EXPECT_EQ(error_of({{"process", {{"user", {{"uid", "root"}}}}}}),
            "process.user.uid: expected an unsigned integer, got string");
  EXPECT_EQ(error_of({{"mounts", {{{"destination", "/x"}, {"options", {"ro", 1}}}}}}),
            "mounts[0].options[1]: expected a string, got number");
  EXPECT_EQ(error_of({{"linux", {{"resources", {{"memory", {{"limit", "1g"}}}}}}}}),
            "linux.resources.memory.limit: expected an integer, got string");
  EXPECT_EQ(error_of({{"linux", {{"namespaces", {{{"type", "time2"}}}}}}}),
            "linux.namespaces[0].type: unknown namespace type \"time2\"");
  EXPECT_EQ(error_of({{"root", {{"readonly", "yes"}}}}), "root.readonly: expected a boolean, got string");
  EXPECT_EQ(error_of(json::array()), "(root): expected an object, got array");
  EXPECT_EQ(error_of({{"mounts", {{{"type", "tmpfs"}}}}}), "mounts[0].destination: required");
}

// Parsed from text, as config.json is: a positive number is then an unsigned one.
std::string block_io_error(const char* block_io) {
  return error_of({{"linux", {{"resources", {{"blockIO", json::parse(block_io)}}}}}});
}

TEST(RuntimeOciConfig, BlockIoDeviceErrorsNameTheJsonPath) {
  const std::string at = "linux.resources.blockIO.";
  EXPECT_EQ(
      block_io_error(R"({"throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": "1m"}]})"),
      at + "throttleReadBpsDevice[0].rate: expected an unsigned integer, got string");
  EXPECT_EQ(block_io_error(R"({"throttleWriteIOPSDevice": [{"major": 8, "minor": 0, "rate": 1},
                                                           {"major": 8, "rate": 1}]})"),
            at + "throttleWriteIOPSDevice[1].minor: required");
  EXPECT_EQ(block_io_error(R"({"throttleWriteBpsDevice": [{"major": -8, "minor": 0}]})"),
            at + "throttleWriteBpsDevice[0].major: must not be negative");
  EXPECT_EQ(block_io_error(R"({"throttleReadIOPSDevice": {"major": 8, "minor": 0}})"),
            at + "throttleReadIOPSDevice: expected an array, got object");
  EXPECT_EQ(block_io_error(R"({"weightDevice": [{"major": 8, "minor": 0, "weight": 1001}]})"),
            at + "weightDevice[0].weight: must be at most 1000");
  EXPECT_EQ(block_io_error(R"({"weightDevice": [{"major": 8, "minor": "0"}]})"),
            at + "weightDevice[0].minor: expected an integer, got string");
  EXPECT_EQ(block_io_error(R"({"weightDevice": [{"major": 8, "minor": 0, "leafWeight": -1}]})"),
            at + "weightDevice[0].leafWeight: expected an unsigned integer, got number");
  EXPECT_EQ(block_io_error(R"({"weight": 2000})"), at + "weight: must be at most 1000");
  EXPECT_EQ(block_io_error(R"("heavy")"),
            "linux.resources.blockIO: expected an object, got string");
}

TEST(RuntimeOciConfig, DefaultSpecHasDockerDefaults) {
  boxrt::ContainerSpec s = boxrt::default_spec();
  EXPECT_EQ(s.process.capabilities->bounding.size(), 14u);
  EXPECT_EQ(s.process.capabilities->bounding, boxrt::docker_default_capabilities());
  EXPECT_TRUE(s.process.no_new_privileges);
  EXPECT_NE(std::find(s.linux.masked_paths.begin(), s.linux.masked_paths.end(), "/proc/kcore"),
            s.linux.masked_paths.end());
  EXPECT_NE(std::find(s.linux.readonly_paths.begin(), s.linux.readonly_paths.end(), "/proc/sys"),
            s.linux.readonly_paths.end());
  EXPECT_EQ(s.linux.namespaces.size(), 6u);
  EXPECT_EQ(s.root.path, "rootfs");
}

TEST(RuntimeOciConfig, LoadConfigPrefixesTheFile) {
  try {
    boxrt::load_config("/nonexistent/config.json");
    FAIL();
  } catch (const boxrt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/config.json"), std::string::npos);
  }
}

TEST(RuntimeRlimits, RaisingAHardLimitIsAnError) {
  struct rlimit cur;
  getrlimit(RLIMIT_NOFILE, &cur);
  EXPECT_NO_THROW(boxrt::validate_rlimits({{"RLIMIT_NOFILE", cur.rlim_max, 1}}));
  if (cur.rlim_max != RLIM_INFINITY) {
    EXPECT_THROW(boxrt::validate_rlimits({{"RLIMIT_NOFILE", cur.rlim_max + 1, 1}}), boxrt::Error);
  }
  EXPECT_THROW(boxrt::validate_rlimits({{"RLIMIT_NOFILE", 10, 20}}), boxrt::Error);
  EXPECT_THROW(boxrt::validate_rlimits({{"RLIMIT_BOGUS", 1, 1}}), boxrt::Error);
}

TEST(RuntimeSeccomp, ValidatesActionsAndOperators) {
  boxrt::Seccomp s;
  s.syscalls.push_back({{"read"}, "SCMP_ACT_NOPE", {}, {}});
  EXPECT_THROW(boxrt::validate_seccomp(s), boxrt::Error);
  s.syscalls[0].action = "SCMP_ACT_ERRNO";
  s.syscalls[0].args.push_back({0, 1, 0, "SCMP_CMP_FOO"});
  EXPECT_THROW(boxrt::validate_seccomp(s), boxrt::Error);
  s.syscalls[0].args[0].op = "SCMP_CMP_EQ";
  EXPECT_NO_THROW(boxrt::validate_seccomp(s));
  EXPECT_NO_THROW(boxrt::validate_seccomp(boxrt::default_seccomp_profile()));
}

TEST(RuntimeSeccomp, DefaultProfileBlocksDockersList) {
  auto p = boxrt::default_seccomp_profile();
  std::vector<std::string> denied = p.syscalls[0].names;
  for (const char* name : {"mount", "unshare", "setns", "keyctl", "add_key", "request_key", "bpf",
                           "perf_event_open", "userfaultfd", "kexec_load", "init_module",
                           "delete_module", "reboot", "swapon", "open_by_handle_at",
                           "io_uring_setup", "io_uring_enter", "io_uring_register"})
    EXPECT_NE(std::find(denied.begin(), denied.end(), name), denied.end()) << name;
}

}  // namespace
