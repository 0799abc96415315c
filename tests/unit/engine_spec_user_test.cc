// `user:` and `group_add:` against a temporary rootfs's /etc/passwd and /etc/group, read
// without following symlinks out of the rootfs.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/error.h"
#include "engine/user_db.h"

namespace engine {
namespace {

namespace fs = std::filesystem;

const char* const kPasswd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "# a comment\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "broken:x:notanumber:1::/:/bin/sh\n"
    "bob:x:1000:1000:Bob:/home/bob:/bin/sh\n"
    "nohome:x:1001:1001::\n";

const char* const kGroup =
    "root:x:0:\n"
    "wheel:x:10:root,bob\n"
    "audio:x:29:\n"
    "staff:x:50:alice,bob\n"
    "bob:x:1000:\n"
    "docker:x:999:\n";

class TempRoot {
 public:
  TempRoot() {
    char tmpl[] = "/tmp/engine-spec-user-XXXXXX";
    EXPECT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  ~TempRoot() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const fs::path& path() const { return dir_; }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
  }

 private:
  fs::path dir_;
};

// A rootfs at <tmp>/rootfs, so that files outside it (<tmp>/outside) can be pointed at.
class EngineSpecUser : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = tmp_.path() / "rootfs";
    fs::create_directories(root_ / "etc");
    tmp_.write("rootfs/etc/passwd", kPasswd);
    tmp_.write("rootfs/etc/group", kGroup);
  }
  ResolvedUser resolve(const std::string& spec, const std::vector<std::string>& add = {}) {
    return resolve_user(spec, add, load_user_db(root_));
  }
  std::string error_of(const std::string& spec, const std::vector<std::string>& add = {}) {
    try {
      resolve(spec, add);
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  }

  TempRoot tmp_;
  fs::path root_;
};

TEST(EngineSpecUserParse, PasswdSkipsCommentsAndBadLines) {
  auto entries = parse_passwd(kPasswd);
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].name, "root");
  EXPECT_EQ(entries[0].home, "/root");
  EXPECT_EQ(entries[2].name, "bob");
  EXPECT_EQ(entries[2].uid, 1000u);
  EXPECT_EQ(entries[2].gid, 1000u);
  EXPECT_EQ(entries[2].home, "/home/bob");
  EXPECT_EQ(entries[3].home, "");
}

TEST(EngineSpecUserParse, GroupMembers) {
  auto groups = parse_group(kGroup);
  ASSERT_EQ(groups.size(), 6u);
  EXPECT_EQ(groups[1].name, "wheel");
  EXPECT_EQ(groups[1].gid, 10u);
  EXPECT_EQ(groups[1].members, (std::vector<std::string>{"root", "bob"}));
  EXPECT_TRUE(groups[0].members.empty());
}

TEST_F(EngineSpecUser, EmptyIsRootWithItsGroupsAndHome) {
  ResolvedUser u = resolve("");
  EXPECT_EQ(u.uid, 0u);
  EXPECT_EQ(u.gid, 0u);
  EXPECT_EQ(u.additional_gids, (std::vector<gid_t>{10}));
  EXPECT_EQ(u.home, "/root");
}

TEST_F(EngineSpecUser, NameGivesUidGidHomeAndGroupsListingIt) {
  ResolvedUser u = resolve("bob");
  EXPECT_EQ(u.uid, 1000u);
  EXPECT_EQ(u.gid, 1000u);
  EXPECT_EQ(u.additional_gids, (std::vector<gid_t>{10, 50}));
  EXPECT_EQ(u.home, "/home/bob");
}

TEST_F(EngineSpecUser, NumericUidInPasswdIsThatEntry) {
  ResolvedUser u = resolve("1000");
  EXPECT_EQ(u.uid, 1000u);
  EXPECT_EQ(u.gid, 1000u);
  EXPECT_EQ(u.additional_gids, (std::vector<gid_t>{10, 50}));
  EXPECT_EQ(u.home, "/home/bob");
}

TEST_F(EngineSpecUser, NumericUidNotInPasswdIsFineWithGidZero) {
  ResolvedUser u = resolve("4242");
  EXPECT_EQ(u.uid, 4242u);
  EXPECT_EQ(u.gid, 0u);
  EXPECT_TRUE(u.additional_gids.empty());
  EXPECT_EQ(u.home, "/");
}

TEST_F(EngineSpecUser, EmptyHomeFieldFallsBackToSlash) {
  EXPECT_EQ(resolve("nohome").home, "/");
}

TEST_F(EngineSpecUser, NameAndGroupNameTakesNoSupplementaryGroups) {
  ResolvedUser u = resolve("bob:staff");
  EXPECT_EQ(u.uid, 1000u);
  EXPECT_EQ(u.gid, 50u);
  EXPECT_TRUE(u.additional_gids.empty());
}

TEST_F(EngineSpecUser, NameAndNumericGid) {
  ResolvedUser u = resolve("bob:4000");
  EXPECT_EQ(u.uid, 1000u);
  EXPECT_EQ(u.gid, 4000u);
}

TEST_F(EngineSpecUser, UidAndGidNeedNoEntries) {
  ResolvedUser u = resolve("4242:4343");
  EXPECT_EQ(u.uid, 4242u);
  EXPECT_EQ(u.gid, 4343u);
  EXPECT_TRUE(u.additional_gids.empty());
}

TEST_F(EngineSpecUser, UidAndGroupName) {
  ResolvedUser u = resolve("4242:docker");
  EXPECT_EQ(u.uid, 4242u);
  EXPECT_EQ(u.gid, 999u);
}

TEST_F(EngineSpecUser, UnknownUserName) {
  EXPECT_EQ(error_of("alice"), "user \"alice\": no such user in the image's /etc/passwd");
  EXPECT_EQ(error_of("alice:staff"), "user \"alice\": no such user in the image's /etc/passwd");
}

TEST_F(EngineSpecUser, UnknownGroupName) {
  EXPECT_EQ(error_of("bob:nogroup"),
            "user \"bob:nogroup\": no such group \"nogroup\" in the image's /etc/group");
}

TEST_F(EngineSpecUser, IdOutOfRange) {
  EXPECT_EQ(error_of("99999999999"), "user \"99999999999\": uid out of range");
  EXPECT_EQ(error_of("bob:99999999999"), "user \"bob:99999999999\": gid out of range");
}

TEST_F(EngineSpecUser, GroupAddByNameAndNumberAfterImplicitGroups) {
  ResolvedUser u = resolve("bob", {"audio", "4000", "docker", "wheel", "29"});
  EXPECT_EQ(u.additional_gids, (std::vector<gid_t>{10, 50, 29, 4000, 999}));
}

TEST_F(EngineSpecUser, GroupAddWithExplicitGroup) {
  ResolvedUser u = resolve("bob:staff", {"audio"});
  EXPECT_EQ(u.gid, 50u);
  EXPECT_EQ(u.additional_gids, (std::vector<gid_t>{29}));
}

TEST_F(EngineSpecUser, GroupAddUnknownName) {
  EXPECT_EQ(error_of("bob", {"video"}),
            "group_add \"video\": no such group in the image's /etc/group");
}

TEST_F(EngineSpecUser, NoPasswdFile) {
  fs::remove(root_ / "etc/passwd");
  EXPECT_EQ(resolve("123").uid, 123u);
  ResolvedUser root = resolve("");
  EXPECT_EQ(root.uid, 0u);
  EXPECT_EQ(root.home, "/");
  EXPECT_TRUE(root.additional_gids.empty());
  EXPECT_EQ(error_of("bob"),
            "user \"bob\": no such user in the image's /etc/passwd (the image has no "
            "/etc/passwd)");
}

TEST_F(EngineSpecUser, AbsoluteSymlinkOutOfRootfsIsNotFollowed) {
  // The host-side target has alice; inside the rootfs the same path does not exist.
  tmp_.write("outside/passwd", "alice:x:2000:2000::/home/alice:/bin/sh\n");
  fs::remove(root_ / "etc/passwd");
  fs::create_symlink(tmp_.path() / "outside/passwd", root_ / "etc/passwd");
  EXPECT_EQ(read_file_in_root(root_, "etc/passwd"), std::nullopt);
  EXPECT_EQ(error_of("alice"),
            "user \"alice\": no such user in the image's /etc/passwd (the image has no "
            "/etc/passwd)");
}

TEST_F(EngineSpecUser, RelativeSymlinkOutOfRootfsIsNotFollowed) {
  tmp_.write("outside/passwd", "alice:x:2000:2000::/home/alice:/bin/sh\n");
  fs::remove(root_ / "etc/passwd");
  fs::create_symlink("../../../../../../outside/passwd", root_ / "etc/passwd");
  EXPECT_EQ(read_file_in_root(root_, "etc/passwd"), std::nullopt);
  EXPECT_NE(error_of("alice").find("no such user"), std::string::npos);
}

TEST_F(EngineSpecUser, SymlinkedEtcDirectoryResolvesInsideRootfs) {
  // /etc -> /private/etc is resolved against the rootfs, as the container would see it.
  tmp_.write("rootfs/private/etc/passwd", "carol:x:3000:3000::/home/carol:/bin/sh\n");
  fs::remove_all(root_ / "etc");
  fs::create_symlink("/private/etc", root_ / "etc");
  ResolvedUser u = resolve("carol");
  EXPECT_EQ(u.uid, 3000u);
  EXPECT_EQ(u.home, "/home/carol");
}

TEST_F(EngineSpecUser, FifoIsRefusedWithoutBlocking) {
  fs::remove(root_ / "etc/passwd");
  ASSERT_EQ(mkfifo((root_ / "etc/passwd").c_str(), 0644), 0);
  try {
    load_user_db(root_);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "/etc/passwd in " + root_.string() + ": not a regular file");
  }
}

TEST_F(EngineSpecUser, MissingRootfsIsAnError) {
  EXPECT_THROW(load_user_db(tmp_.path() / "nope"), Error);
  EXPECT_FALSE(load_user_db("").passwd.has_value());
}

}  // namespace
}  // namespace engine
