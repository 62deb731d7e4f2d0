#include "producers/ingest/graph_decryptor.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <fstream>
#include <sstream>

#include "common/encoding.h"
#include "common/sha256.h"

namespace e911::ingest {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct CipherFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

// Larger than any resource Graph sends for a call; bounds what is decrypted.
constexpr std::size_t kMaxDataBytes = 256 * 1024;
constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;

// RSA-OAEP with SHA-1 and MGF1-SHA-1 (Java's "RSA/ECB/OAEPWithSHA1AndMGF1Padding").
std::optional<std::string> rsa_oaep_decrypt(EVP_PKEY* key, std::string_view wrapped) {
  std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new(key, nullptr));
  if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) <= 0 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), EVP_sha1()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha1()) <= 0)
    return std::nullopt;
  const auto* in = reinterpret_cast<const unsigned char*>(wrapped.data());
  std::size_t size = 0;
  if (EVP_PKEY_decrypt(ctx.get(), nullptr, &size, in, wrapped.size()) <= 0) return std::nullopt;
  std::string out(size, '\0');
  if (EVP_PKEY_decrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &size, in, wrapped.size()) <= 0)
    return std::nullopt;
  out.resize(size);
  return out;
}

const EVP_CIPHER* aes_cbc_for(std::size_t key_bytes) {
  switch (key_bytes) {
    case 16: return EVP_aes_128_cbc();
    case 24: return EVP_aes_192_cbc();
    case 32: return EVP_aes_256_cbc();
    default: return nullptr;
  }
}

std::optional<std::string> aes_cbc_decrypt(std::string_view key, std::string_view data) {
  const EVP_CIPHER* cipher = aes_cbc_for(key.size());
  std::unique_ptr<EVP_CIPHER_CTX, CipherFree> ctx(EVP_CIPHER_CTX_new());
  if (!cipher || !ctx) return std::nullopt;
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  if (EVP_DecryptInit_ex(ctx.get(), cipher, nullptr, k, k) != 1) return std::nullopt;  // IV: the key's first 16 bytes
  std::string out(data.size() + 16, '\0');
  int written = 0, final_bytes = 0;
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (EVP_DecryptUpdate(ctx.get(), o, &written, reinterpret_cast<const unsigned char*>(data.data()),
                        static_cast<int>(data.size())) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), o + written, &final_bytes) != 1)
    return std::nullopt;
  out.resize(static_cast<std::size_t>(written + final_bytes));
  return out;
}

// An RSA private key from PEM text; the error says what is wrong with it.
Result<std::shared_ptr<EVP_PKEY>> read_rsa_key(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  std::shared_ptr<EVP_PKEY> key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr,
                                PkeyFree{});
  if (!key) return Error{"not a PEM private key (unencrypted PKCS#8 or RSA)"};
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA)
    return Error{"not an RSA key (Graph encrypts the data key with RSA-OAEP)"};
  return key;
}

}  // namespace

struct GraphDecryptor::Impl {
  struct Loaded {
    std::string certificate_id;
    std::shared_ptr<EVP_PKEY> key;
  };
  std::vector<Loaded> keys;
};

GraphDecryptor::GraphDecryptor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GraphDecryptor::GraphDecryptor(GraphDecryptor&&) noexcept = default;
GraphDecryptor& GraphDecryptor::operator=(GraphDecryptor&&) noexcept = default;
GraphDecryptor::~GraphDecryptor() = default;

Result<GraphDecryptor> GraphDecryptor::create(const std::vector<Key>& keys) {
  if (keys.empty()) return Error{"no private key configured"};
  auto impl = std::make_unique<Impl>();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto& k = keys[i];
    const std::string name =
        "key " + std::to_string(i + 1) + (k.certificate_id.empty() ? "" : " (" + k.certificate_id + ")");
    auto key = read_rsa_key(k.private_key_pem);
    if (!key) return Error{name + ": " + key.error().message};
    impl->keys.push_back({k.certificate_id, std::move(*key)});
  }
  return GraphDecryptor(std::move(impl));
}

Result<GraphDecryptor> GraphDecryptor::from_files(
    const std::vector<std::pair<std::string, std::string>>& id_and_path) {
  std::vector<Key> keys;
  for (const auto& [id, path] : id_and_path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{path + ": cannot be read"};
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().size() > kMaxKeyFileBytes) return Error{path + ": larger than a private key file can be"};
    if (auto key = read_rsa_key(text.str()); !key) return Error{path + ": " + key.error().message};
    keys.push_back({id, text.str()});
  }
  return create(keys);
}

Result<std::string> GraphDecryptor::decrypt(const GraphEncryptedContent& c) const {
  const auto data = base64_decode(c.data);
  if (!data) return Error{"encryptedContent.data: not base64"};
  if (data->size() > kMaxDataBytes) return Error{"encryptedContent.data: larger than " + std::to_string(kMaxDataBytes) + " bytes"};
  const auto wrapped = base64_decode(c.data_key);
  if (!wrapped) return Error{"encryptedContent.dataKey: not base64"};
  const auto signature = base64_decode(c.data_signature);
  if (!signature) return Error{"encryptedContent.dataSignature: not base64"};

  // The named key first, then the rest: a wrong key fails OAEP's check.
  std::optional<std::string> key;
  for (int pass = 0; pass < 2 && !key; ++pass) {
    for (const auto& k : impl_->keys) {
      const bool named = !c.certificate_id.empty() && k.certificate_id == c.certificate_id;
      if ((pass == 0) != named) continue;
      key = rsa_oaep_decrypt(k.key.get(), *wrapped);
      if (key) break;
    }
  }
  if (!key) return Error{"encryptedContent.dataKey: no configured private key decrypts it (certificate id " +
                         (c.certificate_id.empty() ? std::string("not given") : "\"" + c.certificate_id + "\"") + ")"};
  if (!aes_cbc_for(key->size()))
    return Error{"encryptedContent.dataKey: " + std::to_string(key->size()) + " bytes is not an AES key"};
  // The signature over the encrypted bytes, checked before decrypting them.
  if (!constant_time_equal(hmac_sha256(*key, *data), *signature))
    return Error{"encryptedContent.dataSignature: does not match the data (tampered with, or not from Graph)"};
  auto plain = aes_cbc_decrypt(*key, *data);
  if (!plain) return Error{"encryptedContent.data: does not decrypt (bad padding)"};
  return std::move(*plain);
}

}  // namespace e911::ingest
