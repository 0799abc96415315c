// linux.resources.blockIO's four throttle lists in one table, so that config.json parsing
// and writing and both cgroup backends walk the same list and cannot drift apart.
#pragma once

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "boxrt/error.h"
#include "boxrt/spec.h"

namespace boxrt {

struct BlockIoThrottle {
  const char* oci_field;   // the config.json key: "throttleReadBpsDevice"
  const char* v1_file;     // its blkio controller file
  const char* io_max_key;  // its key in cgroup v2's io.max
  std::vector<ThrottleDevice> BlockIoResources::*devices;
};

inline constexpr BlockIoThrottle kBlockIoThrottles[] = {
    {"throttleReadBpsDevice", "blkio.throttle.read_bps_device", "rbps",
     &BlockIoResources::throttle_read_bps_device},
    {"throttleWriteBpsDevice", "blkio.throttle.write_bps_device", "wbps",
     &BlockIoResources::throttle_write_bps_device},
    {"throttleReadIOPSDevice", "blkio.throttle.read_iops_device", "riops",
     &BlockIoResources::throttle_read_iops_device},
    {"throttleWriteIOPSDevice", "blkio.throttle.write_iops_device", "wiops",
     &BlockIoResources::throttle_write_iops_device},
};

// A weight of 0 is no weight, as runc reads it (the kernel would refuse it).
inline bool has_weight(const std::optional<uint16_t>& weight) {
  return weight && *weight != 0;
}

// "8:0": how every blkio and io file names a device.
inline std::string device_number(int64_t major, int64_t minor) {
  return std::to_string(major) + ":" + std::to_string(minor);
}

// The kernel refuses a bad device line with a bare errno (ENODEV: no such disk, or a
// partition); `e` is that refusal, `field` the blockIO entry it came from. A weight for a
// disk that BFQ does not schedule gets EOPNOTSUPP, which says least of all: explain it.
inline Error device_line_error(const Error& e, const std::string& field) {
  std::string message = "linux.resources.blockIO." + field + ": " + e.what();
  if (e.code() == EOPNOTSUPP) message += " (per-device weights need the disk to use BFQ)";
  return Error(message, e.code());
}

}  // namespace boxrt
