#pragma once
// JSON answers of the project's HTTP endpoints: a body written with the
// project's JSON writer, and the error shape every endpoint uses,
// {"error": "<why, in plain words>"}.

#include <functional>
#include <string_view>

#include "common/json_writer.h"
#include "common/net/http_message.h"

namespace e911::net {

// An application/json response whose body is the object `fill` writes the
// members of.
HttpResponse json_response(int status, const std::function<void(json::Writer&)>& fill);

// {"error": message}.
HttpResponse error_response(int status, std::string_view message);

}  // namespace e911::net
