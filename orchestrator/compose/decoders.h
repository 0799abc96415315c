// Decoders for the parts of a compose file, one file per concern. Internal to the loader.
#pragma once

#include "compose/decoder.h"

namespace compose {

Service decode_service(Decoder& d, const std::string& name, const Tree& node,
                       const std::string& path);

// Service parts.
void decode_build(Decoder& d, Service& s, const Tree& node, const std::string& path);
void decode_ports(Decoder& d, Service& s, const Tree& node, const std::string& path);
void decode_expose(Decoder& d, Service& s, const Tree& node, const std::string& path);
void decode_volumes(Decoder& d, Service& s, const Tree& node, const std::string& path);
void decode_tmpfs(Decoder& d, Service& s, const Tree& node, const std::string& path);
void decode_healthcheck(Decoder& d, Service& s, const Tree& node, const std::string& path);
void decode_depends_on(Decoder& d, Service& s, const Tree& node, const std::string& path);
void decode_service_networks(Decoder& d, Service& s, const Tree& node, const std::string& path);
void decode_extra_hosts(Decoder& d, Service& s, const Tree& node, const std::string& path);
void decode_deploy(Decoder& d, Service& s, const Tree& node, const std::string& path);
void decode_ulimits(Decoder& d, Service& s, const Tree& node, const std::string& path);
void decode_blkio_config(Decoder& d, Service& s, const Tree& node, const std::string& path);
void decode_secret_refs(Decoder& d, Service& s, const Tree& node, const std::string& path);
void decode_config_refs(Decoder& d, Service& s, const Tree& node, const std::string& path);
void decode_boxcompose_extension(Decoder& d, Service& s, const Tree& node, const std::string& path);

// Top-level parts.
Network decode_network(Decoder& d, const std::string& key, const Tree& node,
                       const std::string& path);
Volume decode_volume(Decoder& d, const std::string& key, const Tree& node, const std::string& path);
FileObject decode_secret(Decoder& d, const std::string& key, const Tree& node,
                         const std::string& path);
FileObject decode_config(Decoder& d, const std::string& key, const Tree& node,
                         const std::string& path);

// Name checks shared by decoders and validation.
bool is_valid_service_name(std::string_view name);
bool is_valid_resource_name(std::string_view name);  // container_name, profiles
std::optional<std::string> normalize_capability(
    std::string_view name);  // "net_admin" -> "CAP_NET_ADMIN"
bool is_valid_signal(std::string_view name);

}  // namespace compose
