#pragma once
// TLS on Poco NetSSL / OpenSSL: client contexts (the notifier's HTTPS
// transports, SMTP with STARTTLS or implicit TLS) and server contexts (the
// acknowledgement endpoint, the audit API).
//
// Poco's SSLManager reads its defaults from a Poco::Util::Application
// configuration, which this process does not have: a certificate that fails
// verification would then make Poco look for that configuration from inside
// OpenSSL's verify callback and throw there. ensure_ssl_initialized()
// installs a handler that simply rejects such certificates, so a failed
// verification is an ordinary handshake failure. Nothing here accepts a
// certificate that does not verify.

#include <Poco/Net/Context.h>

#include <string>
#include <string_view>

namespace e911::net {

// Initialises NetSSL (and OpenSSL) once per process; safe to call from any
// thread, any number of times. client_tls_context() calls it.
void ensure_ssl_initialized();

// A context for client connections, to be shared by all the sessions of
// one transport (OpenSSL contexts are safe to share across threads).
// TLS 1.2 at least.
//   verify = true:  the server's chain must lead to a trusted CA and its
//                   certificate must name the host connected to (even on
//                   loopback). Trusted CAs: the system's, or, when `ca_file`
//                   is set, only the CAs in that PEM file (a private CA).
//   verify = false: no verification at all; for a lab, never the default.
// Throws Poco::Exception when `ca_file` cannot be read.
Poco::Net::Context::Ptr client_tls_context(bool verify, const std::string& ca_file);

// The same for the client `who` ("smtp", "webhook"): throws
// std::invalid_argument("<who>: TLS: ...") when `ca_file` cannot be used,
// so a client's constructor refuses its settings like any other.
Poco::Net::Context::Ptr client_tls_context_for(std::string_view who, bool verify, const std::string& ca_file);

// A context for a server with this certificate (PEM, chain included) and
// private key: TLS 1.2 at least, no client certificates asked for (clients
// authenticate otherwise). Throws std::runtime_error starting with `who`
// ("audit API: ...") when the files cannot be loaded or do not match.
Poco::Net::Context::Ptr server_tls_context(const std::string& certificate_file, const std::string& private_key_file,
                                           const std::string& who);

}  // namespace e911::net
