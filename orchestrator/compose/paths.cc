#include "compose/paths.h"

#include <filesystem>

namespace compose {
namespace {

bool is_remote_context(const std::string& context) {
  return context.find("://") != std::string::npos || context.starts_with("git@") ||
         context.starts_with("github.com/");
}

void resolve_scalar(Tree* node, const std::string& base_dir, const std::string& home) {
  if (node && node->is_scalar()) node->text() = absolute_path(base_dir, node->text(), home);
}

void resolve_build(Tree& build, const std::string& base_dir, const std::string& home) {
  Tree* context = build.is_mapping() ? build.find("context") : &build;
  if (context && context->is_scalar() && !is_remote_context(context->text()))
    resolve_scalar(context, base_dir, home);
}

void resolve_env_files(Tree& env_file, const std::string& base_dir, const std::string& home) {
  if (env_file.is_scalar()) return resolve_scalar(&env_file, base_dir, home);
  if (!env_file.is_sequence()) return;
  for (Tree& item : env_file.items()) {
    resolve_scalar(item.is_mapping() ? item.find("path") : &item, base_dir, home);
  }
}

// Short syntax "./data:/srv:ro": only a source that looks like a path is a bind mount.
void resolve_short_volume(Tree& item, const std::string& base_dir, const std::string& home) {
  std::string& spec = item.text();
  auto colon = spec.find(':');
  if (colon == std::string::npos || !(spec.starts_with('.') || spec.starts_with('~'))) return;
  spec = absolute_path(base_dir, spec.substr(0, colon), home) + spec.substr(colon);
}

void resolve_volumes(Tree& volumes, const std::string& base_dir, const std::string& home) {
  if (!volumes.is_sequence()) return;
  for (Tree& item : volumes.items()) {
    if (item.is_scalar()) {
      resolve_short_volume(item, base_dir, home);
    } else if (item.is_mapping()) {
      const Tree* type = item.find("type");
      if (type && type->is_scalar() && type->text() == "bind")
        resolve_scalar(item.find("source"), base_dir, home);
    }
  }
}

}  // namespace

std::string absolute_path(const std::string& base_dir, const std::string& path,
                          const std::string& home) {
  std::filesystem::path p = path;
  if (path == "~" || path.starts_with("~/")) p = home + path.substr(1);
  if (p.is_relative()) p = std::filesystem::path(base_dir) / p;
  std::string out = p.lexically_normal().string();
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

void resolve_service_paths(Tree& service, const std::string& base_dir, const std::string& home) {
  if (!service.is_mapping()) return;
  if (Tree* build = service.find("build")) resolve_build(*build, base_dir, home);
  if (Tree* env_file = service.find("env_file")) resolve_env_files(*env_file, base_dir, home);
  if (Tree* volumes = service.find("volumes")) resolve_volumes(*volumes, base_dir, home);
  if (Tree* extends = service.find("extends"); extends && extends->is_mapping())
    resolve_scalar(extends->find("file"), base_dir, home);
}

void resolve_document_paths(Tree& doc, const std::string& base_dir, const std::string& home) {
  if (!doc.is_mapping()) return;
  if (Tree* services = doc.find("services"); services && services->is_mapping()) {
    for (TreeEntry& e : services->entries())
      resolve_service_paths(e.value, base_dir, home);
  }
  for (std::string_view section : {"secrets", "configs"}) {
    Tree* objects = doc.find(section);
    if (!objects || !objects->is_mapping()) continue;
    for (TreeEntry& e : objects->entries())
      if (e.value.is_mapping()) resolve_scalar(e.value.find("file"), base_dir, home);
  }
}

}  // namespace compose
