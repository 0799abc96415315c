#include "boxrt/seccomp.h"

#include <sched.h>
#include <seccomp.h>

#include <cerrno>
#include <memory>

#include "boxrt/error.h"
#include "boxrt/os_error.h"

namespace boxrt {
namespace {

using Ctx = std::unique_ptr<void, void (*)(scmp_filter_ctx)>;

uint32_t parse_action(const std::string& name, std::optional<unsigned> errno_ret) {
  if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(errno_ret.value_or(EPERM));
  if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
  if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (name == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(errno_ret.value_or(EPERM));
  if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  throw Error("seccomp: unknown action \"" + name + "\"");
}

scmp_compare parse_op(const std::string& op) {
  if (op == "SCMP_CMP_NE") return SCMP_CMP_NE;
  if (op == "SCMP_CMP_LT") return SCMP_CMP_LT;
  if (op == "SCMP_CMP_LE") return SCMP_CMP_LE;
  if (op == "SCMP_CMP_EQ") return SCMP_CMP_EQ;
  if (op == "SCMP_CMP_GE") return SCMP_CMP_GE;
  if (op == "SCMP_CMP_GT") return SCMP_CMP_GT;
  if (op == "SCMP_CMP_MASKED_EQ") return SCMP_CMP_MASKED_EQ;
  throw Error("seccomp: unknown operator \"" + op + "\"");
}

uint32_t parse_arch(const std::string& name) {
  // OCI names are "SCMP_ARCH_X86_64"; libseccomp resolves "x86_64".
  std::string lower;
  for (char c : name.substr(name.rfind("SCMP_ARCH_", 0) == 0 ? 10 : 0))
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  uint32_t arch = seccomp_arch_resolve_name(lower.c_str());
  if (arch == 0) throw Error("seccomp: unknown architecture \"" + name + "\"");
  return arch;
}

void add_rule(scmp_filter_ctx ctx, const SeccompSyscall& sc, const std::string& name) {
  int nr = seccomp_syscall_resolve_name(name.c_str());
  if (nr == __NR_SCMP_ERROR) return;
  uint32_t action = parse_action(sc.action, sc.errno_ret);
  std::vector<scmp_arg_cmp> cmps;
  for (const auto& a : sc.args)
    cmps.push_back({a.index, parse_op(a.op), a.value, a.value_two});
  int rc = seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(cmps.size()),
                                  cmps.empty() ? nullptr : cmps.data());
  // Adding a rule equal to the default action is refused by libseccomp; it is a no-op.
  if (rc == -EACCES || rc == -EEXIST) return;
  if (rc < 0) throw os_error("seccomp: add rule for", name, -rc);
}

// linux.seccomp.flags (seccomp(2)'s SECCOMP_FILTER_FLAG_*) -> libseccomp's attribute.
scmp_filter_attr parse_flag(const std::string& flag) {
  if (flag == "SECCOMP_FILTER_FLAG_TSYNC") return SCMP_FLTATR_CTL_TSYNC;
  if (flag == "SECCOMP_FILTER_FLAG_LOG") return SCMP_FLTATR_CTL_LOG;
  if (flag == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") return SCMP_FLTATR_CTL_SSB;
  throw Error("seccomp: unsupported flag \"" + flag +
              "\" (known: SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, "
              "SECCOMP_FILTER_FLAG_SPEC_ALLOW)");
}

SeccompSyscall deny(std::vector<std::string> names) {
  return {std::move(names), "SCMP_ACT_ERRNO", EPERM, {}};
}

}  // namespace

Seccomp default_seccomp_profile() {
  Seccomp s;
  s.default_action = "SCMP_ACT_ALLOW";
  s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
  s.syscalls.push_back(deny({"acct",
                             "add_key",
                             "bpf",
                             "clock_adjtime",
                             "clock_settime",
                             "create_module",
                             "delete_module",
                             "finit_module",
                             "fsconfig",
                             "fsmount",
                             "fsopen",
                             "fspick",
                             "get_kernel_syms",
                             "get_mempolicy",
                             "init_module",
                             "io_uring_enter",
                             "io_uring_register",
                             "io_uring_setup",
                             "ioperm",
                             "iopl",
                             "kcmp",
                             "kexec_file_load",
                             "kexec_load",
                             "keyctl",
                             "lookup_dcookie",
                             "mbind",
                             "mount",
                             "mount_setattr",
                             "move_mount",
                             "move_pages",
                             "name_to_handle_at",
                             "nfsservctl",
                             "open_by_handle_at",
                             "open_tree",
                             "perf_event_open",
                             "personality",
                             "pivot_root",
                             "process_vm_readv",
                             "process_vm_writev",
                             "ptrace",
                             "query_module",
                             "quotactl",
                             "reboot",
                             "request_key",
                             "set_mempolicy",
                             "setns",
                             "settimeofday",
                             "stime",
                             "swapoff",
                             "swapon",
                             "sysfs",
                             "_sysctl",
                             "umount",
                             "umount2",
                             "unshare",
                             "uselib",
                             "userfaultfd",
                             "ustat",
                             "vm86",
                             "vm86old",
                             "syslog"}));
  // clone with any namespace flag: one rule per flag, (flags & bit) == bit.
  for (uint64_t bit : {CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID,
                       CLONE_NEWNET, CLONE_NEWCGROUP}) {
    SeccompSyscall c = deny({"clone"});
    c.args.push_back({0, bit, bit, "SCMP_CMP_MASKED_EQ"});
    s.syscalls.push_back(c);
  }
  s.syscalls.push_back({{"clone3"}, "SCMP_ACT_ERRNO", ENOSYS, {}});
  return s;
}

void validate_seccomp(const Seccomp& profile) {
  parse_action(profile.default_action, profile.default_errno_ret);
  for (const auto& a : profile.architectures)
    parse_arch(a);
  for (const auto& f : profile.flags)
    parse_flag(f);
  for (const auto& sc : profile.syscalls) {
    parse_action(sc.action, sc.errno_ret);
    for (const auto& a : sc.args) {
      parse_op(a.op);
      if (a.index > 5) throw Error("seccomp: argument index " + std::to_string(a.index) + " > 5");
    }
  }
}

void load_seccomp(const Seccomp& profile) {
  Ctx ctx(seccomp_init(parse_action(profile.default_action, profile.default_errno_ret)),
          seccomp_release);
  if (!ctx) throw Error("seccomp: seccomp_init failed");
  for (const auto& a : profile.architectures) {
    int rc = seccomp_arch_add(ctx.get(), parse_arch(a));
    if (rc < 0 && rc != -EEXIST) throw os_error("seccomp: add architecture", a, -rc);
  }
  for (const auto& sc : profile.syscalls)
    for (const auto& name : sc.names)
      add_rule(ctx.get(), sc, name);
  // no_new_privs is the process's own decision (process.noNewPrivileges), not libseccomp's.
  seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0);
  for (const auto& f : profile.flags) {
    int rc = seccomp_attr_set(ctx.get(), parse_flag(f), 1);
    if (rc < 0) throw os_error("seccomp: set flag", f, -rc);
  }
  int rc = seccomp_load(ctx.get());
  if (rc < 0) throw os_error("seccomp: load filter", "", -rc);
}

}  // namespace boxrt
