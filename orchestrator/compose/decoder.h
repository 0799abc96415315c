// Turns Tree nodes into typed values, reporting every type error with the node's position
// and key path and carrying on, so that one run reports all the errors of a file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "compose/model.h"
#include "compose/tree.h"

namespace compose {

std::string key_path(const std::string& base, std::string_view key);
std::string index_path(const std::string& base, size_t index);
// Quotes a value for a message: "80800".
std::string quote(std::string_view text);

class Decoder {
 public:
  explicit Decoder(Diagnostics& diag) : diag_(diag) {}

  void error(const Tree& at, const std::string& path, std::string message);
  void error(const Mark& at, const std::string& path, std::string message);
  Diagnostics& diagnostics() { return diag_; }

  // Each reader returns nullopt after reporting when the node cannot be read as asked.
  std::optional<std::string> string(const Tree& node, const std::string& path);
  std::optional<int64_t> integer(const Tree& node, const std::string& path, int64_t min = INT64_MIN,
                                 int64_t max = INT64_MAX);
  std::optional<bool> boolean(const Tree& node, const std::string& path);
  std::optional<Duration> duration(const Tree& node, const std::string& path);
  std::optional<int64_t> byte_size(const Tree& node, const std::string& path);
  // Byte sizes where -1 means "unlimited" (memswap_limit).
  std::optional<int64_t> byte_size_or_unlimited(const Tree& node, const std::string& path);
  std::optional<double> cpus(const Tree& node, const std::string& path);
  std::optional<uint32_t> file_mode(const Tree& node, const std::string& path);

  bool expect_mapping(const Tree& node, const std::string& path);
  bool expect_sequence(const Tree& node, const std::string& path);
  // A sequence of scalars.
  std::optional<std::vector<std::string>> string_list(const Tree& node, const std::string& path);
  // A scalar or a sequence of scalars.
  std::optional<std::vector<std::string>> string_or_list(const Tree& node, const std::string& path);
  // A mapping of scalars, or a sequence of "key<sep>value" strings.
  std::optional<StringMap> string_map(const Tree& node, const std::string& path);
  // As string_map, but a list entry without '=' or a null value gives an absent value.
  std::optional<OptionalStringMap> optional_string_map(const Tree& node, const std::string& path);

 private:
  Diagnostics& diag_;
};

// Decodes the keys of a mapping into `out` through a table of known keys. Unknown keys are
// errors, except `x-` extensions, which go into `extensions` (when given) or are ignored.
template <class T>
using FieldDecoder = void (*)(Decoder&, T&, const Tree& value, const std::string& path);
template <class T>
using FieldTable = std::unordered_map<std::string_view, FieldDecoder<T>>;

// A table entry that reads a value with one of Decoder's readers and stores it in a member:
//   {"driver_opts", store<&Network::driver_opts, &Decoder::string_map>}
template <auto Member>
struct MemberOf;
template <class T, class V, V T::*M>
struct MemberOf<M> {
  using Object = T;
};

template <auto Member, auto Read>
void store(Decoder& d, typename MemberOf<Member>::Object& out, const Tree& node,
           const std::string& path) {
  if (auto value = (d.*Read)(node, path)) out.*Member = std::move(*value);
}

void report_unknown_key(Decoder& d, const TreeEntry& entry, const std::string& path);
nlohmann::json tree_to_json(const Tree& node);

template <class T>
void decode_fields(Decoder& d, T& out, const Tree& node, const std::string& path,
                   const FieldTable<T>& table, nlohmann::json* extensions = nullptr) {
  if (!d.expect_mapping(node, path)) return;
  for (const TreeEntry& e : node.entries()) {
    if (auto it = table.find(e.key); it != table.end()) {
      it->second(d, out, e.value, key_path(path, e.key));
    } else if (e.key.starts_with("x-")) {
      if (extensions) (*extensions)[e.key] = tree_to_json(e.value);
    } else {
      report_unknown_key(d, e, path);
    }
  }
}

}  // namespace compose
