#include "tests/ingest/graph_notifications.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <memory>
#include <stdexcept>

#include "common/encoding.h"
#include "common/sha256.h"

namespace e911::test {
namespace {

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace

GraphKeyPair make_graph_key_pair() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), &EVP_PKEY_free);
  if (!key) throw std::runtime_error("RSA key generation failed");
  std::unique_ptr<BIO, decltype(&BIO_free)> priv(BIO_new(BIO_s_mem()), &BIO_free), pub(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_bio_PUBKEY(pub.get(), key.get());
  return {bio_text(priv.get()), bio_text(pub.get())};
}

GraphEncrypted graph_encrypt(const std::string& public_pem, const std::string& resource_json) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size())),
                                                &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr),
                                                          &EVP_PKEY_free);
  if (!key) throw std::runtime_error("not a public key");
  unsigned char aes[32];
  RAND_bytes(aes, sizeof aes);
  // The data: AES-256-CBC, IV = the key's first 16 bytes, PKCS#7.
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> c(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::string encrypted(resource_json.size() + 32, '\0');
  int n = 0, f = 0;
  auto* out = reinterpret_cast<unsigned char*>(encrypted.data());
  EVP_EncryptInit_ex(c.get(), EVP_aes_256_cbc(), nullptr, aes, aes);
  EVP_EncryptUpdate(c.get(), out, &n, reinterpret_cast<const unsigned char*>(resource_json.data()),
                    static_cast<int>(resource_json.size()));
  EVP_EncryptFinal_ex(c.get(), out + n, &f);
  encrypted.resize(static_cast<std::size_t>(n + f));
  // The key: RSA-OAEP, SHA-1.
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> k(EVP_PKEY_CTX_new(key.get(), nullptr), &EVP_PKEY_CTX_free);
  EVP_PKEY_encrypt_init(k.get());
  EVP_PKEY_CTX_set_rsa_padding(k.get(), RSA_PKCS1_OAEP_PADDING);
  EVP_PKEY_CTX_set_rsa_oaep_md(k.get(), EVP_sha1());
  std::size_t size = 0;
  EVP_PKEY_encrypt(k.get(), nullptr, &size, aes, sizeof aes);
  std::string wrapped(size, '\0');
  EVP_PKEY_encrypt(k.get(), reinterpret_cast<unsigned char*>(wrapped.data()), &size, aes, sizeof aes);
  wrapped.resize(size);
  const std::string key_bytes(reinterpret_cast<const char*>(aes), sizeof aes);
  return {base64_encode(encrypted), base64_encode(wrapped),
          base64_encode(hmac_sha256(key_bytes, encrypted))};
}

std::string graph_notification_body(const std::string& client_state, const GraphEncrypted& content,
                                    const std::string& certificate_id) {
  return R"j({"value":[{"subscriptionId":"0f6c3bb2-4e0a-4d8c-9d5e-7a2b4e1c9f00","clientState":")j" + client_state +
         R"j(","changeType":"updated","tenantId":"00000000-0000-0000-0000-000000000000",)j"
         R"j("resource":"communications/calls/getEmergencyEventsByPolicy(policyName='EmergencyPolicy')",)j"
         R"j("subscriptionExpirationDateTime":"2026-12-05T11:00:00.0000000Z",)j"
         R"j("resourceData":{"@odata.id":"communications/calls/getEmergencyEventsByPolicy(policyName='EmergencyPolicy')",)j"
         R"j("@odata.type":"#microsoft.graph.emergencyCallEvent","id":"11111111-0000-0000-0000-000000000000"},)j"
         R"j("organizationId":"00000000-0000-0000-0000-000000000000","encryptedContent":{"data":")j" +
         content.data + R"j(","dataSignature":")j" + content.data_signature + R"j(","dataKey":")j" + content.data_key +
         R"j(","encryptionCertificateId":")j" + certificate_id +
         R"j(","encryptionCertificateThumbprint":"07293748CC064953A3052FB978C735FB89E61C3D"}}],)j"
         R"j("validationTokens":["eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.c2ln"]})j";
}

std::string graph_emergency_call_resource(const std::string& id, const std::string& type) {
  return R"j({"@odata.id":"communications/calls/getEmergencyEventsByPolicy(policyName='EmergencyPolicy')",)j"
         R"j("@odata.type":"#microsoft.graph.emergencyCallEvent","id":")j" + id +
         R"j(","emergencyCallEvent":{"id":")j" + id + R"j(","callEventType":")j" + type +
         R"j(","policyName":"EmergencyPolicy","eventDateTime":"2026-11-26T12:35:00.1234567+00:00",)j"
         R"j("emergencyNumberDialed":"911","callerInfo":{"displayName":"Ana Lima","upn":"ana.lima@example.com",)j"
         R"j("phoneNumber":"+15125550102","tenantId":"00000000-0000-0000-0000-000000000000",)j"
         R"j("location":{"address":{"street":"Congress","city":"Austin","state":"TX","countryOrRegion":"United States",)j"
         R"j("postalCode":"78701","additionalData":{"companyName":"Example Corp","additionalInfo":"Floor 1",)j"
         R"j("houseNumber":"100","county":"Travis","streetSuffix":"Ave"}},)j"
         R"j("coordinates":{"latitude":"30.2642","longitude":"-97.7448"}}}}})j";
}

}  // namespace e911::test
