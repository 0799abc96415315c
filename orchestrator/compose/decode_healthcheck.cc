// `healthcheck`: test as CMD / CMD-SHELL / NONE / a plain string, and its timings.
#include "compose/decoders.h"

namespace compose {
namespace {

void decode_test(Decoder& d, Healthcheck& h, const Tree& node, const std::string& path) {
  if (node.is_scalar()) {
    h.test = {"CMD-SHELL", node.text()};  // a plain string runs through the shell
    return;
  }
  auto words = d.string_list(node, path);
  if (!words) return;
  if (words->empty()) {
    d.error(node, path,
            "an empty test (expected [\"CMD\", ...], [\"CMD-SHELL\", \"...\"] or [\"NONE\"])");
    return;
  }
  const std::string& kind = words->front();
  if (kind != "CMD" && kind != "CMD-SHELL" && kind != "NONE") {
    d.error(node.items()[0], index_path(path, 0),
            "the test must start with CMD, CMD-SHELL or NONE, not " + quote(kind));
    return;
  }
  if (kind == "CMD-SHELL" && words->size() != 2) {
    d.error(node, path, "CMD-SHELL takes exactly one command string");
    return;
  }
  if (kind == "CMD" && words->size() < 2) {
    d.error(node, path, "CMD needs a command to run");
    return;
  }
  h.test = std::move(*words);
}

void set_duration(Decoder& d, std::optional<Duration>& field, const Tree& n, const std::string& p) {
  if (auto v = d.duration(n, p)) field = v;
}

const FieldTable<Healthcheck>& healthcheck_table() {
  static const FieldTable<Healthcheck> kTable = {
      {"test", decode_test},
      {"interval", [](Decoder& d, Healthcheck& h, const Tree& n,
                      const std::string& p) { set_duration(d, h.interval, n, p); }},
      {"timeout", [](Decoder& d, Healthcheck& h, const Tree& n,
                     const std::string& p) { set_duration(d, h.timeout, n, p); }},
      {"start_period", [](Decoder& d, Healthcheck& h, const Tree& n,
                          const std::string& p) { set_duration(d, h.start_period, n, p); }},
      {"start_interval", [](Decoder& d, Healthcheck& h, const Tree& n,
                            const std::string& p) { set_duration(d, h.start_interval, n, p); }},
      {"retries",
       [](Decoder& d, Healthcheck& h, const Tree& n, const std::string& p) {
         if (auto v = d.integer(n, p, 0, INT32_MAX)) h.retries = v;
       }},
      {"disable", store<&Healthcheck::disable, &Decoder::boolean>}};
  return kTable;
}

}  // namespace

void decode_healthcheck(Decoder& d, Service& s, const Tree& node, const std::string& path) {
  Healthcheck h;
  decode_fields(d, h, node, path, healthcheck_table());
  if (h.disable && !h.test.empty() && h.test.front() != "NONE") {
    d.error(node, path, "test and disable: true contradict each other");
    return;
  }
  if (!h.test.empty() && h.test.front() == "NONE") h.disable = true;
  s.healthcheck = std::move(h);
}

}  // namespace compose
