// `boxcompose port [--protocol tcp|udp] [--index N] SERVICE PRIVATE_PORT`: the host address
// a container's port is published on, as `docker compose port` prints it.
#include <iostream>

#include "cli/project_ref.h"
#include "cli/verbs.h"
#include "engine/engine.h"
#include "engine/port_query.h"

namespace cli {
namespace {

struct PortFlags {
  engine::PortQuery query;
  int port = 0;
};

void run_port(const GlobalOptions& global, PortFlags flags) {
  ProjectRef ref = load_project_or_name(global);
  flags.query.port = static_cast<uint16_t>(flags.port);
  std::cout << engine::published_address(
                   engine::status(engine::Paths::from_environment(), ref.name), flags.query)
            << '\n';
}

}  // namespace

void add_port_verb(CLI::App& app, const GlobalOptions& global) {
  auto flags = std::make_shared<PortFlags>();
  CLI::App* verb = app.add_subcommand("port", "Print the public port for a port binding");
  verb->add_option("--protocol", flags->query.protocol, "tcp or udp")
      ->check(CLI::IsMember({"tcp", "udp"}));
  verb->add_option("--index", flags->query.index,
                   "Index of the container if service has multiple replicas")
      ->check(CLI::PositiveNumber);
  verb->add_option("service", flags->query.service, "Service")->required()->type_name("SERVICE");
  verb->add_option("private_port", flags->port, "Private port")
      ->required()
      ->check(CLI::Range(1, 65535))
      ->type_name("PRIVATE_PORT");
  verb->callback([&global, flags] { run_port(global, *flags); });
}

}  // namespace cli
