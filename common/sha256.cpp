#include "common/sha256.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

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

std::string to_hex(const unsigned char* bytes, unsigned int length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(length * 2, '\0');
  for (unsigned int i = 0; i < length; ++i) {
    hex[2 * i] = kHex[bytes[i] >> 4];
    hex[2 * i + 1] = kHex[bytes[i] & 0xf];
  }
  return hex;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX* ctx = thread_context();
  if (EVP_DigestInit_ex(ctx, sha256_algorithm(), nullptr) != 1 || EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, digest, &length) != 1)
    throw std::runtime_error("SHA-256: OpenSSL failed");
  return to_hex(digest, length);
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  static const unsigned char kNoKey = 0;
  const auto* k = key.empty() ? &kNoKey : reinterpret_cast<const unsigned char*>(key.data());
  if (!HMAC(sha256_algorithm(), k, static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
            data.size(), mac, &length))
    throw std::runtime_error("HMAC-SHA256: OpenSSL failed");
  return std::string(reinterpret_cast<const char*>(mac), length);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  const auto mac = hmac_sha256(key, data);
  return to_hex(reinterpret_cast<const unsigned char*>(mac.data()), static_cast<unsigned int>(mac.size()));
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace e911
