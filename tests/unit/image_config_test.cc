// The OCI image config and manifest JSON, inspect output, entry path checks, digests and
// the human-readable sizes and ages of `image ls`.
#include "boximg/image_config.h"

#include <gtest/gtest.h>

#include "boximg/digest.h"
#include "boximg/entry_paths.h"
#include "boximg/error.h"
#include "boximg/human.h"
#include "boximg/instruction.h"
#include "boximg/layout.h"
#include "boximg/store.h"

namespace image {
namespace {

using nlohmann::json;

const std::string kDigestA = "sha256:" + std::string(64, 'a');
const std::string kDigestB = "sha256:" + std::string(64, 'b');

OciImage sample_image() {
  OciImage img;
  img.created = "2024-05-06T07:08:09.123456789Z";
  img.architecture = "amd64";
  img.os = "linux";
  apply_changes(img.config,
                {"ENV PATH=/bin", "CMD [\"sh\"]", "ENTRYPOINT [\"/init\"]", "USER nobody",
                 "WORKDIR /srv", "EXPOSE 80", "LABEL a=b", "VOLUME /data", "STOPSIGNAL SIGINT",
                 "HEALTHCHECK --interval=5s --retries=2 CMD true"});
  img.diff_ids = {kDigestA, kDigestB};
  img.history = {{img.created, "", "Imported from -", false}};
  return img;
}

TEST(ImageConfigJson, DockerKeys) {
  json j = image_to_json(sample_image());
  EXPECT_EQ(j["architecture"], "amd64");
  EXPECT_EQ(j["os"], "linux");
  EXPECT_EQ(j["created"], "2024-05-06T07:08:09.123456789Z");
  const json& c = j["config"];
  EXPECT_EQ(c["Env"], json({"PATH=/bin"}));
  EXPECT_EQ(c["Cmd"], json({"sh"}));
  EXPECT_EQ(c["Entrypoint"], json({"/init"}));
  EXPECT_EQ(c["User"], "nobody");
  EXPECT_EQ(c["WorkingDir"], "/srv");
  EXPECT_EQ(c["ExposedPorts"], json::parse(R"({"80/tcp":{}})"));
  EXPECT_EQ(c["Labels"], json::parse(R"({"a":"b"})"));
  EXPECT_EQ(c["Volumes"], json::parse(R"({"/data":{}})"));
  EXPECT_EQ(c["StopSignal"], "SIGINT");
  EXPECT_EQ(c["Healthcheck"],
            json::parse(R"({"Test":["CMD-SHELL","true"],"Interval":5000000000,"Retries":2})"));
  EXPECT_EQ(j["rootfs"], json({{"type", "layers"}, {"diff_ids", {kDigestA, kDigestB}}}));
  EXPECT_EQ(
      j["history"],
      json::parse(R"([{"created":"2024-05-06T07:08:09.123456789Z","comment":"Imported from -"}])"));
}

TEST(ImageConfigJson, EmptyFieldsAreLeftOut) {
  OciImage img;
  img.diff_ids = {kDigestA};
  EXPECT_EQ(image_to_json(img)["config"], json::object());
}

TEST(ImageConfigJson, RoundTrip) {
  OciImage img = sample_image();
  EXPECT_EQ(image_from_json(json::parse(image_to_json(img).dump())), img);
}

TEST(ImageConfigJson, ReadsDockerWrittenConfigs) {
  // Docker writes nulls and keys this store does not use.
  json j = json::parse(R"({
    "architecture": "arm64", "os": "linux",
    "config": {"Hostname": "", "Env": null, "Cmd": ["sh"], "Entrypoint": null,
               "Labels": null, "OnBuild": null, "ExposedPorts": {"53/udp": {}}},
    "rootfs": {"type": "layers", "diff_ids": [")" +
                       kDigestA + R"("]}})");
  OciImage img = image_from_json(j);
  EXPECT_EQ(img.architecture, "arm64");
  EXPECT_EQ(img.config.cmd, std::vector<std::string>{"sh"});
  EXPECT_TRUE(img.config.env.empty());
  EXPECT_EQ(img.config.exposed_ports, std::set<std::string>{"53/udp"});
  EXPECT_FALSE(img.config.healthcheck);
}

TEST(ImageConfigJson, RejectsBrokenConfigs) {
  EXPECT_THROW(image_from_json(json::parse(R"({"os":"linux"})")), Error);
  EXPECT_THROW(
      image_from_json(json::parse(R"({"rootfs":{"type":"layers","diff_ids":["sha256:12"]}})")),
      Error);
  EXPECT_THROW(image_from_json(json::parse(R"({"rootfs":{"type":"x","diff_ids":[]}})")), Error);
  EXPECT_THROW(image_from_json(json::parse(R"({"rootfs":{"type":"layers","diff_ids":"no"}})")),
               Error);
}

TEST(ImageConfigJson, EnvValueAndSetEnv) {
  ImageConfig c;
  c.env = {"A=1", "AB=2", "C"};
  EXPECT_EQ(c.env_value("A"), "1");
  EXPECT_EQ(c.env_value("AB"), "2");
  EXPECT_EQ(c.env_value("B"), std::nullopt);
  c.set_env("C", "3");
  c.set_env("A", "x");
  c.set_env("D", "4");
  EXPECT_EQ(c.env, (std::vector<std::string>{"A=x", "AB=2", "C=3", "D=4"}));
}

TEST(ImageManifestJson, RoundTripAndChecks) {
  Manifest m{{std::string(media_type::kOciConfig), kDigestA, 123, {}, {}, {}},
             {{std::string(media_type::kOciLayer), kDigestB, 456, {}, {}, {}}}};
  json j = manifest_to_json(m);
  EXPECT_EQ(j["schemaVersion"], 2);
  EXPECT_EQ(j["mediaType"], media_type::kOciManifest);
  EXPECT_EQ(j["config"]["digest"], kDigestA);
  Manifest back = manifest_from_json(j);
  EXPECT_EQ(back.config, m.config);
  EXPECT_EQ(back.layers, m.layers);
  j["layers"][0]["mediaType"] = "application/zip";
  EXPECT_THROW(manifest_from_json(j), Error);
  j = manifest_to_json(m);
  // A digest read from disk must never become a path outside blobs/.
  j["config"]["digest"] = "sha256:../../etc/passwd";
  EXPECT_THROW(manifest_from_json(j), Error);
}

TEST(ImageInspectJson, Essentials) {
  ImageDetails d{kDigestA, {"busybox:local", "bb:1"}, kDigestB, 2048, sample_image()};
  json j = inspect_to_json(d);
  EXPECT_EQ(j["Id"], kDigestA);
  EXPECT_EQ(j["RepoTags"], json({"busybox:local", "bb:1"}));
  EXPECT_EQ(j["Created"], "2024-05-06T07:08:09.123456789Z");
  EXPECT_EQ(j["Size"], 2048);
  EXPECT_EQ(j["Config"]["Cmd"], json({"sh"}));
  EXPECT_EQ(j["RootFS"]["Layers"], json({kDigestA, kDigestB}));
  EXPECT_EQ(j["Comment"], "Imported from -");
}

TEST(ImageDigest, Sha256) {
  EXPECT_EQ(sha256_digest(""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 h;
  h.update("ab", 2);
  h.update("c");
  EXPECT_EQ(h.digest(), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(is_sha256_digest(kDigestA));
  EXPECT_FALSE(is_sha256_digest("sha256:" + std::string(64, 'A')));
  EXPECT_FALSE(is_sha256_digest("sha512:" + std::string(64, 'a')));
  EXPECT_THROW(digest_hex("sha256:../x"), Error);
  EXPECT_EQ(short_id(kDigestA), std::string(12, 'a'));
}

TEST(ImageEntryPaths, Normalize) {
  EXPECT_EQ(normalize_entry_path("./a//b/"), "a/b");
  EXPECT_EQ(normalize_entry_path("."), "");
  EXPECT_EQ(normalize_entry_path("./"), "");
  EXPECT_EQ(normalize_entry_path("a/./b"), "a/b");
  EXPECT_EQ(normalize_entry_path("..foo/.wh..wh..opq"), "..foo/.wh..wh..opq");
  EXPECT_THROW(normalize_entry_path("/etc/passwd"), Error);
  EXPECT_THROW(normalize_entry_path("../x"), Error);
  EXPECT_THROW(normalize_entry_path("a/../../x"), Error);
  EXPECT_THROW(normalize_entry_path("a/.."), Error);
}

TEST(ImageEntryPaths, NothingBelowAnArchiveSymlink) {
  EntryPathChecker c;
  EXPECT_EQ(c.check("./etc/", false), "etc");
  EXPECT_EQ(c.check("link", true), "link");
  EXPECT_THROW(c.check("link/passwd", false), Error);
  EXPECT_THROW(c.check("./link/sub/file", false), Error);
  EXPECT_THROW(c.check("hard", false, "link/shadow"), Error);  // hard link through it
  EXPECT_THROW(c.check("hard", false, "/etc/shadow"), Error);
  EXPECT_THROW(c.check("hard", false, "../outside"), Error);
  // A hard link to the symlink is a symlink too.
  EXPECT_EQ(c.check("link2", false, "link"), "link2");
  EXPECT_THROW(c.check("link2/x", false), Error);
  // Once a directory replaces the symlink, paths below it are fine.
  EXPECT_EQ(c.check("link", false), "link");
  EXPECT_EQ(c.check("link/passwd", false), "link/passwd");
  EXPECT_EQ(c.check("etc/hosts", false, "./link/passwd"), "etc/hosts");
}

TEST(ImageHuman, Sizes) {
  EXPECT_EQ(human_size(0), "0B");
  EXPECT_EQ(human_size(999), "999B");
  EXPECT_EQ(human_size(1000), "1kB");
  EXPECT_EQ(human_size(1234), "1.23kB");
  EXPECT_EQ(human_size(1986560), "1.99MB");
  EXPECT_EQ(human_size(4'860'000'000), "4.86GB");
}

TEST(ImageHuman, Durations) {
  EXPECT_EQ(human_duration(0), "Less than a second");
  EXPECT_EQ(human_duration(1), "1 second");
  EXPECT_EQ(human_duration(59), "59 seconds");
  EXPECT_EQ(human_duration(60), "About a minute");
  EXPECT_EQ(human_duration(150), "2 minutes");
  EXPECT_EQ(human_duration(3599), "59 minutes");
  EXPECT_EQ(human_duration(3600), "About an hour");
  EXPECT_EQ(human_duration(5 * 3600), "5 hours");
  EXPECT_EQ(human_duration(3 * 86400), "3 days");
  EXPECT_EQ(human_duration(20 * 86400), "2 weeks");
  EXPECT_EQ(human_duration(90 * 86400), "3 months");
  EXPECT_EQ(human_duration(800 * 86400), "2 years");
}

TEST(ImageTime, Rfc3339) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:10Z"), 10);
  EXPECT_EQ(parse_rfc3339("2024-05-06T07:08:09.123456789Z"), 1714979289);
  EXPECT_EQ(parse_rfc3339("2024-05-06T09:08:09+02:00"), 1714979289);
  EXPECT_EQ(parse_rfc3339("garbage"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2024-05-06T07:08:09"), std::nullopt);
  auto now = parse_rfc3339(now_rfc3339());
  ASSERT_TRUE(now);
  EXPECT_NEAR(static_cast<double>(*now), static_cast<double>(::time(nullptr)), 2.0);
}

}  // namespace
}  // namespace image
