#include "common/net/tls_context.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>

#include <openssl/ssl.h>

#include <mutex>
#include <stdexcept>

namespace e911::net {

void ensure_ssl_initialized() {
  static std::once_flag once;
  std::call_once(once, [] {
    Poco::Net::initializeSSL();
    // No passphrase handler (clients present no key) and no default
    // context (every transport brings its own).
    Poco::Net::SSLManager::instance().initializeClient(
        nullptr, new Poco::Net::RejectCertificateHandler(/*handleErrorsOnServerSide=*/false), nullptr);
  });
}

Poco::Net::Context::Ptr client_tls_context(bool verify, const std::string& ca_file) {
  ensure_ssl_initialized();
  Poco::Net::Context::Params params;
  // VERIFY_STRICT rather than RELAXED: for a client OpenSSL treats them
  // alike, but Poco skips the host name check on loopback unless strict.
  params.verificationMode = verify ? Poco::Net::Context::VERIFY_STRICT : Poco::Net::Context::VERIFY_NONE;
  params.caLocation = verify ? ca_file : std::string();
  params.loadDefaultCAs = verify && ca_file.empty();
  params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES";
  Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  return context;
}

Poco::Net::Context::Ptr client_tls_context_for(std::string_view who, bool verify, const std::string& ca_file) {
  try {
    return client_tls_context(verify, ca_file);
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument(std::string(who) + ": TLS: " + e.displayText());
  }
}

Poco::Net::Context::Ptr server_tls_context(const std::string& certificate_file, const std::string& private_key_file,
                                           const std::string& who) {
  ensure_ssl_initialized();
  Poco::Net::Context::Params params;
  params.privateKeyFile = private_key_file;
  params.certificateFile = certificate_file;
  params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // no client certificates
  params.loadDefaultCAs = false;
  params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES";
  Poco::Net::Context::Ptr context;
  try {
    context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error(who + ": cannot load TLS certificate " + certificate_file + " and key " +
                             private_key_file + ": " + e.displayText());
  }
  if (SSL_CTX_check_private_key(context->sslContext()) != 1) {
    throw std::runtime_error(who + ": TLS private key " + private_key_file + " does not match certificate " +
                             certificate_file);
  }
  context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  return context;
}

}  // namespace e911::net
