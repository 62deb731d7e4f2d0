#pragma once
// Compiling ingest.user_id.pattern (and decode-sip's --user-id-pattern)
// into the IdentityMapping's regex, in one place. It is its own
// translation unit because GCC 12 under -fsanitize reports a false
// -Wmaybe-uninitialized inside std::regex's compiler (the std::function
// members of its NFA states) wherever a regex is constructed; this file
// alone is built without that warning (CMakeLists.txt).

#include <string>
#include <string_view>

#include "common/result.h"
#include "producers/ingest/sip_call_event.h"

namespace e911::ingest {

// Sets mapping.pattern (ECMAScript) and pattern_text; an error says why the
// text is not a regular expression.
std::optional<Error> set_user_id_pattern(IdentityMapping& mapping, std::string_view pattern);

}  // namespace e911::ingest
