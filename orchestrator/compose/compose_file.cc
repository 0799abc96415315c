// Reading one compose file: YAML, interpolation, absolute paths, include and extends.
#include "compose/decoder.h"
#include "compose/interpolation.h"
#include "compose/loader_steps.h"
#include "compose/paths.h"

namespace compose {

namespace {

// The key path of the node being interpolated, rendered only when a message needs it.
struct PathStep {
  const PathStep* parent;
  std::string_view key;
  size_t index;  // kKey for a mapping key
  static constexpr size_t kKey = SIZE_MAX;

  std::string render() const {
    if (!parent) return std::string(key);
    std::string base = parent->render();
    return index == kKey ? key_path(base, key) : index_path(base, index);
  }
};

void interpolate_node(Tree& node, const VariableLookup& lookup, const PathStep& path,
                      Diagnostics& diag) {
  if (node.is_scalar()) {
    if (node.text().find('$') == std::string::npos) return;
    auto result = interpolate(node.text(), lookup);
    if (result.error.empty()) {
      node.text() = std::move(result.value);
    } else {
      diag.error(node.mark(), path.render(), result.error);
    }
  } else if (node.is_sequence()) {
    for (size_t i = 0; i < node.items().size(); ++i)
      interpolate_node(node.items()[i], lookup, PathStep{&path, {}, i}, diag);
  } else if (node.is_mapping()) {
    for (TreeEntry& e : node.entries())
      interpolate_node(e.value, lookup, PathStep{&path, e.key, PathStep::kKey}, diag);
  }
}

}  // namespace

void interpolate_tree(Tree& node, const Variables& variables, const std::string& path,
                      Diagnostics& diag) {
  VariableLookup lookup = [&](std::string_view name) -> std::optional<std::string> {
    auto it = variables.find(std::string(name));
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
  interpolate_node(node, lookup, PathStep{nullptr, path, PathStep::kKey}, diag);
}

Tree read_compose_file(LoadContext& ctx, const std::string& path, const std::string& base_dir,
                       int include_depth) {
  auto file = std::make_shared<const std::string>(path);
  auto text = ctx.read_file(path);
  if (!text) {
    ctx.diag.error(Mark{file, 0, 0}, "", "cannot read the compose file (does it exist?)");
    return Tree();
  }
  size_t errors_before = ctx.diag.errors().size();
  Tree doc = parse_yaml(*text, file, ctx.diag);
  if (ctx.diag.errors().size() > errors_before) return Tree();
  if (doc.is_null()) return Tree::mapping(Mark{file, 1, 1});  // an empty file adds nothing
  if (!doc.is_mapping()) {
    ctx.diag.error(doc.mark(), "",
                   "the top level must be a mapping, not " + std::string(doc.kind_name()));
    return Tree();
  }
  if (ctx.options.interpolate) interpolate_tree(doc, ctx.variables, "", ctx.diag);
  resolve_document_paths(doc, base_dir, ctx.home);
  apply_includes(ctx, doc, path, include_depth);
  return doc;
}

Tree load_compose_file(LoadContext& ctx, const std::string& path, const std::string& base_dir,
                       int include_depth) {
  Tree doc = read_compose_file(ctx, path, base_dir, include_depth);
  if (doc.is_mapping()) apply_extends(ctx, doc, path);
  return doc;
}

}  // namespace compose
