#pragma once
// The address validation provider (docs/locations.md, "Address checks"):
// once an address passes address_rules.h, an outside service (a geocoder,
// the carrier's address check, a national address register) may confirm
// or refuse it. AddressValidator is what the location service asks;
// HttpAddressValidator asks a provider over HTTP(S) with a small JSON
// protocol.
//
// What a verdict means for a registration:
//   confirmed    accepted, with validated: true
//   refused      422 naming the field (refusal_problem); nothing produced
//   unavailable  accepted, with validated: false: the format rules passed,
//                and a person must be able to register during a
//                provider outage. The reason goes to the log, not the user.
//
// Threads: validate() may be called from several request threads at once.
// HttpAddressValidator opens a connection per call and changes nothing
// shared; a call blocks for at most about the timeout per step (connect,
// each read or write).

#include <Poco/Net/Context.h>

#include <chrono>
#include <string>

#include "common/civic_address.h"
#include "common/net/http_client.h"
#include "producers/locations/address_rules.h"

namespace e911::locations {

struct AddressVerdict {
  enum class Kind { confirmed, refused, unavailable };
  Kind kind = Kind::unavailable;
  // refused: the provider's message (one line, at most 200 bytes; may be
  // empty). unavailable: why, naming the provider's origin and the step
  // that failed ("POST https://av.example/v1/check: read response: timed
  // out"); never the token. confirmed: empty.
  std::string message;
  // refused: the field the provider named, as the API names it
  // ("address.postal_code"); empty when it named none, or one that is not
  // a civic address field.
  std::string field;
};

// A refusal as the API reports it, like the rules' problems: the field
// ("address" when the provider named none) and "<field>: <message>".
FieldProblem refusal_problem(const AddressVerdict& refused);

class AddressValidator {
 public:
  virtual ~AddressValidator() = default;
  // Never throws for the provider's problems: they are `unavailable`.
  virtual AddressVerdict validate(const CivicAddress& address) = 0;
};

// locations.validation.*
struct HttpAddressValidatorSettings {
  std::string url;         // .url: http or https, no user info
  std::string token_file;  // .token_file: "Authorization: Bearer <token>"; empty: no header
  std::chrono::milliseconds timeout{3000};  // .timeout_ms: to connect, and for each read or write
  bool verify_certificate = true;           // https only
  std::string ca_file;                      // https only: trust this PEM CA instead of the system's
};

// POSTs {"address": {<CONTRACT.md civic fields that are set>}} as JSON to
// the URL and expects 2xx with {"valid": true|false, "message": "...",
// "field": "..."} (message and field optional). Anything else (another
// status, a body that is not that JSON, no answer within the timeout, a
// connection or TLS failure, an unreadable token file) is `unavailable`.
// The token file is read again for every request, so a rotated token is
// used at once.
class HttpAddressValidator final : public AddressValidator {
 public:
  // Throws std::invalid_argument naming the key
  // ("locations.validation.url: URL scheme 'ftp' is not http or https",
  // "locations.validation.token_file: cannot read ...") when the settings
  // cannot work: a URL that is not http(s) or has user info, a token file
  // that cannot be read or holds no usable token, an unreadable CA file.
  explicit HttpAddressValidator(HttpAddressValidatorSettings settings);

  AddressVerdict validate(const CivicAddress& address) override;

 private:
  HttpAddressValidatorSettings settings_;
  net::HttpEndpoint endpoint_;
  Poco::Net::Context::Ptr tls_;  // null for http
  std::string step_;             // "POST https://av.example/v1/check", never the query
};

}  // namespace e911::locations
