// `cp`'s endpoints and copy rules (docker cp's): SERVICE:PATH vs local paths, a file into a
// directory or onto a new name, a tree with its modes and symlinks, "DIR/." contents, and
// a symlink at the destination replaced rather than written through. The "container" here
// is this process's own root (/proc/<self>/root), so it runs without privileges.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/container_copy.h"

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class CopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/bc-copy-test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The test's "container" path for a path below the temp dir.
  engine::CopyEndpoint in_container(const std::string& rel) {
    return {"web", (dir_ / rel).string()};
  }
  engine::CopyEndpoint on_host(const std::string& rel) { return {"", (dir_ / rel).string()}; }
  void copy(const engine::CopyEndpoint& src, const engine::CopyEndpoint& dest) {
    engine::copy_path(::getpid(), src, dest, {});
  }

  fs::path dir_;
};

TEST(CopyEndpoint, ServiceOrLocal) {
  EXPECT_EQ(engine::parse_copy_endpoint("web:/etc/passwd").service, "web");
  EXPECT_EQ(engine::parse_copy_endpoint("web:/etc/passwd").path, "/etc/passwd");
  EXPECT_EQ(engine::parse_copy_endpoint("./a:b").service, "");
  EXPECT_EQ(engine::parse_copy_endpoint("/tmp/a:b").service, "");
  EXPECT_EQ(engine::parse_copy_endpoint("dir/a:b").service, "");
  EXPECT_EQ(engine::parse_copy_endpoint("file.txt").service, "");
  EXPECT_EQ(engine::parse_copy_endpoint("file.txt").path, "file.txt");
}

TEST_F(CopyTest, FileIntoDirectoryAndOntoNewName) {
  std::ofstream(dir_ / "a.txt") << "hello";
  ::chmod((dir_ / "a.txt").c_str(), 0751);
  fs::create_directory(dir_ / "box");
  copy(on_host("a.txt"), in_container("box"));
  EXPECT_EQ(slurp(dir_ / "box/a.txt"), "hello");
  struct stat st;
  ASSERT_EQ(::stat((dir_ / "box/a.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0751u);
  copy(in_container("box/a.txt"), on_host("b.txt"));
  EXPECT_EQ(slurp(dir_ / "b.txt"), "hello");
}

TEST_F(CopyTest, TreeWithSymlinkKeptAsLink) {
  fs::create_directories(dir_ / "src/sub");
  std::ofstream(dir_ / "src/sub/f") << "deep";
  fs::create_symlink("/etc/passwd", dir_ / "src/link");
  copy(on_host("src"), in_container("dst"));  // dst does not exist: becomes the copy
  EXPECT_EQ(slurp(dir_ / "dst/sub/f"), "deep");
  EXPECT_TRUE(fs::is_symlink(dir_ / "dst/link"));
  EXPECT_EQ(fs::read_symlink(dir_ / "dst/link"), "/etc/passwd");
  copy(on_host("src"), in_container("dst"));  // dst exists: into it
  EXPECT_EQ(slurp(dir_ / "dst/src/sub/f"), "deep");
}

TEST_F(CopyTest, DirectoryContentsWithDot) {
  fs::create_directories(dir_ / "src");
  std::ofstream(dir_ / "src/x") << "x";
  fs::create_directory(dir_ / "out");
  copy(in_container("src/."), on_host("out"));
  EXPECT_EQ(slurp(dir_ / "out/x"), "x");
}

TEST_F(CopyTest, SymlinkAtDestinationIsReplacedNotFollowed) {
  std::ofstream(dir_ / "victim") << "untouched";
  std::ofstream(dir_ / "new") << "new";
  fs::create_directory(dir_ / "box");
  fs::create_symlink(dir_ / "victim", dir_ / "box/new");
  copy(on_host("new"), in_container("box"));
  EXPECT_EQ(slurp(dir_ / "victim"), "untouched");
  EXPECT_FALSE(fs::is_symlink(dir_ / "box/new"));
  EXPECT_EQ(slurp(dir_ / "box/new"), "new");
}

TEST_F(CopyTest, ErrorsNameThePath) {
  try {
    copy(in_container("missing"), on_host("x"));
    FAIL() << "copied a missing file";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("web:" + (dir_ / "missing").string()), std::string::npos)
        << e.what();
  }
  fs::create_directory(dir_ / "d");
  std::ofstream(dir_ / "f") << "f";
  EXPECT_THROW(copy(on_host("d"), in_container("f")), std::exception);
  EXPECT_THROW(copy(on_host("f"), in_container("nodir/")), std::exception);
}

}  // namespace

namespace {

TEST_F(CopyTest, SetIdBitsAreDroppedOnTheWayToTheHostWithoutArchive) {
  std::ofstream(dir_ / "prog") << "#!/bin/sh\n";
  ASSERT_EQ(::chmod((dir_ / "prog").c_str(), 06755), 0);
  copy(in_container("prog"), on_host("plain"));
  engine::copy_path(::getpid(), in_container("prog"), on_host("kept"), {true});
  struct stat plain, kept;
  ASSERT_EQ(::stat((dir_ / "plain").c_str(), &plain), 0);
  ASSERT_EQ(::stat((dir_ / "kept").c_str(), &kept), 0);
  EXPECT_EQ(plain.st_mode & 07777, 0755u);
  EXPECT_EQ(kept.st_mode & 07777, 06755u);
}

TEST_F(CopyTest, AFifoIsRefusedNotWaitedOn) {
  ASSERT_EQ(::mkfifo((dir_ / "pipe").c_str(), 0644), 0);
  EXPECT_THROW(copy(in_container("pipe"), on_host("out")), std::exception);
}

}  // namespace
