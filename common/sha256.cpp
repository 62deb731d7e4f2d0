#include "common/sha256.h"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace e911 {
namespace {

// OpenSSL 3 looks an algorithm up on every implicit use (EVP_sha256()):
// fetched once, and a context per thread, a digest costs only the hashing.
// That matters when verifying a million journal entries, or giving every
// SIP message its ids.
const EVP_MD* sha256_algorithm() {
  static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(EVP_MD_fetch(nullptr, "SHA256", nullptr),
                                                                   &EVP_MD_free);
  if (!md) throw std::runtime_error("SHA-256: OpenSSL has no SHA256");
  return md.get();
}

EVP_MD_CTX* thread_context() {
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx) throw std::runtime_error("SHA-256: out of memory");
  return ctx.get();
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX* ctx = thread_context();
  if (EVP_DigestInit_ex(ctx, sha256_algorithm(), nullptr) != 1 || EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, digest, &length) != 1)
    throw std::runtime_error("SHA-256: OpenSSL failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(length * 2, '\0');
  for (unsigned int i = 0; i < length; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return hex;
}

}  // namespace e911
