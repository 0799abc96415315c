// Reading one compose file: YAML, interpolation, absolute paths, include and extends.
#include "compose/decoder.h"
#include "compose/interpolation.h"
#include "compose/loader_steps.h"
#include "compose/paths.h"

namespace compose {

void interpolate_tree(Tree& node, const Variables& variables, const std::string& path,
                      Diagnostics& diag) {
  switch (node.kind()) {
    case Tree::Kind::Null:
      return;
    case Tree::Kind::Scalar: {
      if (node.text().find('$') == std::string::npos) return;
      auto result =
          interpolate(node.text(), [&](std::string_view name) -> std::optional<std::string> {
            auto it = variables.find(std::string(name));
            if (it == variables.end()) return std::nullopt;
            return it->second;
          });
      if (result.error.empty()) {
        node.text() = std::move(result.value);
      } else {
        diag.error(node.mark(), path, result.error);
      }
      return;
    }
    case Tree::Kind::Sequence:
      for (size_t i = 0; i < node.items().size(); ++i)
        interpolate_tree(node.items()[i], variables, index_path(path, i), diag);
      return;
    case Tree::Kind::Mapping:
      for (TreeEntry& e : node.entries())
        interpolate_tree(e.value, variables, key_path(path, e.key), diag);
      return;
  }
}

Tree load_compose_file(LoadContext& ctx, const std::string& path, const std::string& base_dir,
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
  apply_extends(ctx, doc, path);
  return doc;
}

}  // namespace compose
