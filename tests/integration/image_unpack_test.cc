// Layer unpacking on a real file system (root): hostile tarballs are refused at import and
// at extraction and nothing lands outside the layer; whiteouts become overlayfs' own.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "boximg/error.h"
#include "boximg/layer_unpack.h"
#include "boximg/store.h"
#include "boximg_testing/fixtures.h"

namespace image {
namespace {

namespace fs = std::filesystem;
namespace it = image::testing;
using it::TarEntry;

std::set<std::string> tree(const fs::path& dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (auto i = fs::recursive_directory_iterator(dir, ec); !ec && i != fs::end(i); i.increment(ec))
    out.insert(fs::relative(i->path(), dir).string());
  return out;
}

std::string xattr_of(const fs::path& p, const char* name) {
  char buf[64] = {};
  ssize_t n = lgetxattr(p.c_str(), name, buf, sizeof buf - 1);
  return n < 0 ? "(none)" : std::string(buf, static_cast<std::size_t>(n));
}

class ImageUnpackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    base_ = tmp_.path();
    outside_ = base_ + "/outside";
    fs::create_directories(outside_);
    store_ = std::make_unique<Store>(base_ + "/store");
  }

  void TearDown() override {
    if (!store_) return;
    EXPECT_TRUE(tree(outside_).empty()) << "something escaped into " << outside_;
    EXPECT_TRUE(tree(base_ + "/store/tmp").empty()) << "temporary files left";
  }

  std::string tar(const std::string& name, const std::vector<TarEntry>& entries) {
    std::string path = base_ + "/" + name + ".tar";
    it::write_tar(path, entries);
    return path;
  }

  // The import is refused with a message naming `why`, and nothing is stored.
  void expect_import_refused(const std::string& tarball, const std::string& why) {
    SCOPED_TRACE(tarball);
    try {
      store_->import_image(ImportOptions{tarball, "evil:1", {}, ""});
      ADD_FAILURE() << "imported";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
    EXPECT_TRUE(store_->list().empty());
    EXPECT_TRUE(tree(base_ + "/store/images/blobs/sha256").empty());
    EXPECT_TRUE(tree(base_ + "/store/layers").empty());
  }

  // Extracting straight into a fresh directory (no import-time check) is refused too.
  void expect_extract_refused(const std::string& tarball, const std::string& why) {
    SCOPED_TRACE(tarball);
    fs::path dest = base_ + "/dest-" + fs::path(tarball).stem().string();
    fs::create_directories(dest);
    try {
      extract_layer(tarball, dest);
      ADD_FAILURE() << "extracted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  }

  it::TempDir tmp_;
  std::string base_;
  std::string outside_;
  std::unique_ptr<Store> store_;
};

TEST_F(ImageUnpackTest, DotDotRefused) {
  std::string t = tar("dotdot", {it::file("ok"), it::file("../outside/escaped"),
                                 it::file("a/../../outside/escaped2")});
  expect_import_refused(t, "contains \"..\"");
  expect_extract_refused(t, "contains \"..\"");
  EXPECT_FALSE(fs::exists(base_ + "/escaped"));
}

TEST_F(ImageUnpackTest, AbsolutePathRefused) {
  std::string t = tar("absolute", {it::file(outside_ + "/escaped")});
  expect_import_refused(t, "refusing absolute path");
  expect_extract_refused(t, "refusing absolute path");
}

TEST_F(ImageUnpackTest, SymlinkThenFileThroughItRefused) {
  std::string t = tar("symlink", {it::symlink("link", outside_), it::file("link/escaped")});
  expect_import_refused(t, "below the symlink \"link\"");
  expect_extract_refused(t, "below the symlink \"link\"");
  std::string rel = tar("symlink-rel", {it::dir("d"), it::symlink("d/up", "../../outside"),
                                        it::file("d/up/escaped")});
  expect_import_refused(rel, "below the symlink \"d/up\"");
  expect_extract_refused(rel, "below the symlink \"d/up\"");
}

TEST_F(ImageUnpackTest, HardLinkOutsideRefused) {
  expect_import_refused(tar("hard-abs", {it::hardlink("h", "/etc/passwd")}),
                        "refusing absolute path");
  expect_import_refused(tar("hard-up", {it::hardlink("h", "../outside/x")}), "contains \"..\"");
  std::string through =
      tar("hard-through", {it::symlink("etc", "/etc"), it::hardlink("h", "etc/passwd")});
  expect_import_refused(through, "below the symlink \"etc\"");
  expect_extract_refused(through, "below the symlink \"etc\"");
}

TEST_F(ImageUnpackTest, LibarchiveRefusesSymlinksAlreadyOnDisk) {
  // Only the on-disk check can see this one: the symlink was not made by the archive.
  fs::path dest = base_ + "/dest";
  fs::create_directories(dest);
  fs::create_symlink(outside_, dest / "link");
  std::string t = tar("plain", {it::file("link/escaped")});
  try {
    extract_layer(t, dest);
    ADD_FAILURE() << "extracted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("symlink"), std::string::npos) << e.what();
  }
}

TEST_F(ImageUnpackTest, WhiteoutsBecomeOverlayWhiteouts) {
  TarEntry wh = it::file("etc/.wh.motd", "");
  wh.uid = wh.gid = 7;
  std::string t = tar("whiteouts", {it::dir("etc"), wh, it::dir("var/cache", 0750),
                                    it::file("var/cache/.wh..wh..opq", ""),
                                    it::file("var/cache/new"), it::file("top/.wh..wh.plnk", "")});
  fs::path dest = base_ + "/dest";
  fs::create_directories(dest);
  ExtractResult r = extract_layer(t, dest);
  EXPECT_TRUE(r.recorded_whiteouts.empty());
  struct stat st {};
  ASSERT_EQ(lstat((dest / "etc/motd").c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(st.st_rdev, makedev(0, 0));
  EXPECT_EQ(st.st_uid, 7u);
  EXPECT_FALSE(fs::exists(dest / "etc/.wh.motd"));
  EXPECT_EQ(xattr_of(dest / "var/cache", "trusted.overlay.opaque"), "y");
  EXPECT_FALSE(fs::exists(dest / "var/cache/.wh..wh..opq"));
  EXPECT_TRUE(fs::exists(dest / "var/cache/new"));
  EXPECT_EQ(fs::status(dest / "var/cache").permissions() & fs::perms::all,
            static_cast<fs::perms>(0750));
  EXPECT_FALSE(fs::exists(dest / "top/.wh..wh.plnk"));  // AUFS bookkeeping is dropped
}

TEST_F(ImageUnpackTest, ArchiveCannotForgeOverlayMetadata) {
  TarEntry forged = it::dir("d");
  forged.xattrs = {
      {"trusted.overlay.opaque", "y"}, {"trusted.overlay.redirect", "/x"}, {"user.kept", "1"}};
  fs::path dest = base_ + "/dest";
  fs::create_directories(dest);
  extract_layer(tar("forged", {forged}), dest);
  EXPECT_EQ(xattr_of(dest / "d", "trusted.overlay.opaque"), "(none)");
  EXPECT_EQ(xattr_of(dest / "d", "trusted.overlay.redirect"), "(none)");
  EXPECT_EQ(xattr_of(dest / "d", "user.kept"), "1");
}

TEST_F(ImageUnpackTest, ImportedWhiteoutLayerInStore) {
  std::string t = tar("wh-store", {it::file("etc/.wh.gone", ""), it::file("etc/kept", "k")});
  store_->import_image(ImportOptions{t, "wh:1", {}, ""});
  ResolvedImage img = store_->require("wh:1");
  ASSERT_EQ(img.layer_dirs.size(), 1u);
  EXPECT_EQ(tree(img.layer_dirs[0]), (std::set<std::string>{"etc", "etc/gone", "etc/kept"}));
  EXPECT_TRUE(fs::is_character_file(fs::symlink_status(img.layer_dirs[0] / "etc/gone")));
  store_->remove("wh:1");
  EXPECT_TRUE(tree(base_ + "/store/layers").empty());
}

TEST_F(ImageUnpackTest, DigestMismatchRefused) {
  std::string t = tar("plain", {it::file("a")});
  fs::path dest = base_ + "/dest";
  fs::create_directories(dest);
  EXPECT_THROW(extract_layer(t, dest, "sha256:" + std::string(64, '0')), Error);
}

}  // namespace
}  // namespace image
