#include "engine/output_ps.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <tuple>

namespace engine {

namespace {

size_t code_points(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// docker/cli's formatter.Ellipsis for text of one column per code point: at most `max`
// code points, the last one "…" when cut.
std::string ellipsis(const std::string& s, size_t max) {
  if (code_points(s) <= max) return s;
  size_t keep = max - 1, n = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (n == keep) break;
      ++n;
    }
  }
  return s.substr(0, i) + "…";
}

// Go's strconv.Quote for the text Docker puts there: quotes, backslashes and control
// characters escaped, printable UTF-8 kept as is.
std::string go_quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string short_id(const std::string& id, bool trunc) {
  return trunc && id.size() > 12 ? id.substr(0, 12) : id;
}

// Go's net.JoinHostPort(ip, "") : "0.0.0.0:" or "[::]:".
std::string host_prefix(const std::string& ip) {
  return ip.find(':') != std::string::npos ? "[" + ip + "]:" : ip + ":";
}

std::string port_group(const std::string& ip, const std::string& proto, int first, int last) {
  std::string group = std::to_string(first);
  if (first != last) group += "-" + std::to_string(last);
  if (!ip.empty()) group = host_prefix(ip) + group + "->" + group;
  return group + "/" + proto;
}

void sort_by_name(std::vector<PsRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(),
                   [](const PsRow& a, const PsRow& b) { return a.name < b.name; });
}

std::string ports_of(const PsRow& row) {
  return row.ports.empty() ? displayable_ports(row.publishers) : row.ports;
}

}  // namespace

const char* state_name(ContainerState s) {
  switch (s) {
    case ContainerState::Created:
      return "created";
    case ContainerState::Running:
      return "running";
    case ContainerState::Paused:
      return "paused";
    case ContainerState::Restarting:
      return "restarting";
    case ContainerState::Exited:
      return "exited";
    case ContainerState::Removing:
      return "removing";
    case ContainerState::Dead:
      return "dead";
  }
  return "unknown";
}

std::string docker_command(const std::vector<std::string>& argv) {
  std::string out;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (i) out += ' ';
    bool quote = i > 0 && argv[i].find(' ') != std::string::npos;
    out += quote ? "'" + argv[i] + "'" : argv[i];
  }
  return out;
}

std::string ps_command(const std::vector<std::string>& argv, bool trunc) {
  std::string command = docker_command(argv);
  return go_quote(trunc ? ellipsis(command, 20) : command);
}

std::string ps_status(const PsRow& row, WallTime now) {
  auto since = [&](WallTime t) { return human_duration(now - t); };
  switch (row.state) {
    case ContainerState::Running:
      if (!row.health.empty()) {
        std::string health = row.health == "starting" ? "health: starting" : row.health;
        return "Up " + since(row.started) + " (" + health + ")";
      }
      return "Up " + since(row.started);
    case ContainerState::Paused:
      return "Up " + since(row.started) + " (Paused)";
    case ContainerState::Restarting:
      return "Restarting (" + std::to_string(row.exit_code) + ") " + since(row.finished) + " ago";
    case ContainerState::Removing:
      return "Removal In Progress";
    case ContainerState::Dead:
      return "Dead";
    case ContainerState::Created:
    case ContainerState::Exited:
      break;
  }
  if (row.started == WallTime{}) return "Created";
  if (row.finished == WallTime{}) return "";
  return "Exited (" + std::to_string(row.exit_code) + ") " + since(row.finished) + " ago";
}

std::string ps_running_for(const PsRow& row, WallTime now) {
  return human_duration(now - row.created) + " ago";
}

std::string displayable_ports(std::vector<PortPublisher> ports) {
  std::sort(ports.begin(), ports.end(), [](const PortPublisher& a, const PortPublisher& b) {
    return std::tie(a.target_port, a.url, a.published_port, a.protocol) <
           std::tie(b.target_port, b.url, b.published_port, b.protocol);
  });
  struct Group {
    std::string ip, proto;
    int first, last;
  };
  std::vector<Group> open;  // in the order their keys first appeared
  std::vector<std::string> result, host_mappings;
  for (const auto& p : ports) {
    std::string ip;
    if (!p.url.empty()) {
      if (p.published_port != p.target_port) {
        host_mappings.push_back(host_prefix(p.url) + std::to_string(p.published_port) + "->" +
                                std::to_string(p.target_port) + "/" + p.protocol);
        continue;
      }
      ip = p.url;
    }
    auto g = std::find_if(open.begin(), open.end(),
                          [&](const Group& g) { return g.ip == ip && g.proto == p.protocol; });
    if (g == open.end()) {
      open.push_back({ip, p.protocol, p.target_port, p.target_port});
    } else if (p.target_port == g->last + 1) {
      g->last = p.target_port;
    } else {
      result.push_back(port_group(g->ip, g->proto, g->first, g->last));
      g->first = g->last = p.target_port;
    }
  }
  for (const auto& g : open)
    result.push_back(port_group(g.ip, g.proto, g.first, g.last));
  result.insert(result.end(), host_mappings.begin(), host_mappings.end());
  return join(result, ", ");
}

std::string tabwrite(const std::vector<std::vector<std::string>>& rows) {
  constexpr size_t kMinWidth = 10, kPadding = 3;
  std::vector<size_t> widths;
  for (const auto& row : rows)
    for (size_t i = 0; i + 1 < row.size(); ++i) {
      if (widths.size() <= i) widths.resize(i + 1, kMinWidth);
      widths[i] = std::max(widths[i], code_points(row[i]) + kPadding);
    }
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out.append(widths[i] - code_points(row[i]), ' ');
    }
    out += '\n';
  }
  return out;
}

std::string ps_table(std::vector<PsRow> rows, WallTime now, const PsOptions& opts) {
  sort_by_name(rows);
  std::vector<std::vector<std::string>> cells = {
      {"NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"}};
  for (const auto& r : rows)
    cells.push_back({r.name, r.image, ps_command(r.command, opts.trunc), r.service,
                     ps_running_for(r, now), ps_status(r, now), ports_of(r)});
  return tabwrite(cells);
}

std::string ps_json(std::vector<PsRow> rows, WallTime now, const PsOptions& opts) {
  sort_by_name(rows);
  std::string out;
  for (const auto& r : rows) {
    std::vector<std::string> labels, mounts;
    for (const auto& [k, v] : r.labels)
      labels.push_back(k + "=" + v);
    for (const auto& m : r.mounts)
      mounts.push_back(opts.trunc ? ellipsis(m, 15) : m);
    auto publishers = nlohmann::ordered_json::array();
    auto sorted = r.publishers;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.target_port < b.target_port; });
    for (const auto& p : sorted)
      publishers.push_back({{"URL", p.url},
                            {"TargetPort", p.target_port},
                            {"PublishedPort", p.published_port},
                            {"Protocol", p.protocol}});
    bool running = r.state == ContainerState::Running;
    bool stopped = r.state == ContainerState::Exited || r.state == ContainerState::Dead;
    // Keys in Go's order for a marshalled map: sorted.
    nlohmann::ordered_json j = {
        {"Command", ps_command(r.command, opts.trunc)},
        {"CreatedAt", go_time_string(r.created)},
        {"ExitCode", stopped ? r.exit_code : 0},
        {"Health", running ? r.health : ""},
        {"ID", short_id(r.id, opts.trunc)},
        {"Image", r.image},
        {"Labels", join(labels, ",")},
        {"LocalVolumes", std::to_string(r.local_volumes)},
        {"Mounts", join(mounts, ",")},
        {"Name", r.name},
        {"Names", r.name},
        {"Networks", join(r.networks, ",")},
        {"Ports", ports_of(r)},
        {"Project", r.project},
        {"Publishers", publishers},
        {"RestartCount", r.restart_count},
        {"RunningFor", ps_running_for(r, now)},
        {"Service", r.service},
        {"Size", "0B"},
        {"State", state_name(r.state)},
        {"Status", ps_status(r, now)},
    };
    out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  return out;
}

std::string ps_quiet(std::vector<PsRow> rows) {
  sort_by_name(rows);
  std::string out;
  for (const auto& r : rows)
    out += r.id + "\n";
  return out;
}

std::string ps_services(std::vector<PsRow> rows) {
  sort_by_name(rows);
  std::vector<std::string> services;
  for (const auto& r : rows)
    if (std::find(services.begin(), services.end(), r.service) == services.end())
      services.push_back(r.service);
  // compose prints the joined names then a newline, so no rows still print an empty line.
  return join(services, "\n") + "\n";
}

}  // namespace engine
