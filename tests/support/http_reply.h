#pragma once
// Reading an HTTP response whole with Poco's client: status, headers and
// body, for the tests that speak to the project's endpoints.

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/StreamCopier.h>

#include <string>

namespace e911::test {

inline void read_reply(Poco::Net::HTTPClientSession& session, int& status, Poco::Net::NameValueCollection& headers,
                       std::string& body) {
  Poco::Net::HTTPResponse resp;
  std::istream& in = session.receiveResponse(resp);
  status = static_cast<int>(resp.getStatus());
  for (const auto& [name, value] : resp) headers.add(name, value);
  Poco::StreamCopier::copyToString(in, body);
}

}  // namespace e911::test
