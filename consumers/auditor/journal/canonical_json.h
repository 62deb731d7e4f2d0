#pragma once
// Canonical JSON for what the audit journal hashes and signs: RFC 8785
// (JSON Canonicalization Scheme, JCS) restricted to the values our payloads
// use.
//
//   - object members sorted by the UTF-16 code units of their names
//     (so U+E000..U+FFFF sort after supplementary-plane characters, as
//     JavaScript and RFC 8785 order them, not as UTF-8 bytes would);
//   - no insignificant whitespace;
//   - strings escaped minimally: \" \\ \b \f \n \r \t, other C0 controls as
//     \u00xx (lower-case hex); everything else, U+007F and non-ASCII
//     included, written as UTF-8;
//   - numbers: integers only, written in plain decimal ("-0" becomes "0"),
//     and only in the range JavaScript represents exactly
//     (|n| <= 2^53 - 1), where RFC 8785's ES6 number formatting is the
//     plain decimal form. Fractions, exponents and larger integers are
//     rejected rather than reformatted: the audit payloads are ours and
//     carry none, and a rejected number cannot hash two ways.
//
// Rejected as well: duplicate member names, invalid UTF-8 (overlong forms,
// surrogates, escaped lone surrogates, values past U+10FFFF), NUL bytes
// outside strings, nesting deeper than kCanonicalJsonMaxDepth, input larger
// than kCanonicalJsonMaxBytes, trailing content. Any JSON value is accepted
// at the top level (audit payloads are objects).
//
// canonical_json(canonical_json(x)) == canonical_json(x).

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace e911::auditor {

inline constexpr std::size_t kCanonicalJsonMaxBytes = 1024 * 1024;
inline constexpr int kCanonicalJsonMaxDepth = 32;
// Largest integer canonical_json() accepts (2^53 - 1), and its negation.
inline constexpr long long kCanonicalJsonMaxInteger = 9007199254740991LL;

Result<std::string> canonical_json(std::string_view json);

// Appends `utf8` as a JSON string the way canonical_json() writes strings.
// The caller vouches for the UTF-8; bytes are written as they are.
void append_canonical_string(std::string& out, std::string_view utf8);

}  // namespace e911::auditor
