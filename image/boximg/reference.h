// Image references as Docker spells them: NAME[:TAG], where NAME is
// [DOMAIN[:PORT]/]PATH and the tag defaults to "latest". Names are kept in Docker's
// "familiar" form, so "docker.io/library/busybox" and "busybox" are the same image.
#pragma once

#include <string>
#include <string_view>

namespace image {

struct Reference {
  std::string name;  // "busybox", "ghcr.io/acme/api", "localhost:5000/x"
  std::string tag;   // "latest" when the text had none

  // Throws Error naming what is wrong with `text`. Digest references (NAME@sha256:...)
  // are refused: the local store knows images by tag.
  static Reference parse(std::string_view text);

  std::string str() const { return name + ":" + tag; }
  bool operator==(const Reference&) const = default;
};

}  // namespace image
