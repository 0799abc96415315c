// `extends`: a service built on another one, from the same file or from another file.
#include <filesystem>
#include <set>

#include "compose/decoder.h"
#include "compose/loader_steps.h"
#include "compose/merge.h"

namespace compose {
namespace {

struct ExtendsTarget {
  std::string service;
  std::string file;  // empty: the same file
};

std::optional<ExtendsTarget> read_extends(Decoder& d, const Tree& node, const std::string& path) {
  if (node.is_scalar()) return ExtendsTarget{node.text(), ""};
  if (!d.expect_mapping(node, path)) return std::nullopt;
  ExtendsTarget target;
  for (const TreeEntry& e : node.entries()) {
    if (e.key == "service") {
      target.service = d.string(e.value, key_path(path, e.key)).value_or("");
    } else if (e.key == "file") {
      target.file = d.string(e.value, key_path(path, e.key)).value_or("");
    } else {
      report_unknown_key(d, e, path);
    }
  }
  if (target.service.empty()) {
    d.error(node, path, "missing the service to extend (extends.service)");
    return std::nullopt;
  }
  return target;
}

class ExtendsResolver {
 public:
  ExtendsResolver(LoadContext& ctx, Tree& services, std::string file)
      : ctx_(ctx), d_(ctx.diag), services_(services), file_(std::move(file)) {}

  void resolve_all() {
    for (TreeEntry& e : services_.entries()) {
      // Most services extend nothing: skip them without a lookup by name.
      if (e.value.is_mapping() && e.value.find("extends")) resolve(e.key);
    }
  }

  void resolve(const std::string& name) {
    if (done_.count(name)) return;
    Tree* service = services_.find(name);
    const Tree* extends = service && service->is_mapping() ? service->find("extends") : nullptr;
    if (!extends) {
      done_.insert(name);
      return;
    }
    const std::string path = "services." + name + ".extends";
    if (!active_.insert(name).second) {
      d_.error(*extends, path, "extends cycle through service " + quote(name));
      return;
    }
    auto target = read_extends(d_, *extends, path);
    std::optional<Tree> base = target ? base_service(*target, *extends, path) : std::nullopt;
    service->erase("extends");
    if (base) {
      merge_service(*base, *service);
      *service = std::move(*base);
    }
    active_.erase(name);
    done_.insert(name);
  }

 private:
  std::optional<Tree> base_service(const ExtendsTarget& target, const Tree& at,
                                   const std::string& path) {
    if (!target.file.empty()) return service_from_file(target, at, path);
    resolve(target.service);
    const Tree* base = services_.find(target.service);
    if (!base) {
      d_.error(at, path, "extends undefined service " + quote(target.service));
      return std::nullopt;
    }
    if (active_.count(target.service)) return std::nullopt;  // cycle, reported already
    return *base;
  }

  std::optional<Tree> service_from_file(const ExtendsTarget& target, const Tree& at,
                                        const std::string& path) {
    if (ctx_.extends_depth >= 16) {
      d_.error(at, path, "extends nested too deeply across files (a cycle between files?)");
      return std::nullopt;
    }
    std::string dir = std::filesystem::path(target.file).parent_path().string();
    ++ctx_.extends_depth;
    Tree other = read_compose_file(ctx_, target.file, dir);
    Tree* services = other.is_mapping() ? other.find("services") : nullptr;
    const Tree* base =
        services && services->is_mapping() ? services->find(target.service) : nullptr;
    // Only the extended service and what it extends in turn, as Docker Compose does: the
    // other services of that file may extend this one's file, which is no cycle.
    if (base) ExtendsResolver(ctx_, *services, target.file).resolve(target.service);
    --ctx_.extends_depth;
    if (!base) {
      if (!other.is_null())
        d_.error(at, path, "service " + quote(target.service) + " not found in " + target.file);
      return std::nullopt;
    }
    return *base;
  }

  LoadContext& ctx_;
  Decoder d_;
  Tree& services_;
  std::string file_;
  std::set<std::string> done_;
  std::set<std::string> active_;
};

}  // namespace

void apply_extends(LoadContext& ctx, Tree& doc, const std::string& file) {
  Tree* services = doc.find("services");
  if (!services || !services->is_mapping()) return;
  ExtendsResolver(ctx, *services, file).resolve_all();
}

}  // namespace compose
