// Device rules as both cgroup versions see them, and the v2 eBPF program they compile to,
// run here by a small interpreter of the instructions the compiler emits (the kernel
// runs it in the integration tests).
#include <gtest/gtest.h>

#include <map>

#include "boxrt/device_filter.h"
#include "boxrt/device_rules.h"
#include "boxrt/error.h"

namespace {

using boxrt::DeviceRule;

struct Request {
  char type;  // 'c' or 'b'
  int64_t major, minor;
  std::string access;  // r, w, m or a mix
};

// Runs `program` over one request; fails the test on an instruction it does not know,
// a jump out of the program or running off its end.
int run(const std::vector<bpf_insn>& program, const Request& req) {
  uint32_t access = 0;
  for (char c : req.access)
    access |= c == 'r' ? BPF_DEVCG_ACC_READ : c == 'w' ? BPF_DEVCG_ACC_WRITE : BPF_DEVCG_ACC_MKNOD;
  uint32_t type = req.type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK;
  uint32_t ctx[3] = {access << 16 | type, static_cast<uint32_t>(req.major),
                     static_cast<uint32_t>(req.minor)};
  uint64_t reg[11] = {};
  for (size_t pc = 0; pc < program.size(); ++pc) {
    const bpf_insn& i = program[pc];
    auto jump_if = [&](bool taken) {
      if (taken) pc += i.off;
    };
    switch (i.code) {
      case BPF_LDX | BPF_MEM | BPF_W:
        EXPECT_EQ(i.src_reg, BPF_REG_1);
        reg[i.dst_reg] = ctx[i.off / 4];
        break;
      case BPF_ALU64 | BPF_MOV | BPF_K:
        reg[i.dst_reg] = static_cast<uint64_t>(i.imm);
        break;
      case BPF_ALU64 | BPF_MOV | BPF_X:
        reg[i.dst_reg] = reg[i.src_reg];
        break;
      case BPF_ALU64 | BPF_AND | BPF_K:
        reg[i.dst_reg] &= static_cast<uint64_t>(i.imm);
        break;
      case BPF_ALU64 | BPF_RSH | BPF_K:
        reg[i.dst_reg] >>= i.imm;
        break;
      case BPF_JMP | BPF_JNE | BPF_K:
        jump_if(reg[i.dst_reg] != static_cast<uint64_t>(i.imm));
        break;
      case BPF_JMP | BPF_JEQ | BPF_K:
        jump_if(reg[i.dst_reg] == static_cast<uint64_t>(i.imm));
        break;
      case BPF_JMP | BPF_EXIT:
        return static_cast<int>(reg[BPF_REG_0]);
      default:
        ADD_FAILURE() << "unknown instruction " << int(i.code) << " at " << pc;
        return -1;
    }
    if (pc >= program.size()) ADD_FAILURE() << "jump out of the program at " << pc;
  }
  ADD_FAILURE() << "ran off the end of the program";
  return -1;
}

DeviceRule rule(bool allow, std::string type, std::optional<int64_t> major,
                std::optional<int64_t> minor, std::string access) {
  return DeviceRule{allow, std::move(type), major, minor, std::move(access)};
}
DeviceRule deny_all() {
  return rule(false, "a", std::nullopt, std::nullopt, "rwm");
}

bool allowed(const std::vector<DeviceRule>& spec_rules, const Request& req) {
  return run(boxrt::compile_device_filter(boxrt::container_device_rules(spec_rules)), req) == 1;
}

TEST(DeviceRules, DefaultsFollowTheLeadingAllDeviceRules) {
  auto rules = boxrt::container_device_rules(
      {deny_all(), rule(true, "c", 10, 200, "rwm"), rule(false, "c", 1, 3, "w")});
  ASSERT_GT(rules.size(), 4u);
  EXPECT_EQ(boxrt::device_rule_text(rules.front()), "a");
  EXPECT_EQ(boxrt::device_rule_text(rules[1]), "c 1:3 rwm");
  EXPECT_EQ(boxrt::device_rule_text(rules[rules.size() - 2]), "c 10:200 rwm");
  EXPECT_EQ(boxrt::device_rule_text(rules.back()), "c 1:3 w");
  EXPECT_EQ(boxrt::device_rule_text(rule(true, "c", 136, std::nullopt, "")), "c 136:* rwm");
  EXPECT_EQ(boxrt::device_rule_text(rule(true, "b", -1, 0, "m")), "b *:0 m");
  // Only what is allowed is: a deny of everything comes first when the spec has none.
  auto from_allows = boxrt::container_device_rules({rule(true, "c", 10, 200, "rwm")});
  EXPECT_EQ(boxrt::device_rule_text(from_allows.front()), "a");
  EXPECT_FALSE(from_allows.front().allow);
  EXPECT_EQ(boxrt::container_device_rules({}).size(), from_allows.size() - 1);
}

TEST(DeviceFilter, DockerDefaultsAllowTheStandardNodesOnly) {
  std::vector<DeviceRule> spec{deny_all()};
  EXPECT_TRUE(allowed(spec, {'c', 1, 3, "rw"}));    // /dev/null
  EXPECT_TRUE(allowed(spec, {'c', 1, 9, "r"}));     // /dev/urandom
  EXPECT_TRUE(allowed(spec, {'c', 5, 2, "rw"}));    // /dev/ptmx
  EXPECT_TRUE(allowed(spec, {'c', 136, 7, "rw"}));  // /dev/pts/7
  EXPECT_TRUE(allowed(spec, {'b', 8, 0, "m"}));     // mknod is allowed, opening is not
  EXPECT_FALSE(allowed(spec, {'b', 8, 0, "r"}));
  EXPECT_FALSE(allowed(spec, {'b', 8, 0, "rm"}));
  EXPECT_FALSE(allowed(spec, {'c', 10, 200, "rw"}));  // /dev/net/tun
  EXPECT_FALSE(allowed(spec, {'c', 1, 1, "r"}));      // /dev/mem
  EXPECT_FALSE(allowed(spec, {'c', 4, 0, "rw"}));
}

TEST(DeviceFilter, LaterRulesWin) {
  std::vector<DeviceRule> spec{deny_all(), rule(true, "c", 10, 200, "rwm"),
                               rule(false, "c", 1, 3, "w")};
  EXPECT_TRUE(allowed(spec, {'c', 10, 200, "rw"}));
  EXPECT_TRUE(allowed(spec, {'c', 1, 3, "r"}));  // the deny covers writing only
  EXPECT_FALSE(allowed(spec, {'c', 1, 3, "w"}));
  EXPECT_FALSE(allowed(spec, {'c', 1, 3, "rw"}));  // a deny matches any access it covers
  EXPECT_FALSE(allowed(spec, {'c', 10, 201, "r"}));
}

TEST(DeviceFilter, AnAllowMustCoverEveryAccessAskedFor) {
  std::vector<DeviceRule> spec{deny_all(), rule(true, "c", 10, std::nullopt, "r")};
  EXPECT_TRUE(allowed(spec, {'c', 10, 5, "r"}));
  EXPECT_FALSE(allowed(spec, {'c', 10, 5, "rw"}));
  EXPECT_FALSE(allowed(spec, {'b', 10, 5, "r"}));  // a type is a type
  // Without a leading deny of everything, the same: allows never widen past themselves.
  EXPECT_FALSE(allowed({rule(true, "c", 10, std::nullopt, "r")}, {'c', 4, 0, "rw"}));
  EXPECT_FALSE(allowed({}, {'c', 4, 0, "rw"}));
  EXPECT_TRUE(allowed({}, {'c', 1, 3, "rw"}));
}

TEST(DeviceFilter, AllowAllThenTakeBack) {
  std::vector<DeviceRule> spec{rule(true, "a", std::nullopt, std::nullopt, "rwm"),
                               rule(false, "b", std::nullopt, std::nullopt, "rw")};
  EXPECT_TRUE(allowed(spec, {'c', 4, 0, "rw"}));
  EXPECT_TRUE(allowed(spec, {'b', 8, 0, "m"}));
  EXPECT_FALSE(allowed(spec, {'b', 8, 0, "r"}));
}

TEST(DeviceFilter, NothingAfterAnAllDevicesRuleIsUnreachable) {
  // The verifier refuses unreachable code: the program stops at the last "a" rule.
  auto program = boxrt::compile_device_filter({rule(true, "c", 1, 3, "rwm"), deny_all()});
  EXPECT_EQ(program.back().code, BPF_JMP | BPF_EXIT);
  EXPECT_EQ(run(program, {'c', 1, 3, "r"}), 0);
  for (size_t at = 0; at < program.size(); ++at) {
    if (BPF_CLASS(program[at].code) == BPF_JMP && BPF_OP(program[at].code) != BPF_EXIT) {
      EXPECT_LT(at + program[at].off + 1, program.size());
    }
  }
}

TEST(DeviceFilter, BadRulesAreClearErrors) {
  EXPECT_THROW(boxrt::compile_device_filter({rule(true, "x", 1, 3, "rwm")}), boxrt::Error);
  EXPECT_THROW(boxrt::compile_device_filter({rule(true, "c", 1, 3, "rwx")}), boxrt::Error);
}

}  // namespace
