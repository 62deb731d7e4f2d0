#pragma once
// The addresses in SIP headers (RFC 3261 section 25.1, RFC 3966 tel:,
// RFC 5031 service URNs): name-addr / addr-spec with header parameters, and
// URIs split into what the ingest needs. Views point into the header text;
// only decoded text (display names, percent-decoded users) is copied.

#include <optional>
#include <string>
#include <string_view>

namespace e911::ingest {

// `"John Smith" <sip:5001@pbx.example.com>;tag=1928301774`
struct NameAddr {
  std::string display_name;  // unquoted, backslash escapes resolved; empty when absent
  std::string_view uri;      // inside <...>, or the bare addr-spec
  std::string_view params;   // header parameters after the URI, from the first ';' ("" when none)
};

// nullopt when there is no URI (an empty value, an unclosed quote or <).
std::optional<NameAddr> parse_name_addr(std::string_view value);
// The same into `out` (false: no URI, `out` unspecified): a decoder that
// reads several addresses per message fills them in place.
bool parse_name_addr(std::string_view value, NameAddr& out);

struct Uri {
  std::string scheme;       // lower case: "sip", "sips", "tel", "urn", "http", ...
  std::string user;         // sip/sips: the user part, percent-decoded, without its ;parameters and password
                            // tel: the number without visual separators; urn: what follows "urn:", lower case
  std::string_view host;    // sip/sips: host (brackets kept for IPv6); empty for tel/urn
  std::string_view params;  // URI parameters from the first ';' after the host / number ("" when none)
  std::string_view user_params;  // sip/sips: ;parameters inside the user part (";phone-context=...")
};

// nullopt when `text` has no scheme.
std::optional<Uri> parse_uri(std::string_view text);
bool parse_uri(std::string_view text, Uri& out);  // in place, as parse_name_addr

// The value of parameter `name` (case-insensitive) in a ";a=1;b=\"x\"" list,
// without its quotes (backslash escapes inside them kept as sent: the
// parameters read here never hold any); "" for a parameter without a value;
// nullopt when absent. A view into `params`.
std::optional<std::string_view> find_param(std::string_view params, std::string_view name);

// RFC 3986 percent-decoding; nullopt on a malformed escape or a NUL.
std::optional<std::string> percent_decode(std::string_view text);

// True for a telephone-number user: digits with an optional leading '+'.
bool is_phone_number(std::string_view s);

}  // namespace e911::ingest
