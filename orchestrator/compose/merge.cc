#include "compose/merge.h"

#include <algorithm>
#include <functional>
#include <string_view>
#include <unordered_map>

namespace compose {
namespace {

void deep_merge(Tree& base, const Tree& over);

bool same_scalar(const Tree& a, const Tree& b) {
  return a.is_scalar() && b.is_scalar() && a.text() == b.text();
}

void append_unique(Tree& base, const Tree& over) {
  for (const Tree& item : over.items()) {
    bool present = std::any_of(base.items().begin(), base.items().end(),
                               [&](const Tree& b) { return same_scalar(b, item); });
    if (!present) base.push_back(item);
  }
}

// The container path a mount, secret or config lands on: what identifies it in a merge.
std::string short_volume_target(const std::string& spec) {
  auto first = spec.find(':');
  if (first == std::string::npos) return spec;
  auto second = spec.find(':', first + 1);
  return spec.substr(first + 1,
                     second == std::string::npos ? std::string::npos : second - first - 1);
}

std::string volume_target(const Tree& item) {
  if (item.is_scalar()) return short_volume_target(item.text());
  const Tree* target = item.is_mapping() ? item.find("target") : nullptr;
  return target && target->is_scalar() ? target->text() : "";
}

// A secret or config without a target lands on <default_dir>/<source>, so `token` and
// `{source: x, target: /run/secrets/token}` are one mount, as compose-go keys them.
std::string file_reference_target(const Tree& item, std::string_view default_dir) {
  const Tree* target = item.is_mapping() ? item.find("target") : nullptr;
  if (target && target->is_scalar()) return target->text();
  const Tree* source = item.is_mapping() ? item.find("source") : &item;
  if (!source || !source->is_scalar()) return "";
  return std::string(default_dir) + "/" + source->text();
}

std::string secret_target(const Tree& item) {
  return file_reference_target(item, "/run/secrets");
}

std::string config_target(const Tree& item) {
  return file_reference_target(item, "");
}

void merge_by_key(Tree& base, const Tree& over, std::string (*key_of)(const Tree&)) {
  for (const Tree& item : over.items()) {
    std::string key = key_of(item);
    auto it = std::find_if(base.items().begin(), base.items().end(),
                           [&](const Tree& b) { return !key.empty() && key_of(b) == key; });
    if (it != base.items().end()) {
      *it = item;
    } else {
      base.push_back(item);
    }
  }
}

// "KEY=VALUE" / "KEY" list items into a mapping.
Tree list_to_mapping(const Tree& list) {
  Tree map = Tree::mapping(list.mark());
  for (const Tree& item : list.items()) {
    if (!item.is_scalar()) return list;  // left for the decoder to report
    auto eq = item.text().find('=');
    std::string key = item.text().substr(0, eq);
    Tree value = eq == std::string::npos
                     ? Tree::null(item.mark())
                     : Tree::scalar(item.text().substr(eq + 1), item.mark(), true);
    map.set(std::move(key), std::move(value), item.mark());
  }
  return map;
}

// depends_on / networks written as a list of names. A listed dependency is the default
// one, {condition: service_started, required: true}, as Docker Compose merges it.
Tree names_to_mapping(const Tree& list, bool as_dependency) {
  Tree map = Tree::mapping(list.mark());
  for (const Tree& item : list.items()) {
    if (!item.is_scalar()) return list;
    Tree value = Tree::null(item.mark());
    if (as_dependency) {
      value = Tree::mapping(item.mark());
      value.set("condition", Tree::scalar("service_started", item.mark()));
      value.set("required", Tree::scalar("true", item.mark()));
    }
    map.set(item.text(), std::move(value), item.mark());
  }
  return map;
}

void normalize_key(Tree& service, std::string_view key,
                   const std::function<Tree(const Tree&)>& fn) {
  if (Tree* value = service.find(key); value && value->is_sequence()) *value = fn(*value);
}

enum class ListRule {
  Replace,
  AppendUnique,
  Append,
  ByVolumeTarget,
  BySecretTarget,
  ByConfigTarget
};

const std::unordered_map<std::string_view, ListRule>& service_list_rules() {
  static const std::unordered_map<std::string_view, ListRule> kRules = {
      {"command", ListRule::Replace},
      {"entrypoint", ListRule::Replace},
      {"ports", ListRule::AppendUnique},
      {"expose", ListRule::AppendUnique},
      {"dns", ListRule::AppendUnique},
      {"dns_search", ListRule::AppendUnique},
      {"dns_opt", ListRule::AppendUnique},
      {"tmpfs", ListRule::AppendUnique},
      {"env_file", ListRule::AppendUnique},
      {"cap_add", ListRule::AppendUnique},
      {"cap_drop", ListRule::AppendUnique},
      {"group_add", ListRule::AppendUnique},
      {"profiles", ListRule::AppendUnique},
      {"security_opt", ListRule::AppendUnique},
      {"devices", ListRule::AppendUnique},
      {"links", ListRule::AppendUnique},
      {"external_links", ListRule::AppendUnique},
      {"volumes_from", ListRule::AppendUnique},
      {"extra_hosts", ListRule::AppendUnique},
      {"volumes", ListRule::ByVolumeTarget},
      {"secrets", ListRule::BySecretTarget},
      {"configs", ListRule::ByConfigTarget}};
  return kRules;
}

void merge_list(Tree& base, const Tree& over, ListRule rule) {
  switch (rule) {
    case ListRule::Replace:
      base = over;
      return;
    case ListRule::AppendUnique:
      append_unique(base, over);
      return;
    case ListRule::Append:
      for (const Tree& item : over.items())
        base.push_back(item);
      return;
    case ListRule::ByVolumeTarget:
      merge_by_key(base, over, volume_target);
      return;
    case ListRule::BySecretTarget:
      merge_by_key(base, over, secret_target);
      return;
    case ListRule::ByConfigTarget:
      merge_by_key(base, over, config_target);
      return;
  }
}

// A scalar `build: ./dir` is the short form of `build: {context: ./dir}`.
Tree build_mapping(const Tree& build) {
  if (!build.is_scalar()) return build;
  Tree map = Tree::mapping(build.mark());
  map.set("context", build, build.mark());
  return map;
}

// environment, labels, build args, ...: Docker Compose merges them as KEY=VALUE lists, so
// an override's entry replaces the base's even without a value ("- FOO": from the environment).
bool is_key_value_map(std::string_view key) {
  return key == "environment" || key == "labels" || key == "annotations" || key == "sysctls" ||
         key == "args";
}

void merge_key_values(Tree& base, const Tree& over) {
  if (!base.is_mapping() || !over.is_mapping()) return deep_merge(base, over);
  for (const TreeEntry& e : over.entries())
    base.set(e.key, e.value, e.key_mark);
}

void merge_build(Tree& base, const Tree& over) {
  base = build_mapping(base);
  const Tree over_build = build_mapping(over);
  if (!base.is_mapping() || !over_build.is_mapping()) return deep_merge(base, over_build);
  for (const TreeEntry& e : over_build.entries()) {
    Tree* existing = base.find(e.key);
    if (!existing) {
      base.entries().push_back(e);
    } else if (is_key_value_map(e.key)) {
      merge_key_values(*existing, e.value);
    } else {
      deep_merge(*existing, e.value);
    }
  }
}

void merge_service_key(Tree& base, const TreeEntry& over) {
  Tree* existing = base.find(over.key);
  if (!existing) {
    base.entries().push_back(over);
    return;
  }
  if (over.key == "build") return merge_build(*existing, over.value);
  if (is_key_value_map(over.key)) return merge_key_values(*existing, over.value);
  if (over.key == "healthcheck" && existing->is_mapping() && over.value.is_mapping()) {
    // The test is one command: an override replaces it rather than appending to it.
    Tree* test = existing->find("test");
    if (test && over.value.find("test")) *test = *over.value.find("test");
    deep_merge(*existing, over.value);
    return;
  }
  auto rule = service_list_rules().find(over.key);
  if (rule != service_list_rules().end() && existing->is_sequence() && over.value.is_sequence()) {
    merge_list(*existing, over.value, rule->second);
  } else if (rule != service_list_rules().end() && rule->second == ListRule::Replace) {
    *existing = over.value;
  } else {
    deep_merge(*existing, over.value);
  }
}

// Mappings merge key by key; anything else is replaced. Lists without a special rule append.
// A key written without a value overrides nothing (Docker Compose keeps the base's value, e.g.
// the aliases of a network that an override lists by name).
void deep_merge(Tree& base, const Tree& over) {
  if (over.is_null()) return;
  if (base.is_mapping() && over.is_mapping()) {
    for (const TreeEntry& e : over.entries()) {
      if (Tree* existing = base.find(e.key)) {
        deep_merge(*existing, e.value);
      } else {
        base.entries().push_back(e);
      }
    }
  } else if (base.is_sequence() && over.is_sequence()) {
    append_unique(base, over);
  } else {
    base = over;
  }
}

void merge_named_section(Tree& base, const Tree& over, bool services) {
  if (over.is_null()) return;
  if (!base.is_mapping() || !over.is_mapping()) {
    base = over;
    return;
  }
  for (const TreeEntry& e : over.entries()) {
    Tree* existing = base.find(e.key);
    if (!existing) {
      base.entries().push_back(e);
    } else if (services) {
      merge_service(*existing, e.value);
    } else {
      deep_merge(*existing, e.value);
    }
  }
}

}  // namespace

void normalize_service_lists(Tree& service) {
  if (!service.is_mapping()) return;
  for (std::string_view key : {"environment", "labels", "annotations", "sysctls"})
    normalize_key(service, key, list_to_mapping);
  normalize_key(service, "depends_on", [](const Tree& t) { return names_to_mapping(t, true); });
  normalize_key(service, "networks", [](const Tree& t) { return names_to_mapping(t, false); });
  if (Tree* build = service.find("build"); build && build->is_mapping()) {
    for (std::string_view key : {"args", "labels"})
      normalize_key(*build, key, list_to_mapping);
  }
}

void merge_service(Tree& base, const Tree& override_service) {
  if (override_service.is_null()) return;
  if (!base.is_mapping() || !override_service.is_mapping()) {
    base = override_service;
    return;
  }
  normalize_service_lists(base);
  Tree over = override_service;
  normalize_service_lists(over);
  for (const TreeEntry& e : over.entries())
    merge_service_key(base, e);
}

void merge_project(Tree& base, const Tree& override_doc) {
  if (!base.is_mapping() || !override_doc.is_mapping()) {
    if (!override_doc.is_null()) base = override_doc;
    return;
  }
  for (const TreeEntry& e : override_doc.entries()) {
    Tree* existing = base.find(e.key);
    if (!existing) {
      base.entries().push_back(e);
    } else if (e.key == "services") {
      merge_named_section(*existing, e.value, true);
    } else if (e.key == "networks" || e.key == "volumes" || e.key == "secrets" ||
               e.key == "configs") {
      merge_named_section(*existing, e.value, false);
    } else {
      deep_merge(*existing, e.value);
    }
  }
}

}  // namespace compose
