#pragma once
// Pieces of HTML the console's pages share (console_pages.h): form fields
// that show the current filter, table cells, times. Every value escaped.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/net/query_params.h"
#include "common/timestamp.h"

namespace e911::auditor::console::html {

// The decoded value of `name` in `params`, or "".
std::string_view param(const net::QueryParams& params, std::string_view name);

// <label> and <input type=...> named `name`, showing its current value.
std::string text_field(const net::QueryParams& params, std::string_view name, std::string_view label,
                       std::string_view type = "text", std::string_view hint = "");
// <label> and <select>: a first option "any" (value ""), then `options`
// (value, words), the current one selected.
std::string select_field(const net::QueryParams& params, std::string_view name, std::string_view label,
                         const std::vector<std::pair<std::string_view, std::string_view>>& options);

// "2026-11-21T10:15:00.120Z", or "" for none.
std::string time_text(std::optional<EpochMillis> at);
// "1.2 s", "850 ms", or "" for none.
std::string latency_text(std::optional<std::int64_t> ms);
// "yes" / "no" / "unknown".
std::string yes_no(std::optional<bool> value);

// <td>escaped</td>.
std::string cell(std::string_view text);

}  // namespace e911::auditor::console::html
