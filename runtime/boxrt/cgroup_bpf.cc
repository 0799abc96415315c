#include "boxrt/cgroup_bpf.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "boxrt/error.h"
#include "boxrt/os_error.h"

namespace boxrt {
namespace {

long bpf(int cmd, bpf_attr& attr) {
  return syscall(SYS_bpf, cmd, &attr, sizeof attr);
}

uint64_t pointer(const void* p) {
  return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p));
}

long load(const std::vector<bpf_insn>& program, char* log, uint32_t log_size) {
  static const char kLicense[] = "Apache-2.0";
  bpf_attr attr{};
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = pointer(program.data());
  attr.insn_cnt = static_cast<uint32_t>(program.size());
  attr.license = pointer(kLicense);
  static_assert(sizeof kDeviceProgramName <= sizeof attr.prog_name);
  std::memcpy(attr.prog_name, kDeviceProgramName, sizeof kDeviceProgramName);
  if (log) {
    attr.log_buf = pointer(log);
    attr.log_size = log_size;
    attr.log_level = 1;
  }
  return bpf(BPF_PROG_LOAD, attr);
}

}  // namespace

UniqueFd load_device_program(const std::vector<bpf_insn>& program) {
  long fd = load(program, nullptr, 0);
  if (fd >= 0) return UniqueFd(static_cast<int>(fd));
  int err = errno;
  if (err != EINVAL && err != EACCES) throw os_error("load", "the cgroup device program", err);
  // Only a program the verifier refused is loaded again, to say why.
  std::string log(1 << 16, '\0');
  fd = load(program, log.data(), static_cast<uint32_t>(log.size()));
  if (fd >= 0) return UniqueFd(static_cast<int>(fd));
  err = errno;
  log.resize(strnlen(log.c_str(), log.size()));
  throw Error("load the cgroup device program: " + errno_name(err) + ": " + log, err);
}

std::string program_name(uint32_t program_id) {
  bpf_attr by_id{};
  by_id.prog_id = program_id;
  long fd = bpf(BPF_PROG_GET_FD_BY_ID, by_id);
  if (fd < 0) return "";
  UniqueFd program(static_cast<int>(fd));
  bpf_prog_info info{};
  bpf_attr attr{};
  attr.info.bpf_fd = static_cast<uint32_t>(program.get());
  attr.info.info_len = sizeof info;
  attr.info.info = pointer(&info);
  if (bpf(BPF_OBJ_GET_INFO_BY_FD, attr) < 0) return "";
  return std::string(info.name, strnlen(info.name, sizeof info.name));
}

std::vector<uint32_t> attached_device_programs(int cgroup_fd, const std::string& cgroup_dir) {
  std::vector<uint32_t> ids(64);  // the kernel's most per cgroup and type (BPF_CGROUP_MAX_PROGS)
  bpf_attr attr{};
  attr.query.target_fd = static_cast<uint32_t>(cgroup_fd);
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = pointer(ids.data());
  attr.query.prog_cnt = static_cast<uint32_t>(ids.size());
  check_os(bpf(BPF_PROG_QUERY, attr), "query the device programs of", cgroup_dir);
  ids.resize(attr.query.prog_cnt);
  return ids;
}

void attach_device_program(int cgroup_fd, int program_fd, const std::string& cgroup_dir) {
  bpf_attr attr{};
  attr.target_fd = static_cast<uint32_t>(cgroup_fd);
  attr.attach_bpf_fd = static_cast<uint32_t>(program_fd);
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  check_os(bpf(BPF_PROG_ATTACH, attr), "attach a device program to", cgroup_dir);
}

void detach_device_program(int cgroup_fd, uint32_t program_id, const std::string& cgroup_dir) {
  bpf_attr by_id{};
  by_id.prog_id = program_id;
  long fd = bpf(BPF_PROG_GET_FD_BY_ID, by_id);
  if (fd < 0 && errno == ENOENT) return;
  UniqueFd program(static_cast<int>(check_os(fd, "open the device program of", cgroup_dir)));
  bpf_attr attr{};
  attr.target_fd = static_cast<uint32_t>(cgroup_fd);
  attr.attach_bpf_fd = static_cast<uint32_t>(program.get());
  attr.attach_type = BPF_CGROUP_DEVICE;
  if (bpf(BPF_PROG_DETACH, attr) < 0 && errno != ENOENT)
    throw os_error("detach a device program from", cgroup_dir, errno);
}

}  // namespace boxrt
