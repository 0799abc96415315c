// Dockerfile instructions that change an image's config without running anything: what
// `docker import --change` and `docker commit --change` accept (CMD, ENTRYPOINT, ENV,
// EXPOSE, HEALTHCHECK, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR), with Docker's meaning.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "boximg/image_config.h"

namespace image {

// Applies instructions to one config in order, remembering what a Dockerfile build
// remembers between them (whether CMD was set, which ENTRYPOINT then keeps).
class ConfigEditor {
 public:
  explicit ConfigEditor(ImageConfig& config) : config_(config) {}

  // One instruction line, e.g. `ENV PATH=/usr/bin:/bin`. Throws Error naming the
  // instruction when it is unknown, not a config change, or malformed.
  void apply(std::string_view line);

 private:
  void apply(const std::string& keyword, std::string_view args);
  void env(std::string_view args);
  void label(std::string_view args);
  void expose(std::string_view args);
  void volume(std::string_view args);
  void workdir(std::string_view args);
  void healthcheck(std::string_view args);

  ImageConfig& config_;
  bool cmd_set_ = false;
};

// Applies each of `changes` to `config`; an error names the change that failed.
void apply_changes(ImageConfig& config, const std::vector<std::string>& changes);

// CMD/ENTRYPOINT arguments: a JSON array of strings (exec form) or a command line that
// runs as ["/bin/sh", "-c", line] (shell form), as Docker does on Linux.
std::vector<std::string> parse_command(std::string_view args);

// name=value pairs (or the legacy `NAME value with spaces`), quotes removed and variables
// expanded from `env` as they were before the instruction.
std::vector<std::pair<std::string, std::string>> parse_key_values(
    std::string_view args, const std::vector<std::string>& env, std::string_view keyword);

// A Go duration ("30s", "1m30s", "250ms", "1.5h") in nanoseconds.
std::int64_t parse_go_duration(std::string_view text);

// EXPOSE's "80", "80/udp", "8000-8002/tcp" as normalized "port/proto" keys.
std::vector<std::string> parse_exposed_ports(std::string_view spec);

}  // namespace image
