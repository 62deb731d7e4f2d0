#pragma once
// Microsoft Graph's side of a Teams emergency-call notification, for the
// tests: a certificate key pair of the kind a subscription is created
// with, and resource data encrypted as Graph encrypts it (RSA-OAEP-SHA1
// data key, AES-256-CBC with the key's first 16 bytes as IV, HMAC-SHA256
// of the encrypted bytes), in a notification request body.

#include <string>

namespace e911::test {

struct GraphKeyPair {
  std::string private_pem;
  std::string public_pem;
};

// A fresh 2048-bit RSA key pair.
GraphKeyPair make_graph_key_pair();

struct GraphEncrypted {
  std::string data, data_key, data_signature;  // base64, as in encryptedContent
};

GraphEncrypted graph_encrypt(const std::string& public_pem, const std::string& resource_json);

// {"value":[{... "clientState": ..., "encryptedContent": {...}}]} in the
// shape of Graph's documented emergency call notification.
std::string graph_notification_body(const std::string& client_state, const GraphEncrypted& content,
                                    const std::string& certificate_id = "e911-test-cert");

// The decrypted resource of Graph's documentation example, with the
// fields an emergency call of the test fixtures carries.
std::string graph_emergency_call_resource(const std::string& id, const std::string& type = "callStarted");

}  // namespace e911::test
