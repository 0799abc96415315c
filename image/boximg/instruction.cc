#include "boximg/instruction.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "boximg/error.h"
#include "boximg/shell_lexer.h"

namespace image {
namespace {

constexpr std::int64_t kMinHealthDuration = 1'000'000;  // Docker's 1ms floor

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The exec form, when `args` is a JSON array of strings.
std::optional<std::vector<std::string>> json_string_array(std::string_view args) {
  if (args.empty() || args.front() != '[') return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(args, nullptr, false);
  if (!j.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& item : j) {
    if (!item.is_string()) return std::nullopt;
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::string clean_path(const std::string& path) {
  std::string clean = std::filesystem::path(path).lexically_normal().string();
  while (clean.size() > 1 && clean.back() == '/')
    clean.pop_back();
  return clean;
}

int parse_port(std::string_view s, std::string_view spec) {
  int port = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
  if (ec != std::errc() || end != s.data() + s.size() || port < 1 || port > 65535)
    throw Error("invalid port \"" + std::string(spec) + "\" (want 1-65535[/tcp|udp|sctp])");
  return port;
}

// "--name=value" flags in front of HEALTHCHECK's type; `args` is left after them.
std::vector<std::pair<std::string, std::string>> take_flags(std::string_view& args) {
  std::vector<std::pair<std::string, std::string>> flags;
  while (args.substr(0, 2) == "--") {
    std::size_t end = std::min(args.size(), args.find_first_of(" \t"));
    std::string_view flag = args.substr(2, end - 2);
    std::size_t eq = flag.find('=');
    if (eq == std::string_view::npos) throw Error("flag --" + std::string(flag) + " needs =VALUE");
    flags.emplace_back(std::string(flag.substr(0, eq)), std::string(flag.substr(eq + 1)));
    args = trim(args.substr(end));
  }
  return flags;
}

std::int64_t health_duration(const std::string& flag, const std::string& value) {
  std::int64_t ns = parse_go_duration(value);
  if (ns != 0 && ns < kMinHealthDuration)
    throw Error("HEALTHCHECK --" + flag + " cannot be less than 1ms");
  return ns;
}

void set_health_flag(HealthConfig& h, const std::string& name, const std::string& value) {
  if (name == "interval")
    h.interval_ns = health_duration(name, value);
  else if (name == "timeout")
    h.timeout_ns = health_duration(name, value);
  else if (name == "start-period")
    h.start_period_ns = health_duration(name, value);
  else if (name == "start-interval")
    h.start_interval_ns = health_duration(name, value);
  else if (name == "retries") {
    int n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || end != value.data() + value.size() || n < 0)
      throw Error("HEALTHCHECK --retries must be a number >= 0, not \"" + value + "\"");
    h.retries = n;
  } else {
    throw Error("HEALTHCHECK: unknown flag --" + name);
  }
}

}  // namespace

std::vector<std::string> parse_command(std::string_view args) {
  args = trim(args);
  if (auto exec = json_string_array(args)) return *exec;
  if (args.empty()) throw Error("needs a command (JSON array or command line)");
  return {"/bin/sh", "-c", std::string(args)};
}

std::vector<std::pair<std::string, std::string>> parse_key_values(
    std::string_view args, const std::vector<std::string>& env, std::string_view keyword) {
  args = trim(args);
  std::vector<std::string> words = split_raw_words(args);
  if (words.empty()) throw Error(std::string(keyword) + " requires at least one argument");
  std::vector<std::pair<std::string, std::string>> out;
  if (words.front().find('=') == std::string::npos) {
    // Legacy `KEY name value with spaces`: the value is the rest of the line.
    std::size_t space = args.find_first_of(" \t");
    if (space == std::string_view::npos)
      throw Error(std::string(keyword) + " must have two arguments");
    out.emplace_back(expand_word(args.substr(0, space), env),
                     expand_word(trim(args.substr(space)), env));
  } else {
    for (const auto& word : words) {
      std::size_t eq = word.find('=');
      if (eq == std::string::npos)
        throw Error("Syntax error - can't find = in \"" + word +
                    "\". Must be of the form: name=value");
      out.emplace_back(expand_word(word.substr(0, eq), env), expand_word(word.substr(eq + 1), env));
    }
  }
  for (const auto& [key, value] : out)
    if (key.empty()) throw Error(std::string(keyword) + " names can not be blank");
  return out;
}

std::int64_t parse_go_duration(std::string_view text) {
  const std::string original(text);
  auto invalid = [&] {
    return Error("invalid duration \"" + original + "\" (e.g. 30s, 1m30s, 250ms)");
  };
  bool negative = !text.empty() && text.front() == '-';
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  if (text == "0") return 0;
  if (text.empty()) throw invalid();
  static const std::pair<std::string_view, double> kUnits[] = {
      {"ns", 1},   {"us", 1e3}, {"\xC2\xB5s", 1e3}, {"\xCE\xBCs", 1e3},
      {"ms", 1e6}, {"s", 1e9},  {"m", 60e9},        {"h", 3600e9}};
  long double total = 0;
  while (!text.empty()) {
    std::size_t n = 0;
    while (n < text.size() && (std::isdigit(static_cast<unsigned char>(text[n])) || text[n] == '.'))
      ++n;
    if (n == 0 || std::count(text.begin(), text.begin() + n, '.') > 1 || text.substr(0, n) == ".")
      throw invalid();
    long double number = std::stold(std::string(text.substr(0, n)));
    text.remove_prefix(n);
    std::size_t u = 0;
    while (u < text.size() && !std::isdigit(static_cast<unsigned char>(text[u])) && text[u] != '.')
      ++u;
    auto unit = std::find_if(std::begin(kUnits), std::end(kUnits),
                             [&](const auto& p) { return p.first == text.substr(0, u); });
    if (unit == std::end(kUnits)) throw invalid();
    total += number * unit->second;
    text.remove_prefix(u);
  }
  if (total > 9.2e18L) throw invalid();
  auto ns = static_cast<std::int64_t>(total);
  return negative ? -ns : ns;
}

std::vector<std::string> parse_exposed_ports(std::string_view spec) {
  std::string_view ports = spec;
  std::string proto = "tcp";
  if (std::size_t slash = spec.find('/'); slash != std::string_view::npos) {
    ports = spec.substr(0, slash);
    proto = spec.substr(slash + 1);
    for (char& c : proto)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (proto != "tcp" && proto != "udp" && proto != "sctp")
      throw Error("invalid protocol in \"" + std::string(spec) + "\" (tcp, udp or sctp)");
  }
  std::size_t dash = ports.find('-');
  int first = parse_port(ports.substr(0, dash), spec);
  int last = dash == std::string_view::npos ? first : parse_port(ports.substr(dash + 1), spec);
  if (last < first) throw Error("invalid port range \"" + std::string(spec) + "\"");
  std::vector<std::string> out;
  for (int p = first; p <= last; ++p)
    out.push_back(std::to_string(p) + "/" + proto);
  return out;
}

void ConfigEditor::apply(std::string_view line) {
  line = trim(line);
  std::size_t end = std::min(line.size(), line.find_first_of(" \t"));
  std::string keyword = upper(line.substr(0, end));
  if (keyword.empty()) throw Error("empty instruction");
  try {
    apply(keyword, trim(line.substr(end)));
  } catch (const Error& e) {
    throw e.with_context(keyword);
  }
}

void ConfigEditor::apply(const std::string& keyword, std::string_view args) {
  const auto& vars = config_.env;
  if (keyword == "CMD") {
    config_.cmd = parse_command(args);
    cmd_set_ = true;
  } else if (keyword == "ENTRYPOINT") {
    config_.entrypoint = parse_command(args);
    // As in a Dockerfile: a new ENTRYPOINT drops a CMD inherited from the base image.
    if (!cmd_set_) config_.cmd.clear();
  } else if (keyword == "ENV") {
    env(args);
  } else if (keyword == "LABEL") {
    label(args);
  } else if (keyword == "EXPOSE") {
    expose(args);
  } else if (keyword == "VOLUME") {
    volume(args);
  } else if (keyword == "WORKDIR") {
    workdir(args);
  } else if (keyword == "USER") {
    config_.user = expand_word(args, vars);
    if (config_.user.empty()) throw Error("requires an argument");
  } else if (keyword == "STOPSIGNAL") {
    config_.stop_signal = expand_word(args, vars);
    if (config_.stop_signal.empty()) throw Error("requires an argument");
  } else if (keyword == "HEALTHCHECK") {
    healthcheck(args);
  } else {
    throw Error(
        "not a valid change command (valid: CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, "
        "LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR)");
  }
}

void ConfigEditor::env(std::string_view args) {
  for (const auto& [key, value] : parse_key_values(args, config_.env, "ENV"))
    config_.set_env(key, value);
}

void ConfigEditor::label(std::string_view args) {
  for (const auto& [key, value] : parse_key_values(args, config_.env, "LABEL"))
    config_.labels[key] = value;
}

void ConfigEditor::expose(std::string_view args) {
  std::vector<std::string> specs = expand_words(args, config_.env);
  if (specs.empty()) throw Error("requires at least one port");
  for (const auto& spec : specs)
    for (auto& port : parse_exposed_ports(spec))
      config_.exposed_ports.insert(std::move(port));
}

void ConfigEditor::volume(std::string_view args) {
  std::vector<std::string> raw;
  if (auto list = json_string_array(trim(args)))
    raw = *list;
  else
    raw = split_raw_words(args);
  if (raw.empty()) throw Error("requires at least one path");
  for (const auto& path : raw) {
    std::string expanded = expand_word(path, config_.env);
    if (trim(expanded).empty()) throw Error("VOLUME specified can not be an empty string");
    config_.volumes.insert(expanded);
  }
}

void ConfigEditor::workdir(std::string_view args) {
  std::string dir = expand_word(args, config_.env);
  if (dir.empty()) throw Error("requires a path");
  // A relative WORKDIR continues from the previous one, as in a Dockerfile.
  if (dir.front() != '/')
    dir = (config_.working_dir.empty() ? "/" : config_.working_dir) + "/" + dir;
  config_.working_dir = clean_path(dir);
}

void ConfigEditor::healthcheck(std::string_view args) {
  HealthConfig h;
  args = trim(args);
  auto flags = take_flags(args);
  std::size_t end = std::min(args.size(), args.find_first_of(" \t"));
  std::string type = upper(args.substr(0, end));
  std::string_view rest = trim(args.substr(end));
  if (type == "NONE") {
    if (!rest.empty() || !flags.empty()) throw Error("HEALTHCHECK NONE takes no arguments");
    config_.healthcheck = HealthConfig{{"NONE"}};
    return;
  }
  if (type != "CMD") throw Error("unknown type \"" + type + "\" (try CMD or NONE)");
  if (rest.empty()) throw Error("missing command after HEALTHCHECK CMD");
  for (const auto& [name, value] : flags)
    set_health_flag(h, name, value);
  if (auto exec = json_string_array(rest)) {
    h.test = {"CMD"};
    h.test.insert(h.test.end(), exec->begin(), exec->end());
  } else {
    h.test = {"CMD-SHELL", std::string(rest)};
  }
  config_.healthcheck = std::move(h);
}

void apply_changes(ImageConfig& config, const std::vector<std::string>& changes) {
  ConfigEditor editor(config);
  for (const auto& change : changes) {
    try {
      editor.apply(change);
    } catch (const Error& e) {
      throw e.with_context("--change \"" + change + "\"");
    }
  }
}

}  // namespace image
