// The image store on a real file system (root): import of a busybox rootfs tarball and
// directory, the OCI layout it writes, ls/inspect/rm, garbage collection, and recovery
// from writes a crash interrupted.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>

#include "boximg/digest.h"
#include "boximg/error.h"
#include "boximg/store.h"
#include "boximg_testing/fixtures.h"

namespace image {
namespace {

namespace fs = std::filesystem;
namespace it = image::testing;
using nlohmann::json;

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    out.insert(e.path().filename().string());
  return out;
}

struct stat lstat_of(const fs::path& p) {
  struct stat st {};
  if (lstat(p.c_str(), &st) != 0) ADD_FAILURE() << "lstat " << p << ": " << strerror(errno);
  return st;
}

class ImageStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    root_ = tmp_.path() + "/store";
    rootfs_ = it::make_busybox_rootfs(tmp_.path());
    tarball_ = tmp_.path() + "/busybox.tar.gz";
    std::string cmd = "tar --numeric-owner --xattrs -C " + rootfs_ + " -czf " + tarball_ + " .";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    store_ = std::make_unique<Store>(root_);
  }

  void TearDown() override {
    if (!store_) return;
    EXPECT_TRUE(names_in(root_ + "/tmp").empty()) << "temporary files left in tmp/";
  }

  ImageSummary import(const std::string& source, const std::string& ref,
                      std::vector<std::string> changes = {}) {
    return store_->import_image(ImportOptions{source, ref, std::move(changes), ""});
  }

  // Every blob's name is the sha256 of its bytes.
  void expect_blobs_content_addressed() {
    for (const auto& name : names_in(root_ + "/images/blobs/sha256"))
      EXPECT_EQ(sha256_digest(it::read_text(root_ + "/images/blobs/sha256/" + name)),
                "sha256:" + name);
  }

  // The unpacked layer matches the rootfs it came from: bytes, modes, owners, links.
  void expect_layer_like_rootfs(const fs::path& layer) {
    EXPECT_EQ(it::read_text(layer / "bin/busybox"), it::read_text("/bin/busybox"));
    EXPECT_EQ(lstat_of(layer / "bin/busybox").st_mode & 07777, 0755u);
    EXPECT_EQ(lstat_of(layer / "bin/su").st_mode & 07777, 04755u);
    EXPECT_EQ(fs::read_symlink(layer / "bin/sh"), "busybox");
    EXPECT_EQ(lstat_of(layer / "bin/busybox.hard").st_ino, lstat_of(layer / "bin/busybox").st_ino);
    EXPECT_EQ(lstat_of(layer / "etc/shadow").st_mode & 07777, 0600u);
    EXPECT_EQ(lstat_of(layer / "root").st_mode & 07777, 0700u);
    EXPECT_EQ(lstat_of(layer / "tmp").st_mode & 07777, 01777u);
    EXPECT_TRUE(S_ISFIFO(lstat_of(layer / "tmp/fifo").st_mode));
    struct stat owned = lstat_of(layer / "var/spool/owned");
    EXPECT_EQ(owned.st_uid, 1234u);
    EXPECT_EQ(owned.st_gid, 5678u);
    EXPECT_EQ(it::read_text(layer / "var/spool/owned"), "mine\n");
  }

  it::TempDir tmp_;
  std::string root_;
  std::string rootfs_;
  std::string tarball_;
  std::unique_ptr<Store> store_;
};

TEST_F(ImageStoreTest, ImportsGzipTarballAsOciLayout) {
  ImageSummary img = import(tarball_, "busybox:local",
                            {"CMD [\"sh\"]", "ENTRYPOINT [\"/bin/busybox\"]", "ENV A=1 B=\"x y\"",
                             "USER 1000:1000", "WORKDIR /srv", "EXPOSE 8080/tcp", "LABEL k=v"});
  EXPECT_EQ(img.name, "busybox");
  EXPECT_EQ(img.tag, "local");
  EXPECT_EQ(json::parse(it::read_text(root_ + "/images/oci-layout")),
            json::parse(R"({"imageLayoutVersion":"1.0.0"})"));
  json index = json::parse(it::read_text(root_ + "/images/index.json"));
  ASSERT_EQ(index["manifests"].size(), 1u);
  const json& entry = index["manifests"][0];
  EXPECT_EQ(entry["annotations"]["org.opencontainers.image.ref.name"], "busybox:local");
  EXPECT_EQ(entry["mediaType"], "application/vnd.oci.image.manifest.v1+json");

  std::string blobs = root_ + "/images/blobs/sha256/";
  json manifest =
      json::parse(it::read_text(blobs + digest_hex(entry["digest"].get<std::string>())));
  EXPECT_EQ(manifest["config"]["digest"], img.id);
  ASSERT_EQ(manifest["layers"].size(), 1u);
  std::string layer_digest = manifest["layers"][0]["digest"];
  EXPECT_EQ(manifest["layers"][0]["size"], fs::file_size(blobs + digest_hex(layer_digest)));

  json config = json::parse(it::read_text(blobs + digest_hex(img.id)));
  EXPECT_EQ(config["os"], "linux");
  EXPECT_EQ(config["architecture"], host_architecture());
  EXPECT_EQ(config["rootfs"]["diff_ids"], json({layer_digest}));  // uncompressed layer
  EXPECT_EQ(config["config"]["Cmd"], json({"sh"}));
  EXPECT_EQ(config["config"]["Entrypoint"], json({"/bin/busybox"}));
  EXPECT_EQ(config["config"]["Env"], json({"A=1", "B=x y"}));
  EXPECT_EQ(config["config"]["User"], "1000:1000");
  EXPECT_EQ(config["config"]["WorkingDir"], "/srv");
  EXPECT_EQ(config["config"]["ExposedPorts"], json::parse(R"({"8080/tcp":{}})"));
  EXPECT_EQ(config["config"]["Labels"], json::parse(R"({"k":"v"})"));
  EXPECT_EQ(config["history"][0]["comment"], "Imported from " + tarball_);
  expect_blobs_content_addressed();

  fs::path layer = root_ + "/layers/" + digest_hex(layer_digest);
  expect_layer_like_rootfs(layer);
  EXPECT_EQ(lstat_of(root_ + "/layers").st_mode & 0777, 0700u);
}

TEST_F(ImageStoreTest, ResolveGivesConfigAndLayerDirs) {
  import(tarball_, "busybox:local", {"CMD sleep 1", "HEALTHCHECK --interval=2s CMD true"});
  std::optional<ResolvedImage> img = store_->resolve("busybox:local");
  ASSERT_TRUE(img);
  EXPECT_EQ(img->reference, "busybox:local");
  EXPECT_EQ(img->config.cmd, (std::vector<std::string>{"/bin/sh", "-c", "sleep 1"}));
  ASSERT_TRUE(img->config.healthcheck);
  EXPECT_EQ(img->config.healthcheck->interval_ns, 2'000'000'000);
  ASSERT_EQ(img->layer_dirs.size(), 1u);
  EXPECT_EQ(img->layer_dirs[0], fs::path(root_) / "layers" / digest_hex(img->diff_ids[0]));
  expect_layer_like_rootfs(img->layer_dirs[0]);
  // Docker Hub spellings of the same name resolve to it too.
  EXPECT_TRUE(store_->resolve("docker.io/library/busybox:local"));
  EXPECT_FALSE(store_->resolve("busybox"));  // :latest
  EXPECT_FALSE(store_->resolve("nginx:1.27"));
  try {
    store_->require("nginx:1.27");
    ADD_FAILURE() << "no error";
  } catch (const ImageNotFound& e) {
    EXPECT_STREQ(e.what(),
                 "image \"nginx:1.27\" not found locally (try: boxcompose image import ...)");
  }
}

TEST_F(ImageStoreTest, ResolveInEmptyRootCreatesNothing) {
  EXPECT_FALSE(store_->resolve("busybox:local"));
  EXPECT_TRUE(store_->list().empty());
  EXPECT_FALSE(store_->inspect("busybox"));
  EXPECT_THROW(store_->remove("busybox"), Error);
  EXPECT_FALSE(fs::exists(root_));
}

TEST_F(ImageStoreTest, ImportsDirectory) {
  ImageSummary img = import(rootfs_, "bb");
  EXPECT_EQ(img.tag, "latest");
  ResolvedImage r = store_->require("bb");
  ASSERT_EQ(r.layer_dirs.size(), 1u);
  expect_layer_like_rootfs(r.layer_dirs[0]);
  expect_blobs_content_addressed();
}

TEST_F(ImageStoreTest, PreservesXattrs) {
  std::string f = rootfs_ + "/etc/passwd";
  ASSERT_EQ(setxattr(f.c_str(), "user.origin", "host", 4, 0), 0) << strerror(errno);
  ResolvedImage r = (import(rootfs_, "bb:x"), store_->require("bb:x"));
  char value[16] = {};
  fs::path copy = r.layer_dirs[0] / "etc/passwd";
  ASSERT_EQ(getxattr(copy.c_str(), "user.origin", value, sizeof value), 4) << strerror(errno);
  EXPECT_STREQ(value, "host");
}

TEST_F(ImageStoreTest, ListInspectAndRemoveWithGarbageCollection) {
  ImageSummary a = import(tarball_, "busybox:local");
  ImageSummary b = import(rootfs_, "acme/tools:1", {"LABEL who=me"});
  std::vector<ImageSummary> all = store_->list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "acme/tools");  // newest first
  EXPECT_EQ(all[1].id, a.id);
  EXPECT_GT(all[1].size, 1'000'000);

  std::optional<ImageDetails> d = store_->inspect("acme/tools:1");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->id, b.id);
  EXPECT_EQ(d->repo_tags, std::vector<std::string>{"acme/tools:1"});
  EXPECT_EQ(d->image.config.labels.at("who"), "me");
  ASSERT_TRUE(store_->inspect(short_id(b.id)));  // by ID prefix
  EXPECT_EQ(store_->inspect(short_id(b.id))->id, b.id);

  std::set<std::string> blobs_before = names_in(root_ + "/images/blobs/sha256");
  EXPECT_EQ(blobs_before.size(), 6u);  // 2 x (layer, config, manifest)
  RemoveResult r = store_->remove("busybox:local");
  EXPECT_EQ(r.untagged, std::vector<std::string>{"busybox:local"});
  EXPECT_EQ(r.deleted, std::vector<std::string>{a.id});
  EXPECT_EQ(r.gc.removed_blobs.size(), 3u);
  EXPECT_EQ(r.gc.removed_layers.size(), 1u);
  EXPECT_EQ(names_in(root_ + "/images/blobs/sha256").size(), 3u);
  EXPECT_EQ(names_in(root_ + "/layers").size(), 1u);
  EXPECT_FALSE(store_->resolve("busybox:local"));
  EXPECT_TRUE(store_->resolve("acme/tools:1"));
  expect_blobs_content_addressed();

  store_->remove("acme/tools:1");
  EXPECT_TRUE(names_in(root_ + "/images/blobs/sha256").empty());
  EXPECT_TRUE(names_in(root_ + "/layers").empty());
  EXPECT_TRUE(store_->list().empty());
  EXPECT_THROW(store_->remove("acme/tools:1"), Error);
}

TEST_F(ImageStoreTest, SharedContentStaysWhileOneTagRemains) {
  ImageSummary a = import(tarball_, "one:1", {"CMD [\"a\"]"});
  ImageSummary b = import(tarball_, "two:2", {"CMD [\"b\"]"});
  ASSERT_NE(a.id, b.id);
  // Same rootfs bytes, same layer: stored and unpacked once.
  ResolvedImage ra = store_->require("one:1"), rb = store_->require("two:2");
  EXPECT_EQ(ra.diff_ids, rb.diff_ids);
  EXPECT_EQ(names_in(root_ + "/layers").size(), 1u);
  store_->remove("one:1");
  EXPECT_EQ(names_in(root_ + "/layers").size(), 1u);
  EXPECT_TRUE(fs::exists(rb.layer_dirs[0] / "bin/busybox"));
}

TEST_F(ImageStoreTest, ReimportMovesTheTagAndCollectsTheOldImage) {
  ImageSummary first = import(tarball_, "bb:1", {"CMD [\"old\"]"});
  ImageSummary second = import(tarball_, "bb:1", {"CMD [\"new\"]"});
  ASSERT_EQ(store_->list().size(), 1u);
  EXPECT_EQ(store_->require("bb:1").config.cmd, std::vector<std::string>{"new"});
  EXPECT_FALSE(fs::exists(root_ + "/images/blobs/sha256/" + digest_hex(first.id)));
  EXPECT_TRUE(fs::exists(root_ + "/images/blobs/sha256/" + digest_hex(second.id)));
}

TEST_F(ImageStoreTest, RemoveByIdNeedsForceForSeveralTags) {
  ImageSummary a = import(tarball_, "x:1");
  // A second tag on the same image: same config bytes cannot be produced twice (the
  // creation time differs), so tag through the index as `docker tag` would.
  json index = json::parse(it::read_text(root_ + "/images/index.json"));
  json second = index["manifests"][0];
  second["annotations"]["org.opencontainers.image.ref.name"] = "x:2";
  index["manifests"].push_back(second);
  std::ofstream(root_ + "/images/index.json") << index.dump();
  EXPECT_EQ(store_->inspect("x:1")->repo_tags, (std::vector<std::string>{"x:1", "x:2"}));
  EXPECT_THROW(store_->remove(short_id(a.id)), Error);
  RemoveResult r = store_->remove(short_id(a.id), true);
  EXPECT_EQ(r.untagged, (std::vector<std::string>{"x:1", "x:2"}));
  EXPECT_EQ(r.deleted, std::vector<std::string>{a.id});
  EXPECT_TRUE(names_in(root_ + "/images/blobs/sha256").empty());
}

TEST_F(ImageStoreTest, ConcurrentImportsAndReadsAreSerialized) {
  // Separate Store objects, as separate boxcompose processes would have: only the lock
  // file keeps their index updates and garbage collections apart.
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      try {
        Store store(root_);
        store.import_image(
            ImportOptions{i % 2 ? tarball_ : rootfs_, "c:" + std::to_string(i), {}, ""});
        store.list();
        store.resolve("c:0");
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(store_->list().size(), 4u);
  for (int i = 0; i < 4; ++i)
    expect_layer_like_rootfs(store_->require("c:" + std::to_string(i)).layer_dirs[0]);
  expect_blobs_content_addressed();
}

TEST_F(ImageStoreTest, RecoversFromAnInterruptedWrite) {
  import(tarball_, "bb:1");
  ResolvedImage r = store_->require("bb:1");
  // A crash mid-unpack leaves only tmp/ entries; a crash between blob writes leaves
  // unreferenced blobs. Neither is visible as an image, and GC clears both.
  fs::create_directories(root_ + "/tmp/layer-0123-XXXXXX/bin");
  std::ofstream(root_ + "/tmp/file-abcdef") << "half a blob";
  std::string stray = root_ + "/images/blobs/sha256/" + std::string(64, 'e');
  std::ofstream(stray) << "unreferenced";
  fs::remove_all(r.layer_dirs[0]);  // as if layers/ had been lost

  ResolvedImage again = store_->require("bb:1");  // unpacks the layer again
  expect_layer_like_rootfs(again.layer_dirs[0]);
  GcReport gc = store_->collect_garbage();
  EXPECT_EQ(gc.removed_temp, 2u);
  EXPECT_EQ(gc.removed_blobs, std::vector<std::string>{"sha256:" + std::string(64, 'e')});
  EXPECT_FALSE(fs::exists(stray));
  EXPECT_TRUE(names_in(root_ + "/tmp").empty());
}

TEST_F(ImageStoreTest, CorruptLayerBlobIsNotUnpacked) {
  import(tarball_, "bb:1");
  ResolvedImage r = store_->require("bb:1");
  fs::path blob = fs::path(root_) / "images/blobs/sha256" / digest_hex(r.diff_ids[0]);
  fs::permissions(blob, fs::perms::owner_write, fs::perm_options::add);
  {
    // Inside busybox's bytes: the tar still reads, only the digest tells.
    std::fstream f(blob, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(blob) / 2));
    f.write("garbage!", 8);
  }
  fs::remove_all(r.layer_dirs[0]);
  try {
    store_->require("bb:1");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("corrupt"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(r.layer_dirs[0]));
}

TEST_F(ImageStoreTest, BadInputFailsBeforeAnythingIsStored) {
  EXPECT_THROW(import(tmp_.path() + "/missing.tar", "bb:1"), Error);
  EXPECT_THROW(import(tarball_, "Bad:Name"), Error);
  EXPECT_THROW(import(tarball_, "bb:1", {"RUN true"}), Error);
  std::string not_tar = tmp_.path() + "/not.tar";
  std::ofstream(not_tar) << "this is not a tarball";
  EXPECT_THROW(import(not_tar, "bb:1"), Error);
  EXPECT_TRUE(store_->list().empty());
  EXPECT_TRUE(names_in(root_ + "/images/blobs/sha256").empty());
}

}  // namespace
}  // namespace image
