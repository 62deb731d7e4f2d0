#pragma once
// A ClaimsSigner (i3_log_events.h) with the auditor's signing key: JWS
// compact serializations of i3 LogEvents, header {"alg","kid","typ":"JWT"}
// like the journal's own signatures (entry_signer.h), made with Poco::JWT.
//
// Signer (entry_signer.h) signs only {hash, seq}; this loads the same key
// material (auditor.signing.secret / private_key / passphrase, which
// auditor_settings() has already checked) for arbitrary claims.

#include <string>

#include "common/result.h"
#include "consumers/auditor/journal/entry_signer.h"
#include "consumers/auditor/export/i3_log_events.h"

namespace e911::auditor {

// `key`: the HS256 secret, or the ES256/RS256 private key PEM (with
// `passphrase` if encrypted). Errors name the key id.
Result<ClaimsSigner> claims_signer(SigningAlgorithm algorithm, const std::string& key_id, const std::string& key,
                                   const std::string& passphrase = "");

}  // namespace e911::auditor
