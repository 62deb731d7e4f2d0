#pragma once
// Acknowledgement tokens: the short, unguessable part of an alert's
// acknowledgement link (https://notifier.example.com/ack/<token>).
//
// A token is 16 random bytes and the first 16 bytes of their HMAC-SHA256
// under the notifier's key, both base64url: 44 characters, short enough
// for an SMS. The signature lets the endpoint turn away forged or mangled
// tokens without touching the store; the random part is what the store
// keys the alert by, and is what makes the token single-use there.

#include <optional>
#include <string>
#include <string_view>

namespace e911::notifier {

inline constexpr std::size_t kAckTokenLength = 44;

// A new token id: 16 bytes from the system's CSPRNG, base64url (22 characters).
std::string make_ack_id();
// The token for an id: the id and its signature under `key`.
std::string ack_token(std::string_view id, std::string_view key);
// The token's random part (its id in the store) when the signature is
// right; nullopt for anything else (wrong length, bad characters, forged).
std::optional<std::string> verify_ack_token(std::string_view token, std::string_view key);

// 32 random bytes, base64url: a key for deployments that did not set one.
std::string make_ack_key();

}  // namespace e911::notifier
