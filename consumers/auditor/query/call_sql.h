#pragma once
// The SQL pieces of audit_calls that call_query.cpp and the compliance
// overview (report/compliance_overview.h) share, so a filter means the same
// rows wherever it is applied and a row is read one way.

#include <Poco/Data/Statement.h>

#include <vector>

#include "consumers/auditor/query/call_query.h"
#include "consumers/auditor/query/sql_conditions.h"

namespace e911::auditor {

// The filter's conditions on audit_calls; every value is bound.
Conditions call_conditions(const CallFilter& filter);

// The columns read_call_rows() expects, in its order.
extern const char* const kCallColumns;

// The rows of an executed `SELECT kCallColumns FROM audit_calls ...`.
std::vector<CallRow> read_call_rows(Poco::Data::Statement& stmt);

}  // namespace e911::auditor
