#include "consumers/auditor/store/sql_lists.h"

namespace e911::auditor {

std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

std::string values_list(std::size_t rows, std::size_t columns) {
  const std::string group = "(" + placeholders(columns) + ")";
  std::string out;
  for (std::size_t r = 0; r < rows; ++r) out += (r == 0 ? "" : ", ") + group;
  return out;
}

}  // namespace e911::auditor
