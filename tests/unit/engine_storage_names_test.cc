// The pure parts of container storage: anonymous volume names, volume name checks, service
// `tmpfs:` entries and the order of mounts.
#include <gtest/gtest.h>

#include "engine/error.h"
#include "engine/safe_path.h"
#include "engine/storage.h"

namespace engine {
namespace {

TEST(EngineStorageNames, AnonymousVolumeNameIsStablePerContainerAndTarget) {
  std::string a = anonymous_volume_name("proj-web-1", "/var/lib/data");
  EXPECT_EQ(a, anonymous_volume_name("proj-web-1", "/var/lib/data/"));
  EXPECT_EQ(a, anonymous_volume_name("proj-web-1", "/var//lib/./data"));
  EXPECT_NE(a, anonymous_volume_name("proj-web-1", "/var/lib/other"));
  EXPECT_NE(a, anonymous_volume_name("proj-web-2", "/var/lib/data"));
  ASSERT_TRUE(a.starts_with("proj-web-1_anon_"));
  EXPECT_EQ(a.size(), std::string("proj-web-1_anon_").size() + 8);
  // `printf /data | sha256sum` begins with these digits.
  EXPECT_EQ(anonymous_volume_name("c", "/data"), "c_anon_bd47413b");
  EXPECT_TRUE(valid_volume_name(a));
}

TEST(EngineStorageNames, VolumeNamesAreDockers) {
  EXPECT_TRUE(valid_volume_name("proj_data"));
  EXPECT_TRUE(valid_volume_name("a.b-c_1"));
  EXPECT_FALSE(valid_volume_name(""));
  EXPECT_FALSE(valid_volume_name(".."));
  EXPECT_FALSE(valid_volume_name("_x"));
  EXPECT_FALSE(valid_volume_name("a/b"));
  EXPECT_FALSE(valid_volume_name("a b"));
  EXPECT_THROW(volume_dir("/r", "../etc"), Error);
  EXPECT_EQ(volume_dir("/r", "proj_data"), "/r/volumes/proj_data");
}

TEST(EngineStorageNames, TmpfsEntries) {
  boxrt::Mount m = parse_tmpfs_entry("/run");
  EXPECT_EQ(m.destination, "/run");
  EXPECT_EQ(m.type, "tmpfs");
  EXPECT_EQ(m.source, "tmpfs");
  EXPECT_EQ(m.options, (std::vector<std::string>{"nosuid", "nodev", "noexec"}));
  m = parse_tmpfs_entry("/run:size=64m,mode=1777,,tmpcopyup,uid=1000");
  EXPECT_EQ(m.options, (std::vector<std::string>{"nosuid", "nodev", "noexec", "size=64m",
                                                 "mode=1777", "uid=1000"}));
}

TEST(EngineStorageNames, MountsSortParentsFirstKeepingOrderWithinADepth) {
  std::vector<boxrt::Mount> mounts = {{"/a/b/c", "tmpfs", "", {}},
                                      {"/z", "tmpfs", "1", {}},
                                      {"/a/b", "tmpfs", "", {}},
                                      {"/a", "tmpfs", "", {}},
                                      {"/y/", "tmpfs", "2", {}}};
  sort_mounts(mounts);
  std::vector<std::string> order;
  for (const auto& m : mounts)
    order.push_back(m.destination);
  EXPECT_EQ(order, (std::vector<std::string>{"/z", "/a", "/y/", "/a/b", "/a/b/c"}));
}

TEST(EngineStorageNames, SubpathsStayInside) {
  EXPECT_TRUE(is_plain_relative("a/b"));
  EXPECT_TRUE(is_plain_relative("a/./b"));
  EXPECT_FALSE(is_plain_relative(""));
  EXPECT_FALSE(is_plain_relative("/a"));
  EXPECT_FALSE(is_plain_relative("a/../../b"));
}

}  // namespace
}  // namespace engine
