// `boxcompose image import|ls|rm|inspect`: the local image store (image/boximg/store.h),
// as `docker import`, `docker images`, `docker rmi` and `docker image inspect`.
#include <time.h>

#include <algorithm>
#include <iostream>
#include <sstream>

#include "boximg/digest.h"
#include "boximg/error.h"
#include "boximg/human.h"
#include "boximg/reference.h"
#include "boximg/store.h"
#include "cli/table.h"
#include "cli/verbs.h"

namespace cli {
namespace {

struct ImageOptions {
  image::ImportOptions import;
  std::vector<std::string> images;  // ls filter, rm and inspect arguments
  bool quiet = false;
  bool no_trunc = false;
  bool force = false;
};

image::Store open_store() {
  return image::Store(image::Store::default_root());
}

void run_import(const ImageOptions& opts) {
  image::ImageSummary img = open_store().import_image(opts.import);
  std::cout << img.id << '\n';
}

// `image ls busybox` lists every tag of busybox; `image ls busybox:1` just that one.
bool matches_filter(const image::ImageSummary& img, const std::string& filter) {
  if (filter.empty()) return true;
  image::Reference ref = image::Reference::parse(filter);
  bool has_tag = filter.rfind(':') != std::string::npos &&
                 filter.find('/', filter.rfind(':')) == std::string::npos;
  return img.name == ref.name && (!has_tag || img.tag == ref.tag);
}

void run_ls(const ImageOptions& opts) {
  std::string filter = opts.images.empty() ? "" : opts.images.front();
  std::vector<std::vector<std::string>> rows;
  if (!opts.quiet) rows.push_back({"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"});
  std::int64_t now = ::time(nullptr);
  for (const auto& img : open_store().list()) {
    if (!matches_filter(img, filter)) continue;
    std::string id = opts.no_trunc ? img.id : image::short_id(img.id);
    if (opts.quiet) {
      std::cout << id << '\n';
      continue;
    }
    auto created = image::parse_rfc3339(img.created);
    std::string age = created ? image::human_duration(now - *created) + " ago" : "N/A";
    rows.push_back({img.name, img.tag, id, age, image::human_size(img.size)});
  }
  std::cout << format_table(rows);
}

void run_rm(const ImageOptions& opts) {
  image::Store store = open_store();
  bool failed = false;
  for (const auto& name : opts.images) {
    try {
      image::RemoveResult r = store.remove(name, opts.force);
      for (const auto& tag : r.untagged)
        std::cout << "Untagged: " << tag << '\n';
      for (const auto& id : r.deleted)
        std::cout << "Deleted: " << id << '\n';
    } catch (const image::Error& e) {
      std::cerr << "Error: " << e.what() << '\n';
      failed = true;
    }
  }
  if (failed) throw CLI::RuntimeError(1);
}

void run_inspect(const ImageOptions& opts) {
  image::Store store = open_store();
  nlohmann::json out = nlohmann::json::array();
  bool failed = false;
  for (const auto& name : opts.images) {
    auto details = store.inspect(name);
    if (details)
      out.push_back(image::inspect_to_json(*details));
    else {
      std::cerr << "Error: no such image: " << name << '\n';
      failed = true;
    }
  }
  std::cout << out.dump(4) << '\n';
  if (failed) throw CLI::RuntimeError(1);
}

void add_import(CLI::App& parent, std::shared_ptr<ImageOptions> opts) {
  auto* cmd = parent.add_subcommand(
      "import", "Create an image from a rootfs tarball (plain or compressed), - or a directory");
  cmd->add_option("-c,--change", opts->import.changes,
                  "Apply a Dockerfile instruction (CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, "
                  "LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR); repeatable")
      ->allow_extra_args(false)
      ->type_name("INSTRUCTION");
  cmd->add_option("-m,--message", opts->import.message, "History comment for the image");
  cmd->add_option("source", opts->import.source, "Tarball, - for stdin, or directory")
      ->required()
      ->type_name("SRC");
  cmd->add_option("reference", opts->import.reference, "NAME[:TAG] (tag defaults to latest)")
      ->required()
      ->type_name("NAME[:TAG]");
  cmd->callback([opts] { run_import(*opts); });
}

void add_ls(CLI::App& parent, std::shared_ptr<ImageOptions> opts) {
  auto* cmd = parent.add_subcommand("ls", "List images");
  cmd->alias("list");
  cmd->add_flag("-q,--quiet", opts->quiet, "Only show image IDs");
  cmd->add_flag("--no-trunc", opts->no_trunc, "Show full image IDs");
  cmd->add_option("repository", opts->images, "Only images of REPOSITORY[:TAG]")
      ->expected(0, 1)
      ->type_name("REPOSITORY[:TAG]");
  cmd->callback([opts] { run_ls(*opts); });
}

void add_rm(CLI::App& parent, std::shared_ptr<ImageOptions> opts) {
  auto* cmd = parent.add_subcommand("rm", "Remove images and what only they used");
  cmd->alias("remove");
  cmd->alias("rmi");
  cmd->add_flag("-f,--force", opts->force, "Remove every tag of an image ID");
  cmd->add_option("images", opts->images, "NAME[:TAG] or image ID")->required()->type_name("IMAGE");
  cmd->callback([opts] { run_rm(*opts); });
}

void add_inspect(CLI::App& parent, std::shared_ptr<ImageOptions> opts) {
  auto* cmd = parent.add_subcommand("inspect", "Show images as JSON");
  cmd->add_option("images", opts->images, "NAME[:TAG] or image ID")->required()->type_name("IMAGE");
  cmd->callback([opts] { run_inspect(*opts); });
}

}  // namespace

void add_image_verb(CLI::App& app) {
  auto opts = std::make_shared<ImageOptions>();
  auto* verb = app.add_subcommand("image", "Manage the local image store (BOXCOMPOSE_ROOT)");
  verb->require_subcommand(1);
  verb->fallthrough();
  add_import(*verb, opts);
  add_ls(*verb, opts);
  add_rm(*verb, opts);
  add_inspect(*verb, opts);
}

}  // namespace cli
