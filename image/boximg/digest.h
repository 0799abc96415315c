// Content addresses: incremental SHA-256 over OpenSSL's EVP interface, and the
// "sha256:<64 hex>" digest strings of the OCI image spec.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace image {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  // "sha256:<hex>". The hasher is spent afterwards.
  std::string digest();

 private:
  evp_md_ctx_st* ctx_;
};

// "sha256:<hex>" of `data`.
std::string sha256_digest(std::string_view data);

// True for "sha256:" followed by 64 lowercase hex digits.
bool is_sha256_digest(std::string_view digest);

// The hex part of a sha256 digest; throws Error for anything else, so that a digest read
// from a file can never turn into a path outside the blob directory.
std::string digest_hex(std::string_view digest);

// The first 12 hex digits, as `docker images` shows an ID.
std::string short_id(std::string_view digest);

}  // namespace image
