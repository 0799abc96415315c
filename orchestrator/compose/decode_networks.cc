// Top-level `networks` and `volumes`.
#include <arpa/inet.h>

#include "compose/decoders.h"

namespace compose {
namespace {

void set_string(Decoder& d, std::string& field, const Tree& n, const std::string& p) {
  if (auto v = d.string(n, p)) field = std::move(*v);
}

void set_bool(Decoder& d, bool& field, const Tree& n, const std::string& p) {
  if (auto v = d.boolean(n, p)) field = *v;
}

// Docker Compose also accepts `external: {name: x}` (deprecated); keep its meaning.
template <class T>
void decode_external(Decoder& d, T& object, const Tree& n, const std::string& p) {
  if (n.is_mapping()) {
    object.external = true;
    if (const Tree* name = n.find("name")) set_string(d, object.name, *name, key_path(p, "name"));
    return;
  }
  set_bool(d, object.external, n, p);
}

const FieldTable<IpamPool>& pool_table() {
  static const FieldTable<IpamPool> kTable = {
      {"subnet", store<&IpamPool::subnet, &Decoder::string>},
      {"gateway", store<&IpamPool::gateway, &Decoder::string>},
      {"ip_range", store<&IpamPool::ip_range, &Decoder::string>},
      {"aux_addresses", store<&IpamPool::aux_addresses, &Decoder::string_map>}};
  return kTable;
}

void decode_ipam(Decoder& d, Network& net, const Tree& node, const std::string& path) {
  if (!d.expect_mapping(node, path)) return;
  for (const TreeEntry& e : node.entries()) {
    std::string p = key_path(path, e.key);
    if (e.key == "driver") {
      set_string(d, net.ipam_driver, e.value, p);
    } else if (e.key == "options") {
      if (auto v = d.string_map(e.value, p)) net.ipam_options = std::move(*v);
    } else if (e.key == "config") {
      if (!d.expect_sequence(e.value, p)) continue;
      for (size_t i = 0; i < e.value.items().size(); ++i) {
        IpamPool pool;
        decode_fields(d, pool, e.value.items()[i], index_path(p, i), pool_table());
        net.ipam_config.push_back(std::move(pool));
      }
    } else {
      report_unknown_key(d, e, path);
    }
  }
}

const FieldTable<Network>& network_table() {
  static const FieldTable<Network> kTable = {
      {"driver",
       [](Decoder& d, Network& net, const Tree& n, const std::string& p) {
         auto v = d.string(n, p);
         if (v && *v == "bridge")
           net.driver = *v;
         else if (v)
           d.error(
               n, p,
               "unsupported network driver " + quote(*v) + " (boxcompose runs bridge networks)");
       }},
      {"driver_opts", store<&Network::driver_opts, &Decoder::string_map>},
      {"labels", store<&Network::labels, &Decoder::string_map>},
      {"name", store<&Network::name, &Decoder::string>},
      {"internal", store<&Network::internal, &Decoder::boolean>},
      {"attachable", store<&Network::attachable, &Decoder::boolean>},
      {"enable_ipv6", store<&Network::enable_ipv6, &Decoder::boolean>},
      {"external", decode_external<Network>},
      {"ipam", decode_ipam}};
  return kTable;
}

const FieldTable<Volume>& volume_table() {
  static const FieldTable<Volume> kTable = {
      {"driver",
       [](Decoder& d, Volume& v, const Tree& n, const std::string& p) {
         auto text = d.string(n, p);
         if (text && *text == "local")
           v.driver = *text;
         else if (text)
           d.error(
               n, p,
               "unsupported volume driver " + quote(*text) + " (boxcompose runs local volumes)");
       }},
      {"driver_opts",
       [](Decoder& d, Volume& v, const Tree& n, const std::string& p) {
         if (auto m = d.string_map(n, p)) v.driver_opts = std::move(*m);
       }},
      {"labels",
       [](Decoder& d, Volume& v, const Tree& n, const std::string& p) {
         if (auto m = d.string_map(n, p)) v.labels = std::move(*m);
       }},
      {"name", store<&Volume::name, &Decoder::string>},
      {"external", decode_external<Volume>}};
  return kTable;
}

}  // namespace

Network decode_network(Decoder& d, const std::string& key, const Tree& node,
                       const std::string& path) {
  Network net;
  net.key = key;
  net.where = {node.mark(), path};
  if (!node.is_null()) decode_fields(d, net, node, path, network_table(), &net.extensions);
  return net;
}

Volume decode_volume(Decoder& d, const std::string& key, const Tree& node,
                     const std::string& path) {
  Volume v;
  v.key = key;
  v.where = {node.mark(), path};
  if (!node.is_null()) decode_fields(d, v, node, path, volume_table(), &v.extensions);
  return v;
}

}  // namespace compose
