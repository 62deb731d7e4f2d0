#pragma once
// Links that carry query parameters (the audit API's next-page links, the
// audit console's links between its pages): the path, then every parameter
// percent-encoded, in name order. QueryParams is ordered, so the same
// parameters always make the same link.

#include <string>
#include <string_view>

#include "common/encoding.h"
#include "common/net/query_params.h"

namespace e911::net {

// "/v1/calls?cursor=abc&site=HQ"; just `path` when `params` is empty.
inline std::string link_with_query(std::string_view path, const QueryParams& params) {
  std::string link(path);
  char separator = '?';
  for (const auto& [name, value] : params) {
    link += separator;
    link += percent_encode(name) + "=" + percent_encode(value);
    separator = '&';
  }
  return link;
}

}  // namespace e911::net
