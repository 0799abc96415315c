#include "boxnet/isolation.h"

#include <cerrno>

#include "boxnet/error.h"
#include "boxnet/rollback.h"
#include "boxnet/route.h"

namespace net {
namespace {

// A route that was already in the table for the subnet: ours from an earlier create when
// it is a prohibit route, anyone else's otherwise.
void check_existing_route(Socket& host, const std::string& bridge, const Subnet& subnet) {
  for (const RouteInfo& route : list_table_routes(host, kIsolationTable)) {
    if (route.dst != subnet || route.type == "prohibit") continue;
    throw Error("isolate network", bridge, EEXIST,
                "routing table " + std::to_string(kIsolationTable) + " already has '" +
                    route.str() + "', which would let other networks reach " + subnet.str());
  }
}

// Deletes every copy: kernels that ignore NLM_F_EXCL on rules may hold duplicates.
bool delete_all(Socket& host, const Rule& rule) {
  bool any = false;
  while (delete_rule(host, rule))
    any = true;
  return any;
}

}  // namespace

Rule isolation_rule(const std::string& bridge, bool internal) {
  Rule rule;
  rule.priority = kIsolationPriority;
  rule.iif = bridge;
  rule.action = internal ? Rule::Action::prohibit : Rule::Action::lookup;
  rule.table = internal ? 0 : kIsolationTable;
  return rule;
}

void isolate(Socket& host, const std::string& bridge, const Subnet& subnet, bool internal,
             Rollback& undo) {
  const Rule rule = isolation_rule(bridge, internal);
  if (add_rule(host, rule)) undo.add([&host, rule] { delete_rule(host, rule); });
  if (add_prohibit_route(host, subnet, kIsolationTable)) {
    undo.add([&host, subnet] { delete_prohibit_route(host, subnet, kIsolationTable); });
  } else {
    check_existing_route(host, bridge, subnet);
  }
  // Last, so a failure above leaves the network as isolated as it was.
  delete_all(host, isolation_rule(bridge, !internal));
}

bool remove_isolation(Socket& host, const std::string& bridge, const std::vector<Subnet>& subnets) {
  bool any = delete_all(host, isolation_rule(bridge, false));
  any |= delete_all(host, isolation_rule(bridge, true));
  for (const Subnet& subnet : subnets)
    any |= delete_prohibit_route(host, subnet, kIsolationTable);
  return any;
}

}  // namespace net
