#include "common/sha256.h"

#include <Poco/Crypto/DigestEngine.h>
#include <Poco/Crypto/OpenSSLInitializer.h>

namespace e911 {

std::string sha256_hex(std::string_view data) {
  // OpenSSL's SHA-256 (Poco::Crypto), not Poco::SHA2Engine: several times
  // faster, and verifying a million journal entries hashes a million
  // inputs. A live initializer spares each digest engine from initializing
  // OpenSSL again.
  static const Poco::Crypto::OpenSSLInitializer openssl;
  Poco::Crypto::DigestEngine sha256("SHA256");
  sha256.update(data.data(), data.size());
  return Poco::DigestEngine::digestToHex(sha256.digest());
}

}  // namespace e911
