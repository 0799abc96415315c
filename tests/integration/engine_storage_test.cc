// A container's storage on the real kernel (root): the overlay root over image layers,
// and the volumes, binds, tmpfs, secrets and configs prepare_storage makes for a service.
// Each test works in its own temporary root and checks that nothing stays mounted.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "boxrt_testing/rootfs.h"
#include "engine/error.h"
#include "engine/safe_path.h"
#include "engine/storage.h"

namespace engine {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const fs::path& p, const std::string& text, mode_t mode = 0644) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
  chmod(p.c_str(), mode);
}

struct stat lstat_of(const fs::path& p) {
  struct stat st {};
  if (lstat(p.c_str(), &st) != 0) ADD_FAILURE() << "lstat " << p << ": " << strerror(errno);
  return st;
}

int count_mounts_at(const fs::path& p) {
  std::istringstream in(read_text("/proc/self/mountinfo"));
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string id, parent, dev, root, mount_point;
    f >> id >> parent >> dev >> root >> mount_point;
    n += mount_point == p.string();
  }
  return n;
}

bool kernel_at_least(int major, int minor) {
  struct utsname u;
  uname(&u);
  int ma = 0, mi = 0;
  std::sscanf(u.release, "%d.%d", &ma, &mi);
  return ma > major || (ma == major && mi >= minor);
}

class EngineStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    root_ = fs::path(tmp_.path()) / "root";
    fs::create_directories(root_);
    project_.name = "proj";
    project_.working_dir = tmp_.path();
    service_.name = "web";
  }

  void TearDown() override {
    if (root_.empty()) return;
    EXPECT_EQ(read_text("/proc/self/mountinfo").find(tmp_.path()), std::string::npos)
        << "a mount leaked";
  }

  fs::path layer(const std::string& name) {
    fs::path p = fs::path(tmp_.path()) / "layers" / name;
    fs::create_directories(p);
    return p;
  }
  fs::path container_dir(const std::string& name = "proj-web-1") {
    return root_ / "containers" / name;
  }

  StorageInputs inputs(const RootfsLayout& rootfs) {
    StorageInputs in;
    in.root = root_;
    in.project = &project_;
    in.service = &service_;
    in.container_name = "proj-web-1";
    in.rootfs = rootfs;
    return in;
  }

  // An image: one layer with files at /data and /etc, mounted as the container's root.
  RootfsLayout mount_image(const std::function<void(const fs::path&)>& fill) {
    fs::path l = layer("image");
    fill(l);
    return mount_rootfs(container_dir(), {l}, false);
  }

  void add_named_volume(const std::string& key, bool external = false) {
    compose::Volume v;
    v.key = key;
    v.name = external ? key : "proj_" + key;
    v.external = external;
    project_.volumes[key] = v;
  }

  static compose::VolumeMount mount_of(const std::string& type, const std::string& source,
                                       const std::string& target) {
    compose::VolumeMount m;
    m.type = type;
    m.source = source;
    m.target = target;
    return m;
  }

  std::string error_of(const StorageInputs& in) {
    try {
      prepare_storage(in);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  }

  boxrt::testing::TempDir tmp_;
  fs::path root_;
  compose::Project project_;
  compose::Service service_;
};

// --- The overlay root -------------------------------------------------------------------

TEST_F(EngineStorageTest, OneLayerWritesLandInTheUpperDirOnly) {
  fs::path l = layer("base");
  write_text(l / "etc/hostname", "image\n");
  RootfsLayout r = mount_rootfs(container_dir(), {l}, false);
  EXPECT_EQ(r.merged, container_dir() / "merged");
  EXPECT_FALSE(r.read_only);
  EXPECT_TRUE(is_mount_point(r.merged));
  EXPECT_EQ(read_text(r.merged / "etc/hostname"), "image\n");

  write_text(r.merged / "new.txt", "new");
  write_text(r.merged / "etc/hostname", "changed\n");
  fs::remove(r.merged / "etc/hostname");
  EXPECT_EQ(read_text(container_dir() / "upper/new.txt"), "new");
  EXPECT_EQ(read_text(l / "etc/hostname"), "image\n");
  EXPECT_FALSE(fs::exists(l / "new.txt"));

  unmount_rootfs(container_dir());
  EXPECT_FALSE(is_mount_point(r.merged));
  EXPECT_TRUE(fs::exists(container_dir() / "upper/new.txt")) << "unmount keeps the upper dir";
  remove_container_dir(container_dir());
  EXPECT_FALSE(fs::exists(container_dir()));
  EXPECT_TRUE(fs::exists(l / "etc/hostname"));
}

TEST_F(EngineStorageTest, ThreeLayersStackWithTheLastOnTopByEitherApi) {
  fs::path l1 = layer("1"), l2 = layer("2"), l3 = layer("3");
  write_text(l1 / "a", "1");
  write_text(l1 / "b", "1");
  write_text(l2 / "b", "2");
  write_text(l2 / "c", "2");
  write_text(l3 / "c", "3");
  chmod(l3.c_str(), 0750);
  for (OverlayApi api : {OverlayApi::Auto, OverlayApi::MountApi, OverlayApi::Legacy}) {
    if (api == OverlayApi::MountApi && !kernel_at_least(6, 8)) continue;
    SCOPED_TRACE(static_cast<int>(api));
    RootfsLayout r = mount_rootfs(container_dir(), {l1, l2, l3}, false, api);
    EXPECT_EQ(read_text(r.merged / "a"), "1");
    EXPECT_EQ(read_text(r.merged / "b"), "2");
    EXPECT_EQ(read_text(r.merged / "c"), "3");
    EXPECT_EQ(lstat_of(r.merged).st_mode & 07777, 0750u) << "the root is the top layer's";
    write_text(r.merged / "b", "container");
    EXPECT_EQ(read_text(l2 / "b"), "2");
    EXPECT_EQ(read_text(container_dir() / "upper/b"), "container");
    remove_container_dir(container_dir());
    EXPECT_FALSE(fs::exists(container_dir()));
  }
}

TEST_F(EngineStorageTest, ManyLayersWithLongPathsExceedOnePageOfMountOptions) {
  std::vector<fs::path> layers;
  std::string long_name(90, 'x');
  for (int i = 0; i < 80; ++i) {
    layers.push_back(layer(long_name + std::to_string(i)));
    write_text(layers.back() / ("f" + std::to_string(i)), std::to_string(i));
  }
  write_text(layers.front() / "shared", "bottom");
  write_text(layers.back() / "shared", "top");
  for (OverlayApi api : {OverlayApi::Legacy, OverlayApi::Auto}) {
    SCOPED_TRACE(static_cast<int>(api));
    RootfsLayout r = mount_rootfs(container_dir(), layers, false, api);
    EXPECT_EQ(read_text(r.merged / "f0"), "0");
    EXPECT_EQ(read_text(r.merged / "f79"), "79");
    EXPECT_EQ(read_text(r.merged / "shared"), "top");
    remove_container_dir(container_dir());
  }
}

TEST_F(EngineStorageTest, ReadOnlyOneLayerIsAReadOnlyBindWithoutUpperDir) {
  fs::path l = layer("base");
  write_text(l / "file", "x");
  for (OverlayApi api : {OverlayApi::Auto, OverlayApi::Legacy}) {
    RootfsLayout r = mount_rootfs(container_dir(), {l}, true, api);
    EXPECT_TRUE(r.read_only);
    EXPECT_EQ(read_text(r.merged / "file"), "x");
    EXPECT_LT(::open((r.merged / "new").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644), 0);
    EXPECT_EQ(errno, EROFS);
    EXPECT_FALSE(fs::exists(l / "new"));
    EXPECT_FALSE(fs::exists(container_dir() / "upper"));
    remove_container_dir(container_dir());
  }
}

TEST_F(EngineStorageTest, ReadOnlyLayersAreALowerOnlyOverlay) {
  fs::path l1 = layer("1"), l2 = layer("2");
  write_text(l1 / "a", "1");
  write_text(l2 / "b", "2");
  for (OverlayApi api : {OverlayApi::Auto, OverlayApi::Legacy}) {
    RootfsLayout r = mount_rootfs(container_dir(), {l1, l2}, true, api);
    EXPECT_EQ(read_text(r.merged / "a") + read_text(r.merged / "b"), "12");
    std::ofstream(r.merged / "a") << "changed";
    EXPECT_EQ(read_text(l1 / "a"), "1");
    EXPECT_EQ(read_text(r.merged / "a"), "1");
    EXPECT_FALSE(fs::exists(container_dir() / "upper"));
    EXPECT_FALSE(fs::exists(container_dir() / "work"));
    remove_container_dir(container_dir());
  }
}

TEST_F(EngineStorageTest, MountingTwiceKeepsTheFirstAndRemovingTwiceIsFine) {
  fs::path l = layer("base");
  write_text(l / "a", "1");
  RootfsLayout r = mount_rootfs(container_dir(), {l}, false);
  write_text(r.merged / "kept", "yes");
  mount_rootfs(container_dir(), {l}, false);
  EXPECT_EQ(count_mounts_at(r.merged), 1);
  EXPECT_EQ(read_text(r.merged / "kept"), "yes");
  unmount_rootfs(container_dir());
  unmount_rootfs(container_dir());
  // Mounted again after a stop: the upper dir's changes are still there.
  mount_rootfs(container_dir(), {l}, false);
  EXPECT_EQ(read_text(r.merged / "kept"), "yes");
  remove_container_dir(container_dir());
  remove_container_dir(container_dir());
  EXPECT_FALSE(fs::exists(container_dir()));
}

TEST_F(EngineStorageTest, BusyRootIsDetached) {
  fs::path l = layer("base");
  write_text(l / "a", "1");
  RootfsLayout r = mount_rootfs(container_dir(), {l}, false);
  int fd = ::open((r.merged / "a").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  remove_container_dir(container_dir());
  EXPECT_FALSE(fs::exists(container_dir()));
  close(fd);
}

TEST_F(EngineStorageTest, AFailedMountLeavesNothingMounted) {
  fs::path l = layer("base");
  EXPECT_THROW(mount_rootfs(container_dir(), {l, tmp_.path() + "/missing"}, false), Error);
  EXPECT_THROW(mount_rootfs(container_dir(), {}, false), Error);
  write_text(tmp_.path() + "/file", "x");
  EXPECT_THROW(mount_rootfs(container_dir(), {tmp_.path() + "/file"}, false), Error);
  EXPECT_FALSE(is_mount_point(container_dir() / "merged"));
  try {
    mount_rootfs(container_dir(), {l, tmp_.path() + "/missing"}, false);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
  }
  remove_container_dir(container_dir());
}

// --- Named and anonymous volumes -----------------------------------------------------------

TEST_F(EngineStorageTest, NewNamedVolumeIsFilledFromTheImageKeepingOwnersModesAndLinks) {
  RootfsLayout r = mount_image([](const fs::path& l) {
    write_text(l / "data/conf/app.conf", "setting=1\n", 0640);
    chown((l / "data/conf/app.conf").c_str(), 1234, 5678);
    fs::create_symlink("conf/app.conf", l / "data/current");
    lchown((l / "data/current").c_str(), 42, 43);
    write_text(l / "data/bin", "#!", 04755);
    fs::create_hard_link(l / "data/bin", l / "data/bin2");
    mkfifo((l / "data/fifo").c_str(), 0600);
    struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
    utimensat(AT_FDCWD, (l / "data/conf/app.conf").c_str(), times, 0);
    utimensat(AT_FDCWD, (l / "data/current").c_str(), times, AT_SYMLINK_NOFOLLOW);
    chown((l / "data").c_str(), 1000, 1000);
    chmod((l / "data").c_str(), 0750);
  });
  add_named_volume("data");
  service_.volumes.push_back(mount_of("volume", "data", "/data"));

  StoragePlan plan = prepare_storage(inputs(r));
  fs::path data = root_ / "volumes/proj_data/_data";
  ASSERT_EQ(plan.mounts.size(), 1u);
  EXPECT_EQ(plan.mounts[0].destination, "/data");
  EXPECT_EQ(plan.mounts[0].type, "bind");
  EXPECT_EQ(plan.mounts[0].source, data.string());
  EXPECT_EQ(plan.mounts[0].options, (std::vector<std::string>{"rbind", "rprivate"}));
  ASSERT_EQ(plan.volumes.size(), 1u);
  EXPECT_EQ(plan.volumes[0].name, "proj_data");
  EXPECT_FALSE(plan.volumes[0].anonymous);
  EXPECT_TRUE(plan.volumes[0].created);

  EXPECT_EQ(read_text(data / "conf/app.conf"), "setting=1\n");
  struct stat conf = lstat_of(data / "conf/app.conf");
  EXPECT_EQ(conf.st_mode & 07777, 0640u);
  EXPECT_EQ(conf.st_uid, 1234u);
  EXPECT_EQ(conf.st_gid, 5678u);
  EXPECT_EQ(conf.st_mtim.tv_sec, 1000000000);
  EXPECT_EQ(fs::read_symlink(data / "current"), "conf/app.conf");
  EXPECT_EQ(lstat_of(data / "current").st_uid, 42u);
  EXPECT_EQ(lstat_of(data / "current").st_mtim.tv_sec, 1000000000);
  EXPECT_EQ(lstat_of(data / "bin").st_mode & 07777, 04755u);
  EXPECT_EQ(lstat_of(data / "bin").st_ino, lstat_of(data / "bin2").st_ino);
  EXPECT_TRUE(S_ISFIFO(lstat_of(data / "fifo").st_mode));
  EXPECT_EQ(lstat_of(data).st_mode & 07777, 0750u) << "the volume root takes /data's mode";
  EXPECT_EQ(lstat_of(data).st_uid, 1000u);

  auto record = nlohmann::json::parse(read_text(root_ / "volumes/proj_data/volume.json"));
  EXPECT_EQ(record["name"], "proj_data");
  EXPECT_EQ(record["project"], "proj");
  EXPECT_EQ(record["anonymous"], false);
  EXPECT_EQ(record["labels"]["com.docker.compose.volume"], "data");
  EXPECT_FALSE(record["created"].get<std::string>().empty());
  EXPECT_EQ(
      std::distance(fs::directory_iterator(root_ / "volumes/proj_data"), fs::directory_iterator()),
      2)
      << "only _data and volume.json: no temporary copy left";
  EXPECT_FALSE(fs::exists(container_dir() / "upper/data")) << "reading the image copies nothing up";

  remove_container_dir(container_dir());
  remove_volume(root_, "proj_data");
  remove_volume(root_, "proj_data");
  EXPECT_FALSE(fs::exists(root_ / "volumes/proj_data"));
}

TEST_F(EngineStorageTest, AVolumeIsFilledOnlyWhenItIsMade) {
  RootfsLayout r = mount_image([](const fs::path& l) { write_text(l / "data/a", "image"); });
  add_named_volume("data");
  service_.volumes.push_back(mount_of("volume", "data", "/data"));
  prepare_storage(inputs(r));
  fs::path data = root_ / "volumes/proj_data/_data";
  fs::remove(data / "a");
  write_text(data / "b", "mine");

  StoragePlan again = prepare_storage(inputs(r));
  EXPECT_FALSE(again.volumes[0].created);
  EXPECT_FALSE(fs::exists(data / "a"));
  EXPECT_EQ(read_text(data / "b"), "mine");
  remove_container_dir(container_dir());
}

TEST_F(EngineStorageTest, NocopyLeavesANewVolumeEmpty) {
  RootfsLayout r = mount_image([](const fs::path& l) { write_text(l / "data/a", "image"); });
  add_named_volume("data");
  service_.volumes.push_back(mount_of("volume", "data", "/data"));
  service_.volumes[0].nocopy = true;
  service_.volumes[0].read_only = true;
  StoragePlan plan = prepare_storage(inputs(r));
  EXPECT_TRUE(fs::is_empty(root_ / "volumes/proj_data/_data"));
  EXPECT_EQ(plan.mounts[0].options, (std::vector<std::string>{"rbind", "ro", "rprivate"}));
  remove_container_dir(container_dir());
}

TEST_F(EngineStorageTest, AMissingImagePathMakesAnEmptyVolume) {
  RootfsLayout r = mount_image([](const fs::path& l) { write_text(l / "etc/x", "x"); });
  add_named_volume("data");
  service_.volumes.push_back(mount_of("volume", "data", "/srv/data"));
  StoragePlan plan = prepare_storage(inputs(r));
  EXPECT_TRUE(plan.volumes[0].created);
  EXPECT_TRUE(fs::is_empty(root_ / "volumes/proj_data/_data"));
  remove_container_dir(container_dir());
}

TEST_F(EngineStorageTest, ExternalVolumeMustExistAndIsNeverMade) {
  add_named_volume("shared", true);
  service_.volumes.push_back(mount_of("volume", "shared", "/shared"));
  EXPECT_EQ(error_of(inputs({})), "service web: volume \"shared\" is external and does not exist");
  EXPECT_FALSE(fs::exists(root_ / "volumes/shared"));

  fs::create_directories(root_ / "volumes/shared/_data");
  StoragePlan plan = prepare_storage(inputs({}));
  EXPECT_EQ(plan.mounts[0].source, (root_ / "volumes/shared/_data").string());
  EXPECT_TRUE(plan.volumes[0].external);
  EXPECT_FALSE(plan.volumes[0].created);
  EXPECT_FALSE(fs::exists(root_ / "volumes/shared/volume.json"));
}

TEST_F(EngineStorageTest, AnonymousVolumesHaveStableNamesAndCoverImageVolumes) {
  RootfsLayout r = mount_image([](const fs::path& l) {
    write_text(l / "var/lib/db/seed", "seed");
    write_text(l / "cache/c", "c");
  });
  service_.volumes.push_back(mount_of("volume", "", "/cache"));
  service_.volumes.push_back(mount_of("tmpfs", "", "/tmp"));
  StorageInputs in = inputs(r);
  in.image_volumes = {"/var/lib/db", "/cache", "/tmp/"};  // the last two are covered

  StoragePlan first = prepare_storage(in);
  ASSERT_EQ(first.volumes.size(), 2u);
  ASSERT_EQ(first.mounts.size(), 3u);
  std::string cache = anonymous_volume_name("proj-web-1", "/cache");
  std::string db = anonymous_volume_name("proj-web-1", "/var/lib/db");
  EXPECT_EQ(first.volumes[0].name, cache);
  EXPECT_EQ(first.volumes[1].name, db);
  EXPECT_TRUE(first.volumes[0].anonymous && first.volumes[1].anonymous);
  EXPECT_TRUE(first.volumes[1].created);
  EXPECT_EQ(read_text(root_ / "volumes" / db / "_data/seed"), "seed");
  EXPECT_EQ(read_text(root_ / "volumes" / cache / "_data/c"), "c");
  auto record = nlohmann::json::parse(read_text(root_ / "volumes" / db / "volume.json"));
  EXPECT_EQ(record["anonymous"], true);
  EXPECT_EQ(record["container"], "proj-web-1");

  write_text(root_ / "volumes" / db / "_data/written", "by the container");
  StoragePlan second = prepare_storage(in);
  EXPECT_EQ(second.volumes[1].name, db);
  EXPECT_FALSE(second.volumes[1].created);
  EXPECT_TRUE(fs::exists(root_ / "volumes" / db / "_data/written"));
  remove_container_dir(container_dir());
}

TEST_F(EngineStorageTest, VolumeSubpathIsResolvedInsideTheVolume) {
  add_named_volume("data");
  fs::create_directories(root_ / "volumes/proj_data/_data/site/www");
  fs::create_symlink("/etc", root_ / "volumes/proj_data/_data/escape");
  service_.volumes.push_back(mount_of("volume", "data", "/srv"));
  service_.volumes[0].subpath = "site/www";
  StoragePlan plan = prepare_storage(inputs({}));
  EXPECT_EQ(plan.mounts[0].source, (root_ / "volumes/proj_data/_data/site/www").string());

  service_.volumes[0].subpath = "missing";
  EXPECT_EQ(error_of(inputs({})),
            "service web: volume \"proj_data\": subpath \"missing\" does not exist in the volume");
  service_.volumes[0].subpath = "../../..";
  EXPECT_NE(error_of(inputs({})).find("must be relative"), std::string::npos);
  service_.volumes[0].subpath = "escape/passwd";  // /etc/passwd inside the volume: none
  EXPECT_NE(error_of(inputs({})).find("does not exist"), std::string::npos);
}

TEST_F(EngineStorageTest, CopyUpNeverFollowsASymlinkOutOfTheRootfs) {
  RootfsLayout r = mount_image([](const fs::path& l) {
    write_text(l / "etc/image-only", "from the image");
    fs::create_symlink("/etc", l / "data");
    fs::create_symlink("../../../../../../../../etc", l / "data2");
    fs::create_directories(l / "data3");
    fs::create_symlink("/etc", l / "data3/etc");
  });
  add_named_volume("a");
  add_named_volume("b");
  add_named_volume("c");
  service_.volumes.push_back(mount_of("volume", "a", "/data"));
  service_.volumes.push_back(mount_of("volume", "b", "/data2"));
  service_.volumes.push_back(mount_of("volume", "c", "/data3"));
  prepare_storage(inputs(r));
  for (const char* v : {"proj_a", "proj_b"}) {
    fs::path data = root_ / "volumes" / v / "_data";
    EXPECT_EQ(read_text(data / "image-only"), "from the image") << v;
    EXPECT_FALSE(fs::exists(data / "passwd")) << v << " holds the host's /etc";
    EXPECT_EQ(std::distance(fs::directory_iterator(data), fs::directory_iterator()), 1) << v;
  }
  fs::path c = root_ / "volumes/proj_c/_data/etc";
  EXPECT_TRUE(fs::is_symlink(c));
  EXPECT_EQ(fs::read_symlink(c), "/etc");
  remove_container_dir(container_dir());
}

TEST_F(EngineStorageTest, LocalDriverBindDeviceIsMountedAndFilledWhenEmpty) {
  RootfsLayout r = mount_image([](const fs::path& l) { write_text(l / "data/a", "image"); });
  fs::path device = fs::path(tmp_.path()) / "host-data";
  fs::create_directories(device);
  add_named_volume("data");
  project_.volumes["data"].driver_opts = {{"type", "none"}, {"o", "bind"}, {"device", device}};
  service_.volumes.push_back(mount_of("volume", "data", "/data"));
  StoragePlan plan = prepare_storage(inputs(r));
  EXPECT_EQ(plan.mounts[0].source, device.string());
  EXPECT_EQ(read_text(device / "a"), "image");

  project_.volumes["data"].driver_opts = {{"type", "nfs"}, {"o", "addr=10.0.0.1"}};
  EXPECT_NE(error_of(inputs(r)).find("not supported"), std::string::npos);
  project_.volumes["data"].driver_opts = {};
  project_.volumes["data"].driver = "rexray";
  EXPECT_NE(error_of(inputs(r)).find("driver \"rexray\" is not supported"), std::string::npos);
  remove_container_dir(container_dir());
}

// --- Binds and tmpfs ------------------------------------------------------------------

TEST_F(EngineStorageTest, BindSourceIsMadeOnlyWithCreateHostPath) {
  fs::path src = fs::path(tmp_.path()) / "project/data/deep";
  service_.volumes.push_back(mount_of("bind", src.string(), "/data"));
  service_.volumes[0].create_host_path = true;
  service_.volumes[0].read_only = true;
  service_.volumes[0].propagation = "rslave";
  StoragePlan plan = prepare_storage(inputs({}));
  EXPECT_TRUE(fs::is_directory(src));
  EXPECT_EQ(lstat_of(src).st_mode & 07777, 0755u);
  ASSERT_EQ(plan.mounts.size(), 1u);
  EXPECT_EQ(plan.mounts[0].source, src.string());
  EXPECT_EQ(plan.mounts[0].type, "bind");
  EXPECT_EQ(plan.mounts[0].options, (std::vector<std::string>{"rbind", "ro", "rslave"}));
  EXPECT_TRUE(plan.volumes.empty());

  fs::path missing = fs::path(tmp_.path()) / "nowhere";
  service_.volumes[0] = mount_of("bind", missing.string(), "/data");
  EXPECT_EQ(error_of(inputs({})),
            "service web: bind source path \"" + missing.string() + "\" does not exist");
  service_.volumes[0].create_host_path = false;
  EXPECT_NE(error_of(inputs({})).find("does not exist"), std::string::npos);
  EXPECT_FALSE(fs::exists(missing));
  service_.volumes[0] = mount_of("bind", "relative/path", "/data");
  EXPECT_EQ(error_of(inputs({})),
            "service web: bind source path \"relative/path\" is not absolute");
}

TEST_F(EngineStorageTest, TmpfsMountsTakeSizeModeAndDockersDefaults) {
  compose::VolumeMount t = mount_of("tmpfs", "", "/scratch");
  t.tmpfs_size = 64 << 20;
  t.tmpfs_mode = 01777;
  service_.volumes.push_back(t);
  service_.tmpfs = {"/run:size=16m,mode=755,exec", "/var/cache"};
  StoragePlan plan = prepare_storage(inputs({}));
  ASSERT_EQ(plan.mounts.size(), 3u);
  EXPECT_EQ(plan.mounts[0].destination, "/scratch");
  EXPECT_EQ(plan.mounts[0].type, "tmpfs");
  EXPECT_EQ(plan.mounts[0].options,
            (std::vector<std::string>{"nosuid", "nodev", "noexec", "size=67108864", "mode=1777"}));
  EXPECT_EQ(plan.mounts[1].destination, "/run");
  EXPECT_EQ(plan.mounts[1].options, (std::vector<std::string>{"nosuid", "nodev", "noexec",
                                                              "size=16m", "mode=755", "exec"}));
  EXPECT_EQ(plan.mounts[2].destination, "/var/cache");
  EXPECT_EQ(plan.mounts[2].options, (std::vector<std::string>{"nosuid", "nodev", "noexec"}));
}

TEST_F(EngineStorageTest, MountsComeParentsFirstAndTwoAtOnePlaceAreAnError) {
  add_named_volume("data");
  service_.volumes.push_back(mount_of("tmpfs", "", "/srv/data/cache"));
  service_.volumes.push_back(mount_of("volume", "data", "/srv/data"));
  service_.volumes.push_back(mount_of("tmpfs", "", "/srv"));
  StoragePlan plan = prepare_storage(inputs({}));
  ASSERT_EQ(plan.mounts.size(), 3u);
  EXPECT_EQ(plan.mounts[0].destination, "/srv");
  EXPECT_EQ(plan.mounts[1].destination, "/srv/data");
  EXPECT_EQ(plan.mounts[2].destination, "/srv/data/cache");

  service_.tmpfs = {"/srv/"};
  EXPECT_EQ(error_of(inputs({})), "service web: two mounts at \"/srv\"");
}

// --- Secrets and configs -----------------------------------------------------------------

TEST_F(EngineStorageTest, SecretsAndConfigsAreReadOnlyFilesAtDockersPaths) {
  fs::path dir = container_dir();
  fs::path token = fs::path(tmp_.path()) / "project/token.txt";
  write_text(token, "s3cret", 0600);
  project_.environment["DB_PASSWORD"] = "hunter2";
  compose::FileObject file_secret, env_secret, inline_config, file_config;
  file_secret.key = "token";
  file_secret.file = token.string();
  env_secret.key = "db";
  env_secret.environment = "DB_PASSWORD";
  inline_config.key = "app";
  inline_config.content = "port=80\n";
  file_config.key = "nginx";
  file_config.file = token.string();
  project_.secrets = {{"token", file_secret}, {"db", env_secret}};
  project_.configs = {{"app", inline_config}, {"nginx", file_config}};
  compose::FileReference ref;
  ref.source = "token";
  service_.secrets.push_back(ref);
  ref.source = "db";
  ref.target = "db_password";
  service_.secrets.push_back(ref);
  ref = {};
  ref.source = "app";
  ref.mode = 0440;
  ref.uid = "1000";
  ref.gid = "2000";
  service_.configs.push_back(ref);
  ref = {};
  ref.source = "nginx";
  ref.target = "/etc/nginx/nginx.conf";
  service_.configs.push_back(ref);

  StorageInputs in = inputs({});
  in.rootfs.dir = dir;
  StoragePlan plan = prepare_storage(in);
  std::map<std::string, boxrt::Mount> by_dest;
  for (const auto& m : plan.mounts)
    by_dest[m.destination] = m;
  ASSERT_EQ(by_dest.size(), 4u);
  const std::vector<std::string> ro = {"rbind", "ro", "rprivate"};
  EXPECT_EQ(by_dest["/run/secrets/token"].source, token.string());
  EXPECT_EQ(by_dest["/run/secrets/token"].options, ro);
  EXPECT_EQ(by_dest["/etc/nginx/nginx.conf"].source, token.string());

  fs::path db = by_dest["/run/secrets/db_password"].source;
  EXPECT_EQ(db, dir / "files/secrets/db");
  EXPECT_EQ(read_text(db), "hunter2");
  EXPECT_EQ(lstat_of(db).st_mode & 07777, 0444u);
  EXPECT_EQ(by_dest["/run/secrets/db_password"].options, ro);

  fs::path app = by_dest["/app"].source;
  EXPECT_EQ(app, dir / "files/configs/app");
  EXPECT_EQ(read_text(app), "port=80\n");
  EXPECT_EQ(lstat_of(app).st_mode & 07777, 0440u);
  EXPECT_EQ(lstat_of(app).st_uid, 1000u);
  EXPECT_EQ(lstat_of(app).st_gid, 2000u);

  // Written again on a restart, with the value of the day.
  project_.environment["DB_PASSWORD"] = "changed";
  prepare_storage(in);
  EXPECT_EQ(read_text(db), "changed");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir / "files/secrets"), fs::directory_iterator()),
            1);
  remove_container_dir(dir);
  EXPECT_FALSE(fs::exists(dir));
}

TEST_F(EngineStorageTest, SecretErrorsNameTheSecretAndWhatIsMissing) {
  compose::FileObject missing_file, missing_env;
  missing_file.key = "cert";
  missing_file.file = tmp_.path() + "/missing.pem";
  missing_env.key = "key";
  missing_env.environment = "NOT_SET_ANYWHERE";
  project_.secrets = {{"cert", missing_file}, {"key", missing_env}};
  compose::FileReference ref;
  ref.source = "cert";
  service_.secrets = {ref};
  StorageInputs in = inputs({});
  in.rootfs.dir = container_dir();
  EXPECT_EQ(error_of(in),
            "service web: secret \"cert\": file \"" + missing_file.file + "\" does not exist");
  service_.secrets[0].source = "key";
  EXPECT_EQ(error_of(in),
            "service web: secret \"key\": environment variable \"NOT_SET_ANYWHERE\" is not set");
  service_.secrets[0].source = "undefined";
  EXPECT_EQ(error_of(in),
            "service web: secret \"undefined\" is not defined in the top-level secrets");
}

}  // namespace
}  // namespace engine
