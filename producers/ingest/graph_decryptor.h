#pragma once
// Microsoft Graph's encrypted resource data ("Set up change notifications
// that include resource data"): each notification carries dataKey, a
// random AES key encrypted to the subscription's certificate with
// RSA-OAEP (SHA-1, MGF1-SHA-1); data, the resource as JSON encrypted with
// that key in AES-CBC with PKCS#7 padding and the key's first 16 bytes as
// the IV; dataSignature, HMAC-SHA256 of the encrypted data under the key.
// The signature is checked before anything is decrypted.
//
// Several keys may be configured (the old and the new certificate while a
// subscription is renewed with a new one): the one the notification names
// by encryptionCertificateId is tried first, then the others.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace e911::ingest {

struct GraphEncryptedContent {
  std::string data;            // base64
  std::string data_key;        // base64
  std::string data_signature;  // base64
  std::string certificate_id;  // encryptionCertificateId (may be empty)
};

class GraphDecryptor {
 public:
  struct Key {
    std::string certificate_id;  // the id given to Graph with the certificate ("" matches none by name)
    std::string private_key_pem;
  };
  // Errors name the key ("key 2 (cert-2026): not a PEM private key").
  static Result<GraphDecryptor> create(const std::vector<Key>& keys);
  // Reads each key from its file (PEM, PKCS#8 or traditional RSA).
  static Result<GraphDecryptor> from_files(const std::vector<std::pair<std::string, std::string>>& id_and_path);

  GraphDecryptor(GraphDecryptor&&) noexcept;
  GraphDecryptor& operator=(GraphDecryptor&&) noexcept;
  ~GraphDecryptor();

  // The decrypted resource JSON. Errors say which step failed and never
  // include key material or plaintext.
  Result<std::string> decrypt(const GraphEncryptedContent& content) const;

  struct Impl;

 private:
  explicit GraphDecryptor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace e911::ingest
