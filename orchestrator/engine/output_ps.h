// `boxcompose ps` output as Docker Compose v2 prints it: the table (NAME IMAGE COMMAND
// SERVICE CREATED STATUS PORTS), `--format json` (one object per line, Docker's keys),
// `-q` and `--services`. Pure functions of the rows and "now".
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/human_time.h"

namespace engine {

enum class ContainerState { Created, Running, Paused, Restarting, Exited, Removing, Dead };

// Docker's State word: "created", "running", "paused", "restarting", "exited", ...
const char* state_name(ContainerState s);

// One published (or only exposed: published_port 0, url "") port, as compose's Publishers.
struct PortPublisher {
  std::string url;  // host IP ("0.0.0.0", "::", "127.0.0.1"), "" when not published
  int target_port = 0;
  int published_port = 0;
  std::string protocol = "tcp";
};

struct PsRow {
  std::string id;  // full id; the table and JSON show its first 12 characters
  std::string name;
  std::string image;
  std::vector<std::string> command;  // entrypoint + command, as run
  std::string project;
  std::string service;
  WallTime created{};
  ContainerState state = ContainerState::Created;
  int exit_code = 0;
  WallTime started{};   // epoch (zero) when never started
  WallTime finished{};  // epoch (zero) when never stopped
  std::string health;   // "", "starting", "healthy", "unhealthy"
  int restart_count = 0;  // restarts by the restart policy
  // The PORTS column; when empty it is computed from `publishers` (displayable_ports).
  std::string ports;
  std::vector<PortPublisher> publishers;
  std::map<std::string, std::string> labels;
  std::vector<std::string> networks;
  std::vector<std::string> mounts;
  int local_volumes = 0;
};

struct PsOptions {
  bool trunc = true;  // false with --no-trunc
};

// Docker's Command field: path and args joined by spaces, an arg holding a space quoted
// with single quotes ("sh -c 'sleep 1000'").
std::string docker_command(const std::vector<std::string>& argv);
// The COMMAND column: truncated to 20 characters with "…" (unless !trunc), then Go-quoted.
std::string ps_command(const std::vector<std::string>& argv, bool trunc = true);
// "Up 3 seconds", "Up 2 minutes (healthy)", "Up 5 hours (Paused)", "Exited (1) 2 minutes
// ago", "Restarting (1) 5 seconds ago", "Created", as the Docker daemon words State.
std::string ps_status(const PsRow& row, WallTime now);
// "3 minutes ago".
std::string ps_running_for(const PsRow& row, WallTime now);
// Docker CLI's DisplayablePorts: "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp, 9000-9001/tcp".
std::string displayable_ports(std::vector<PortPublisher> ports);

// Each function sorts the rows by name first, as compose does; each returns whole lines.
std::string ps_table(std::vector<PsRow> rows, WallTime now, const PsOptions& opts = {});
std::string ps_json(std::vector<PsRow> rows, WallTime now, const PsOptions& opts = {});
std::string ps_quiet(std::vector<PsRow> rows);     // -q: one full id a line
std::string ps_services(std::vector<PsRow> rows);  // --services: each service once

// text/tabwriter as docker's formatter uses it (minwidth 10, padding 3, spaces): every
// cell but the last of a row padded to its column's width. Widths count code points.
std::string tabwrite(const std::vector<std::vector<std::string>>& rows);

}  // namespace engine
