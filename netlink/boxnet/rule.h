// IPv4 policy routing rules (`ip rule`): by where a packet came in and where it goes, which
// table it is looked up in, or whether it is refused outright.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "boxnet/address.h"
#include "boxnet/handles.h"

namespace net {

struct Rule {
  enum class Action { lookup, prohibit, blackhole, other };

  uint32_t priority = 0;
  std::string iif;            // input interface; empty: any. Locally made packets: "lo"
  std::optional<Subnet> dst;  // none: any destination
  Action action = Action::lookup;
  uint32_t table = 0;  // for Action::lookup

  // "1000: from all iif bc1 lookup 25187", as `ip rule` prints it.
  std::string str() const;
};

// false if an identical rule was already there. A kernel without policy routing is named
// as such in the error.
bool add_rule(Socket& sock, const Rule& rule);
// Deletes one rule matching every field; false if there was none.
bool delete_rule(Socket& sock, const Rule& rule);
// The IPv4 rules of the socket's namespace, in the order the kernel walks them. Only reads.
std::vector<Rule> list_rules(Socket& sock);

}  // namespace net
