// Top-level `include`: other compose projects whose resources join this one.
#include <algorithm>
#include <filesystem>

#include "compose/decoder.h"
#include "compose/loader_steps.h"
#include "compose/merge.h"
#include "compose/paths.h"

namespace compose {
namespace {

constexpr int kMaxIncludeDepth = 10;

struct IncludeEntry {
  std::vector<std::string> paths;
  std::string project_directory;
  std::vector<std::string> env_files;
  Mark mark;
  std::string path;
};

std::optional<IncludeEntry> read_include(Decoder& d, const Tree& node, const std::string& path,
                                         const std::string& dir, const std::string& home) {
  IncludeEntry entry{{}, "", {}, node.mark(), path};
  if (node.is_scalar()) {
    entry.paths.push_back(node.text());
  } else if (d.expect_mapping(node, path)) {
    for (const TreeEntry& e : node.entries()) {
      std::string p = key_path(path, e.key);
      if (e.key == "path") {
        entry.paths = d.string_or_list(e.value, p).value_or(std::vector<std::string>{});
      } else if (e.key == "project_directory") {
        entry.project_directory = d.string(e.value, p).value_or("");
      } else if (e.key == "env_file") {
        entry.env_files = d.string_or_list(e.value, p).value_or(std::vector<std::string>{});
      } else {
        report_unknown_key(d, e, path);
      }
    }
  } else {
    return std::nullopt;
  }
  if (entry.paths.empty()) {
    d.error(node, path, "missing the path of the file to include");
    return std::nullopt;
  }
  for (auto& p : entry.paths)
    p = absolute_path(dir, p, home);
  for (auto& p : entry.env_files)
    p = absolute_path(dir, p, home);
  if (!entry.project_directory.empty())
    entry.project_directory = absolute_path(dir, entry.project_directory, home);
  return entry;
}

// Loads the included project: its own .env, under the including project's variables.
// `chain` is the including file and the files that included it.
Tree load_included(LoadContext& ctx, const IncludeEntry& entry, int depth,
                   const std::vector<std::string>& chain) {
  std::string project_dir = entry.project_directory.empty()
                                ? std::filesystem::path(entry.paths.front()).parent_path().string()
                                : entry.project_directory;
  LoadOptions options = ctx.options;
  options.env_files = entry.env_files;
  Variables variables = load_variables(options, ctx.read_file, {}, project_dir, ctx.diag);
  for (const auto& [k, v] : ctx.variables)
    variables[k] = v;
  LoadContext sub{options, ctx.read_file, std::move(variables), ctx.home, ctx.diag};
  sub.extends_depth = ctx.extends_depth;
  sub.include_chain = chain;
  Tree merged;
  for (const std::string& file : entry.paths) {
    Tree doc = load_compose_file(sub, file, project_dir, depth + 1);
    if (merged.is_null()) {
      merged = std::move(doc);
    } else {
      merge_project(merged, doc);
    }
  }
  return merged;
}

// Including a file that is already being included would repeat forever (and then report
// every resource as defined twice); Docker Compose reports the cycle instead.
bool closes_a_cycle(Decoder& d, const IncludeEntry& entry, const std::vector<std::string>& chain) {
  for (const std::string& path : entry.paths) {
    if (std::find(chain.begin(), chain.end(), path) == chain.end()) continue;
    std::string cycle;
    for (const std::string& file : chain)
      cycle += file + " -> ";
    d.error(entry.mark, entry.path, "include cycle: " + cycle + path);
    return true;
  }
  return false;
}

void add_included_resources(Decoder& d, Tree& doc, const Tree& included,
                            const IncludeEntry& entry) {
  for (std::string_view section : {"services", "networks", "volumes", "secrets", "configs"}) {
    const Tree* from = included.find(section);
    if (!from || !from->is_mapping()) continue;
    Tree* into = doc.find(section);
    if (!into || !into->is_mapping())
      into = &doc.set(std::string(section), Tree::mapping(entry.mark));
    for (const TreeEntry& e : from->entries()) {
      if (into->find(e.key)) {
        d.error(entry.mark, entry.path,
                std::string(section) + "." + e.key + " is defined both in this file and in " +
                    entry.paths.front());
        continue;
      }
      into->entries().push_back(e);
    }
  }
}

}  // namespace

void apply_includes(LoadContext& ctx, Tree& doc, const std::string& file, int depth) {
  const Tree* includes = doc.find("include");
  if (!includes) return;
  Decoder d(ctx.diag);
  Tree list = *includes;
  doc.erase("include");
  if (depth >= kMaxIncludeDepth) {
    d.error(list, "include", "includes nested more than 10 deep (a cycle?)");
    return;
  }
  if (!d.expect_sequence(list, "include")) return;
  std::string dir = std::filesystem::path(file).parent_path().string();
  std::vector<std::string> chain = ctx.include_chain;
  chain.push_back(file);
  for (size_t i = 0; i < list.items().size(); ++i) {
    auto entry = read_include(d, list.items()[i], index_path("include", i), dir, ctx.home);
    if (!entry || closes_a_cycle(d, *entry, chain)) continue;
    Tree included = load_included(ctx, *entry, depth, chain);
    if (included.is_mapping()) add_included_resources(d, doc, included, *entry);
  }
}

}  // namespace compose
