#include "consumers/auditor/export/log_event_signer.h"

#include <Poco/Crypto/ECKey.h>
#include <Poco/Crypto/EVPPKey.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include <memory>
#include <sstream>
#include <stdexcept>

namespace e911::auditor {

Result<ClaimsSigner> claims_signer(SigningAlgorithm algorithm, const std::string& key_id, const std::string& key,
                                   const std::string& passphrase) {
  auto jwt = std::make_shared<Poco::JWT::Signer>();
  const std::string alg(algorithm_name(algorithm));
  try {
    if (algorithm == SigningAlgorithm::hs256) {
      if (key.size() < kMinSecretBytes) return Error{"key " + key_id + ": HS256 secret too short"};
      jwt->setHMACKey(key);
    } else {
      // Checked first: Poco 1.11's EVPPKey leaks what it allocated when the
      // PEM does not parse (see entry_signer.cpp).
      if (key.find("PRIVATE KEY-----") == std::string::npos) return Error{"key " + key_id + ": not a PEM private key"};
      std::istringstream pem(key);
      const Poco::Crypto::EVPPKey evp(nullptr, &pem, passphrase);
      if (algorithm == SigningAlgorithm::es256) {
        jwt->setECKey(new Poco::Crypto::ECKey(evp));
      } else {
        jwt->setRSAKey(new Poco::Crypto::RSAKey(evp));
      }
    }
  } catch (const Poco::Exception& e) {
    return Error{"key " + key_id + ": cannot load the signing key: " + e.displayText()};
  } catch (const std::exception& e) {
    return Error{"key " + key_id + ": cannot load the signing key: " + e.what()};
  }
  return ClaimsSigner([jwt, alg, key_id](std::string_view claims_json) {
    try {
      Poco::JSON::Parser parser;
      const auto claims = parser.parse(std::string(claims_json)).extract<Poco::JSON::Object::Ptr>();
      Poco::JWT::Token token;
      token.setType("JWT");
      token.header().set("kid", key_id);
      token.payload() = *claims;
      return jwt->sign(token, alg);
    } catch (const Poco::Exception& e) {
      throw std::runtime_error("signing a log event with key " + key_id + ": " + e.displayText());
    }
  });
}

}  // namespace e911::auditor
