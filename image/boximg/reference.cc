#include "boximg/reference.h"

#include <cctype>
#include <vector>

#include "boximg/error.h"

namespace image {
namespace {

constexpr std::size_t kMaxNameLength = 255;
constexpr std::size_t kMaxTagLength = 128;

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    std::size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// [a-z0-9]+ separated by ".", "_", "__" or runs of "-" (the distribution spec's grammar).
bool valid_path_component(std::string_view c) {
  if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) return false;
  for (std::size_t i = 0; i < c.size();) {
    if (is_lower_alnum(c[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < c.size() && !is_lower_alnum(c[j]))
      ++j;
    std::string_view sep = c.substr(i, j - i);
    bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
    i = j;
  }
  return true;
}

// host[.host...][:port], host labels being alphanumerics with inner dashes.
bool valid_domain(std::string_view d) {
  std::size_t colon = d.find(':');
  std::string_view host = d.substr(0, colon);
  if (colon != std::string_view::npos) {
    std::string_view port = d.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos)
      return false;
  }
  for (std::string_view label : split(host, '.')) {
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

// Docker reads the first component as a registry when it has a dot or a port, or is
// "localhost"; anything else is the first path component on Docker Hub.
bool looks_like_domain(std::string_view first) {
  return first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
         first.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos;
}

bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > kMaxTagLength || !is_word_char(tag.front())) return false;
  for (char c : tag)
    if (!is_word_char(c) && c != '.' && c != '-') return false;
  return true;
}

[[noreturn]] void invalid(std::string_view text, const std::string& why) {
  throw Error("invalid reference \"" + std::string(text) + "\": " + why, EINVAL);
}

// Docker Hub names lose their registry and, for official images, "library/".
std::string familiar_name(std::string_view domain, std::string_view path) {
  if (!domain.empty() && domain != "docker.io" && domain != "index.docker.io")
    return std::string(domain) + "/" + std::string(path);
  constexpr std::string_view kLibrary = "library/";
  if (path.substr(0, kLibrary.size()) == kLibrary &&
      path.find('/', kLibrary.size()) == std::string_view::npos)
    path.remove_prefix(kLibrary.size());
  return std::string(path);
}

}  // namespace

Reference Reference::parse(std::string_view text) {
  if (text.empty()) invalid(text, "empty");
  if (text.find('@') != std::string_view::npos)
    invalid(text, "digest references are not supported by the local store; use NAME[:TAG]");
  std::string_view name = text;
  std::string tag = "latest";
  std::size_t colon = text.rfind(':');
  if (colon != std::string_view::npos && text.find('/', colon) == std::string_view::npos) {
    name = text.substr(0, colon);
    tag = std::string(text.substr(colon + 1));
    if (!valid_tag(tag))
      invalid(text, "tag \"" + tag + "\" must be [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  }
  if (name.empty()) invalid(text, "no name");
  if (name.size() > kMaxNameLength) invalid(text, "name longer than 255 characters");

  std::vector<std::string_view> parts = split(name, '/');
  std::string_view domain;
  if (parts.size() > 1 && looks_like_domain(parts.front())) {
    domain = parts.front();
    if (!valid_domain(domain)) invalid(text, "bad registry \"" + std::string(domain) + "\"");
    parts.erase(parts.begin());
  }
  for (std::string_view part : parts) {
    bool upper = part.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos;
    if (upper) invalid(text, "repository name must be lowercase");
    if (!valid_path_component(part))
      invalid(text, "bad name component \"" + std::string(part) + "\"");
  }
  std::string_view path = name.substr(domain.empty() ? 0 : domain.size() + 1);
  return Reference{familiar_name(domain, path), tag};
}

}  // namespace image
