#include "engine/command.h"

#include <cctype>
#include <charconv>
#include <csignal>
#include <optional>
#include <tuple>
#include <utility>

#include "engine/error.h"

namespace engine {
namespace {

// Linux's real-time range as the kernel numbers it (glibc reserves 32 and 33, so its
// SIGRTMIN macro says 34; Docker's table says the same).
constexpr int kRtMin = 34;
constexpr int kRtMax = 64;

constexpr std::pair<std::string_view, int> kSignals[] = {
    {"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"BUS", SIGBUS},       {"CHLD", SIGCHLD},
    {"CLD", SIGCHLD},  {"CONT", SIGCONT}, {"FPE", SIGFPE},       {"HUP", SIGHUP},
    {"ILL", SIGILL},   {"INT", SIGINT},   {"IO", SIGIO},         {"IOT", SIGIOT},
    {"KILL", SIGKILL}, {"PIPE", SIGPIPE}, {"POLL", SIGPOLL},     {"PROF", SIGPROF},
    {"PWR", SIGPWR},   {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV},     {"STKFLT", SIGSTKFLT},
    {"STOP", SIGSTOP}, {"SYS", SIGSYS},   {"TERM", SIGTERM},     {"TRAP", SIGTRAP},
    {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"VTALRM", SIGVTALRM}, {"WINCH", SIGWINCH},
    {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ}, {"RTMIN", kRtMin},     {"RTMAX", kRtMax},
};

std::optional<int> parse_int(std::string_view text) {
  int v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

// "RTMIN+3" and "RTMAX-2", as `kill -l` names them.
std::optional<int> parse_realtime(std::string_view name) {
  for (auto [base, sign, prefix] : {std::tuple{kRtMin, 1, std::string_view("RTMIN+")},
                                    std::tuple{kRtMax, -1, std::string_view("RTMAX-")}}) {
    if (!name.starts_with(prefix)) continue;
    auto n = parse_int(name.substr(prefix.size()));
    if (!n || *n < 0) return std::nullopt;
    int sig = base + sign * *n;
    if (sig >= kRtMin && sig <= kRtMax) return sig;
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> resolve_args(const compose::Service& service,
                                      const image::ImageConfig& image) {
  std::vector<std::string> entrypoint = service.entrypoint.value_or(image.entrypoint);
  std::vector<std::string> cmd;
  if (service.command)
    cmd = *service.command;
  else if (!service.entrypoint || service.entrypoint->empty())
    cmd = image.cmd;
  std::vector<std::string> args = std::move(entrypoint);
  args.insert(args.end(), cmd.begin(), cmd.end());
  if (args.empty()) throw Error("no command specified");
  return args;
}

int parse_signal(std::string_view text) {
  if (auto n = parse_int(text)) {
    if (*n < 1 || *n > kRtMax)
      throw Error("unknown signal \"" + std::string(text) + "\" (valid numbers: 1-64)");
    return *n;
  }
  std::string name;
  for (char c : text)
    name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string_view bare = name;
  if (bare.starts_with("SIG")) bare.remove_prefix(3);
  for (const auto& [n, sig] : kSignals)
    if (n == bare) return sig;
  if (auto sig = parse_realtime(bare)) return *sig;
  throw Error("unknown signal \"" + std::string(text) + "\" (expected e.g. SIGTERM, TERM or 15)");
}

}  // namespace engine
