#include "common/encoding.h"
#include "consumers/notifier/ack_token.h"

#include <Poco/HMACEngine.h>
#include <Poco/RandomStream.h>
#include <Poco/SHA2Engine.h>

#include <array>

namespace e911::notifier {
namespace {

// See webhook.cpp: Poco's SHA2Engine lacks the constants HMACEngine reads.
class Sha256Engine : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

constexpr std::size_t kRandomBytes = 16;
constexpr std::size_t kSignatureBytes = 16;
constexpr std::size_t kPartLength = 22;  // base64url of 16 bytes, unpadded


std::string random_part(std::size_t bytes) {
  std::string raw(bytes, '\0');
  Poco::RandomInputStream().read(raw.data(), static_cast<std::streamsize>(raw.size()));
  return base64url_encode(raw);
}

std::string signature_of(std::string_view id, std::string_view key) {
  Poco::HMACEngine<Sha256Engine> hmac(key.empty() ? "" : key.data(), key.size());
  hmac.update(id.data(), id.size());
  const auto& digest = hmac.digest();
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), kSignatureBytes));
}

// Constant time: how long a comparison takes must not tell how much of a
// guessed signature was right.
bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

std::string make_ack_id() { return random_part(kRandomBytes); }

std::string ack_token(std::string_view id, std::string_view key) { return std::string(id) + signature_of(id, key); }

std::optional<std::string> verify_ack_token(std::string_view token, std::string_view key) {
  if (token.size() != kAckTokenLength) return std::nullopt;
  if (!base64url_decode(token.substr(0, kPartLength)) || !base64url_decode(token.substr(kPartLength))) {
    return std::nullopt;
  }
  const auto id = token.substr(0, kPartLength);
  if (!same(token.substr(kPartLength), signature_of(id, key))) return std::nullopt;
  return std::string(id);
}

std::string make_ack_key() { return random_part(32); }

}  // namespace e911::notifier
