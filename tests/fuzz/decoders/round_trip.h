#pragma once
// The promise the fuzz modes check of a decoder that has an encoder beside
// it: what the decoder accepted, encoded, is accepted again and encodes to
// the same text. A broken promise aborts (fuzz_modes.h), so libFuzzer
// saves the input.

#include <string>

#include "tests/fuzz/decoders/fuzz_modes.h"

namespace e911::fuzz {

// `decoded` is what `decode` made of the fuzz input. `decode` is called
// with the encoded text alone (wrap a decoder with default arguments in a
// lambda) and returns a Result: true, or an error().message. `encode`
// returns the text.
template <typename Value, typename Decode, typename Encode>
void expect_encoding_round_trips(const Value& decoded, Decode decode, Encode encode) {
  const std::string once = encode(decoded);
  const auto again = decode(once);
  E911_FUZZ_EXPECT_EQ(again ? std::string() : again.error().message, std::string());
  E911_FUZZ_EXPECT_EQ(encode(*again), once);
}

}  // namespace e911::fuzz
