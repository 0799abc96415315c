#include "boxnet/rule.h"

#include <arpa/inet.h>
#include <linux/fib_rules.h>

#include <cerrno>
#include <cstring>

#include "boxnet/addr.h"
#include "boxnet/batch.h"
#include "boxnet/error.h"

namespace net {
namespace {

uint8_t kernel_action(Rule::Action action) {
  switch (action) {
    case Rule::Action::prohibit:
      return FR_ACT_PROHIBIT;
    case Rule::Action::blackhole:
      return FR_ACT_BLACKHOLE;
    default:
      return FR_ACT_TO_TBL;
  }
}

Rule::Action action_of(uint8_t kernel) {
  switch (kernel) {
    case FR_ACT_TO_TBL:
      return Rule::Action::lookup;
    case FR_ACT_PROHIBIT:
      return Rule::Action::prohibit;
    case FR_ACT_BLACKHOLE:
      return Rule::Action::blackhole;
    default:
      return Rule::Action::other;
  }
}

RulePtr to_rtnl(const Rule& rule) {
  const std::string object = rule.str();
  RulePtr r = alloc_rule();
  rtnl_rule_set_family(r.get(), AF_INET);
  rtnl_rule_set_prio(r.get(), rule.priority);
  rtnl_rule_set_action(r.get(), kernel_action(rule.action));
  if (rule.action == Rule::Action::lookup) rtnl_rule_set_table(r.get(), rule.table);
  if (!rule.iif.empty()) check_nl(rtnl_rule_set_iif(r.get(), rule.iif.c_str()), "rule", object);
  if (rule.dst) {
    NlAddrPtr dst = to_nl_addr(rule.dst->base, rule.dst->prefix);
    check_nl(rtnl_rule_set_dst(r.get(), dst.get()), "rule", object);
  }
  return r;
}

Rule from_rtnl(rtnl_rule* r) {
  Rule rule;
  rule.priority = rtnl_rule_get_prio(r);
  if (const char* iif = rtnl_rule_get_iif(r)) rule.iif = iif;
  if (nl_addr* dst = rtnl_rule_get_dst(r); dst != nullptr && nl_addr_get_len(dst) == 4) {
    uint32_t be = 0;
    std::memcpy(&be, nl_addr_get_binary_addr(dst), sizeof be);
    rule.dst = Subnet{Ipv4{ntohl(be)}, static_cast<int>(nl_addr_get_prefixlen(dst))};
  }
  rule.action = action_of(rtnl_rule_get_action(r));
  rule.table = rtnl_rule_get_table(r);
  return rule;
}

}  // namespace

std::string Rule::str() const {
  std::string s = std::to_string(priority) + ": from all";
  if (!iif.empty()) s += " iif " + iif;
  if (dst) s += " to " + dst->str();
  switch (action) {
    case Action::lookup:
      return s + " lookup " + std::to_string(table);
    case Action::prohibit:
      return s + " prohibit";
    case Action::blackhole:
      return s + " blackhole";
    default:
      return s + " (other action)";
  }
}

bool add_rule(Socket& sock, const Rule& rule) {
  const std::string object = rule.str();
  RulePtr r = to_rtnl(rule);
  nl_msg* msg = nullptr;
  check_nl(rtnl_rule_build_add_request(r.get(), NLM_F_EXCL, &msg), "add rule", object);
  int e = request(sock, NlMsgPtr(msg), "add rule", object);
  if (e == EEXIST) return false;
  if (e == EAFNOSUPPORT) {
    throw Error("add rule", object, e,
                "this kernel has no IPv4 policy routing (CONFIG_IP_MULTIPLE_TABLES)");
  }
  if (e != 0) throw Error("add rule", object, e);
  return true;
}

bool delete_rule(Socket& sock, const Rule& rule) {
  const std::string object = rule.str();
  RulePtr r = to_rtnl(rule);
  nl_msg* msg = nullptr;
  check_nl(rtnl_rule_build_delete_request(r.get(), 0, &msg), "delete rule", object);
  int e = request(sock, NlMsgPtr(msg), "delete rule", object);
  // Without policy routing there are no rules to delete.
  if (e == ENOENT || e == EAFNOSUPPORT) return false;
  if (e != 0) throw Error("delete rule", object, e);
  return true;
}

std::vector<Rule> list_rules(Socket& sock) {
  nl_cache* raw = nullptr;
  sock.check(rtnl_rule_alloc_cache(sock.get(), AF_INET, &raw), "list", "rules");
  CachePtr cache(raw);
  std::vector<Rule> out;
  for (nl_object* o = nl_cache_get_first(raw); o != nullptr; o = nl_cache_get_next(o)) {
    auto* rule = reinterpret_cast<rtnl_rule*>(o);
    // The dump may carry other families' rules too.
    if (rtnl_rule_get_family(rule) == AF_INET) out.push_back(from_rtnl(rule));
  }
  return out;
}

}  // namespace net
