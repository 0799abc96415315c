#include "boxrt/device_filter.h"

#include <fcntl.h>

#include "boxrt/cgroup_bpf.h"
#include "boxrt/device_rules.h"
#include "boxrt/error.h"
#include "boxrt/os_error.h"

namespace boxrt {
namespace {

// Registers once the context has been read (r1 holds the context until then, and is
// scratch after).
constexpr uint8_t kScratch = BPF_REG_1, kType = BPF_REG_2, kAccess = BPF_REG_3, kMajor = BPF_REG_4,
                  kMinor = BPF_REG_5;
constexpr int32_t kAllAccess = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
// A jump whose offset is patched to the end of its rule's block.
constexpr int16_t kToNextRule = -1;

bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  bpf_insn i{};
  i.code = code;
  i.dst_reg = dst;
  i.src_reg = src;
  i.off = off;
  i.imm = imm;
  return i;
}
bpf_insn load_ctx_u32(uint8_t dst, int16_t offset) {
  return insn(BPF_LDX | BPF_MEM | BPF_W, dst, BPF_REG_1, offset, 0);
}
bpf_insn alu(uint8_t op, uint8_t dst, int32_t imm) {
  return insn(BPF_ALU64 | op | BPF_K, dst, 0, 0, imm);
}
bpf_insn copy(uint8_t dst, uint8_t src) {
  return insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
}
bpf_insn skip_rule_unless(uint8_t op_that_skips, uint8_t reg, int32_t imm) {
  return insn(BPF_JMP | op_that_skips | BPF_K, reg, 0, kToNextRule, imm);
}
std::vector<bpf_insn> return_value(int32_t value) {
  return {alu(BPF_MOV, BPF_REG_0, value), insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)};
}

int32_t access_bits(const std::string& access) {
  if (access.empty()) return kAllAccess;
  int32_t bits = 0;
  for (char c : access) {
    if (c == 'r')
      bits |= BPF_DEVCG_ACC_READ;
    else if (c == 'w')
      bits |= BPF_DEVCG_ACC_WRITE;
    else if (c == 'm')
      bits |= BPF_DEVCG_ACC_MKNOD;
    else
      throw Error("linux.resources.devices: access \"" + access + "\" is not a mix of r, w and m");
  }
  return bits;
}

int32_t device_type(const std::string& type) {
  if (type == "c") return BPF_DEVCG_DEV_CHAR;
  if (type == "b") return BPF_DEVCG_DEV_BLOCK;
  throw Error("linux.resources.devices: type \"" + type + "\" is not a, b or c");
}

// Context: struct bpf_cgroup_dev_ctx { u32 access_type (access << 16 | type); u32 major;
// u32 minor; }.
std::vector<bpf_insn> read_context() {
  return {load_ctx_u32(kType, 0),    alu(BPF_AND, kType, 0xffff), load_ctx_u32(kAccess, 0),
          alu(BPF_RSH, kAccess, 16), load_ctx_u32(kMajor, 4),     load_ctx_u32(kMinor, 8)};
}

// The checks of one rule: every failing check jumps past the rule's return.
std::vector<bpf_insn> rule_checks(const DeviceRule& rule) {
  std::vector<bpf_insn> out;
  if (all_devices(rule)) return out;
  out.push_back(skip_rule_unless(BPF_JNE, kType, device_type(rule.type)));
  int32_t bits = access_bits(rule.access);
  if (bits != kAllAccess) {
    out.push_back(copy(kScratch, kAccess));
    if (rule.allow) {  // skip when something asked for is not covered
      out.push_back(alu(BPF_AND, kScratch, kAllAccess & ~bits));
      out.push_back(skip_rule_unless(BPF_JNE, kScratch, 0));
    } else {  // skip when nothing asked for is covered
      out.push_back(alu(BPF_AND, kScratch, bits));
      out.push_back(skip_rule_unless(BPF_JEQ, kScratch, 0));
    }
  }
  if (rule.major && *rule.major >= 0)
    out.push_back(skip_rule_unless(BPF_JNE, kMajor, static_cast<int32_t>(*rule.major)));
  if (rule.minor && *rule.minor >= 0)
    out.push_back(skip_rule_unless(BPF_JNE, kMinor, static_cast<int32_t>(*rule.minor)));
  return out;
}

// The rule's checks, then its verdict; jumps land just after the block.
std::vector<bpf_insn> rule_block(const DeviceRule& rule) {
  std::vector<bpf_insn> block = rule_checks(rule);
  for (auto& i : return_value(rule.allow ? 1 : 0))
    block.push_back(i);
  for (size_t at = 0; at < block.size(); ++at)
    if (BPF_CLASS(block[at].code) == BPF_JMP && block[at].off == kToNextRule)
      block[at].off = static_cast<int16_t>(block.size() - at - 1);
  return block;
}

}  // namespace

std::vector<bpf_insn> compile_device_filter(const std::vector<DeviceRule>& rules) {
  std::vector<bpf_insn> program = read_context();
  // Last rule first: the first match returns. An all-devices rule always matches, so
  // nothing before it could be reached (and the verifier refuses unreachable code).
  for (auto rule = rules.rbegin(); rule != rules.rend(); ++rule) {
    auto block = rule_block(*rule);
    program.insert(program.end(), block.begin(), block.end());
    if (all_devices(*rule)) return program;
  }
  for (auto& i : return_value(0))
    program.push_back(i);
  return program;
}

void install_device_filter(const std::string& cgroup_dir, const std::vector<bpf_insn>& program) {
  UniqueFd cgroup(open(cgroup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!cgroup) throw os_error("open", cgroup_dir, errno);
  UniqueFd loaded = load_device_program(program);
  std::vector<uint32_t> replaced;
  for (uint32_t id : attached_device_programs(cgroup.get(), cgroup_dir))
    if (program_name(id) == kDeviceProgramName) replaced.push_back(id);
  attach_device_program(cgroup.get(), loaded.get(), cgroup_dir);
  for (uint32_t id : replaced)
    detach_device_program(cgroup.get(), id, cgroup_dir);
}

}  // namespace boxrt
