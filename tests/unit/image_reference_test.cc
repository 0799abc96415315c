// NAME[:TAG] references as Docker parses and shortens them.
#include <gtest/gtest.h>

#include "boximg/error.h"
#include "boximg/reference.h"

namespace image {
namespace {

void expect_ref(const char* text, const char* name, const char* tag) {
  SCOPED_TRACE(text);
  Reference ref = Reference::parse(text);
  EXPECT_EQ(ref.name, name);
  EXPECT_EQ(ref.tag, tag);
}

void expect_invalid(const char* text, const char* why) {
  SCOPED_TRACE(text);
  try {
    Reference::parse(text);
    ADD_FAILURE() << "parsed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
  }
}

TEST(ImageReference, TagDefaultsToLatest) {
  expect_ref("busybox", "busybox", "latest");
  expect_ref("busybox:local", "busybox", "local");
  expect_ref("nginx:1.27-alpine", "nginx", "1.27-alpine");
  EXPECT_EQ(Reference::parse("busybox").str(), "busybox:latest");
}

TEST(ImageReference, DockerHubNamesAreShortened) {
  expect_ref("docker.io/library/busybox:1", "busybox", "1");
  expect_ref("index.docker.io/library/busybox", "busybox", "latest");
  expect_ref("library/busybox", "busybox", "latest");
  expect_ref("docker.io/acme/api:v2", "acme/api", "v2");
  EXPECT_EQ(Reference::parse("docker.io/library/nginx:1.27"), Reference::parse("nginx:1.27"));
}

TEST(ImageReference, RegistriesAndPorts) {
  expect_ref("ghcr.io/acme/api:v1", "ghcr.io/acme/api", "v1");
  expect_ref("localhost:5000/x", "localhost:5000/x", "latest");
  expect_ref("localhost:5000/x:dev", "localhost:5000/x", "dev");
  expect_ref("localhost/x", "localhost/x", "latest");
  expect_ref("registry.example.com:443/a/b/c:1", "registry.example.com:443/a/b/c", "1");
  // Without a slash, a colon starts the tag, as in Docker.
  expect_ref("localhost:5000", "localhost", "5000");
}

TEST(ImageReference, NameComponentSeparators) {
  expect_ref("a.b_c__d---e:t", "a.b_c__d---e", "t");
  expect_invalid("a..b", "bad name component");
  expect_invalid("a___b", "bad name component");
  expect_invalid("-ab", "bad name component");
  expect_invalid("ab-", "bad name component");
  expect_invalid("a//b", "bad name component");
}

TEST(ImageReference, Refused) {
  expect_invalid("", "empty");
  expect_invalid("BusyBox", "must be lowercase");
  expect_invalid("acme/BusyBox", "must be lowercase");
  expect_invalid("busybox:", "tag");
  expect_invalid("busybox:-x", "tag");
  expect_invalid("busybox:a/b", "bad registry");
  expect_invalid(":tag", "no name");
  expect_invalid("busybox@sha256:0123", "digest references are not supported");
  expect_invalid("bad_host-.io/x", "bad registry");
  expect_invalid("-bad.io/x", "bad registry");
  expect_invalid(std::string(256, 'a').c_str(), "longer than 255");
  expect_invalid(("x:" + std::string(129, 't')).c_str(), "tag");
}

}  // namespace
}  // namespace image
