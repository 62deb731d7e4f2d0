#include "consumers/notifier/tls_context.h"

#include <Poco/Net/NetSSL.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>

#include <mutex>

namespace e911::notifier {

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

}  // namespace e911::notifier
