#include "producers/ingest/sip_message.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "producers/ingest/multipart.h"
#include "producers/ingest/sip_address.h"

namespace e911::ingest {
namespace {

std::string crlf(std::string lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out += "\r\n";
    else out.push_back(c);
  }
  return out;
}

const std::string kInvite = crlf(
    "INVITE sip:911@pbx.example.com SIP/2.0\n"
    "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1, SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK2\n"
    "Via: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK3\n"
    "From: \"Smith, John\" <sip:5001@pbx.example.com>;tag=1\n"
    "To: <sip:911@pbx.example.com>\n"
    "Call-ID: abc@10.0.0.3\n"
    "CSeq: 1 INVITE\n"
    "Content-Length: 4\n"
    "\n"
    "v=0\n");

TEST(SipMessage, ParsesARequest) {
  const auto m = parse_sip_message(kInvite);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE(m->is_request());
  EXPECT_EQ(m->method(), "INVITE");
  EXPECT_EQ(m->request_uri(), "sip:911@pbx.example.com");
  EXPECT_EQ(m->header("call-id"), "abc@10.0.0.3");
  EXPECT_EQ(m->header("CALL-ID"), "abc@10.0.0.3");
  EXPECT_EQ(m->body(), "v=0\r");
  EXPECT_EQ(m->trailing_bytes(), 1u);
  const auto vias = m->values("Via");
  ASSERT_EQ(vias.size(), 3u);
  EXPECT_EQ(vias[1], "SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK2");
  // A comma inside a quoted display name does not split the From.
  EXPECT_EQ(m->values("From").size(), 1u);
}

TEST(SipMessage, ParsesAResponseWithLfLineEnds) {
  const auto m = parse_sip_message(
      "SIP/2.0 486 Busy Here\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nCall-ID: x\nCSeq: 1 INVITE\n\n");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_FALSE(m->is_request());
  EXPECT_EQ(m->status(), 486);
  EXPECT_EQ(m->reason(), "Busy Here");
  EXPECT_TRUE(m->body().empty());
}

TEST(SipMessage, CompactFormsAndFoldedHeaders) {
  const std::string text = crlf(
      "\n\nINVITE tel:112 SIP/2.0\n"
      "v: SIP/2.0/UDP h;branch=z9hG4bK1\n"
      "f: <sip:a@h>;tag=1\n"
      "t: <tel:112>\n"
      "i: folded@h\n"
      "Subject: first\n"
      "   second\n"
      "\tthird\n"
      "m: <sip:a@h>\n"
      "l: 0\n\n");
  const auto m = parse_sip_message(text);  // the message views `text`: it must outlive m
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->header("Call-ID"), "folded@h");
  EXPECT_EQ(m->header("From"), "<sip:a@h>;tag=1");
  EXPECT_EQ(m->header("To"), "<tel:112>");
  EXPECT_EQ(m->header("Contact"), "<sip:a@h>");
  EXPECT_EQ(m->header("Via"), "SIP/2.0/UDP h;branch=z9hG4bK1");
  EXPECT_EQ(m->header("Subject"), "first second third");
  EXPECT_EQ(m->header("Content-Length"), "0");
}

TEST(SipMessage, RefusesWhatItCannotUseWithAReason) {
  const struct {
    std::string text;
    std::string reason;
  } cases[] = {
      {"", "empty message"},
      {"\r\n\r\n", "keep-alive"},
      {"hello world", "no line end"},
      {"GARBAGE\r\n\r\n", "no space"},
      {"INVITE sip:x@h SIP/3.0\r\n\r\n", "version is not SIP/2.0"},
      {"INVITE nouri SIP/2.0\r\n\r\n", "Request-URI without a scheme"},
      {"SIP/2.0 99 Odd\r\n\r\n", "status code"},
      {"INVITE sip:x@h SIP/2.0\r\nVia: a\r\n", "do not end with an empty line"},
      {"INVITE sip:x@h SIP/2.0\r\n folded-first\r\n\r\n", "no header it continues"},
      {"INVITE sip:x@h SIP/2.0\r\nNoColon\r\n\r\n", "has no colon"},
      {"INVITE sip:x@h SIP/2.0\r\nBad Name: x\r\n\r\n", "no valid name"},
      {std::string("INVITE sip:x@h SIP/2.0\r\nX: a\0b\r\n\r\n", 34), "NUL byte"},
      {"INVITE sip:x@h SIP/2.0\r\nContent-Length: 10\r\n\r\nabc", "body shorter than Content-Length (3 of 10"},
      {"INVITE sip:x@h SIP/2.0\r\nContent-Length: -1\r\n\r\n", "Content-Length: not a number"},
      {"INVITE sip:x@h SIP/2.0\r\nContent-Length: 99999999999999\r\n\r\n", "Content-Length: not a number"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const auto m = parse_sip_message(c.text);
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().message.find(c.reason), std::string::npos) << m.error().message;
  }
}

// A NUL is refused in a header line only, and reported in its place among
// the other faults: the first faulty line is the one named.
TEST(SipMessage, ANulIsRefusedInTheHeaderLineThatHoldsIt) {
  using namespace std::literals;
  const auto in_third_line = parse_sip_message("INVITE sip:x@h SIP/2.0\r\nA: 1\r\nB: 2\0\r\nC: \0\r\n\r\n"sv);
  ASSERT_FALSE(in_third_line.ok());
  EXPECT_EQ(in_third_line.error().message, "NUL byte in header line 3");
  const auto after_a_bad_line = parse_sip_message("INVITE sip:x@h SIP/2.0\r\nNoColon\r\nB: \0\r\n\r\n"sv);
  ASSERT_FALSE(after_a_bad_line.ok());
  EXPECT_NE(after_a_bad_line.error().message.find("header line 2 has no colon"), std::string::npos);
  const auto folded = parse_sip_message("INVITE sip:x@h SIP/2.0\r\nA: 1\r\n 2\0\r\n\r\n"sv);
  ASSERT_FALSE(folded.ok());
  EXPECT_EQ(folded.error().message, "NUL byte in header line 3");
  const auto in_body = parse_sip_message("INVITE sip:x@h SIP/2.0\r\nContent-Length: 3\r\n\r\na\0b"sv);
  ASSERT_TRUE(in_body.ok()) << in_body.error().message;
  EXPECT_EQ(in_body->body(), "a\0b"s);
  const auto in_start_line = parse_sip_message("INVITE sip:x\0@h SIP/2.0\r\nA: 1\r\n\r\n"sv);
  ASSERT_TRUE(in_start_line.ok()) << in_start_line.error().message;
}

TEST(SipMessage, Limits) {
  std::string big = "INVITE sip:x@h SIP/2.0\r\n";
  for (int i = 0; i < 300; ++i) big += "X-H: " + std::to_string(i) + "\r\n";
  big += "\r\n";
  auto m = parse_sip_message(big);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("more than 256 headers"), std::string::npos);
  m = parse_sip_message(big, SipLimits{.max_bytes = 100});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("larger than the limit of 100"), std::string::npos);
  const std::string long_header = "INVITE sip:x@h SIP/2.0\r\nX-Long: " + std::string(20000, 'a') + "\r\n\r\n";
  m = parse_sip_message(long_header);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("X-Long is longer than"), std::string::npos);
}

// Every prefix of a valid message parses or is refused; none reads past
// its input (AddressSanitizer checks the reads of a copy cut to size).
TEST(SipMessage, EveryTruncationIsSafe) {
  for (std::size_t n = 0; n <= kInvite.size(); ++n) {
    const std::string cut = kInvite.substr(0, n);
    (void)parse_sip_message(cut);
  }
}

TEST(SipAddress, NameAddrAndParams) {
  auto na = parse_name_addr(R"("Smith, \"JJ\"" <sip:5001@pbx.example.com;user=phone>;tag=77;+u.sip!devicename.ccm.cisco.com="SEP001122334455")");
  ASSERT_TRUE(na);
  EXPECT_EQ(na->display_name, "Smith, \"JJ\"");
  EXPECT_EQ(na->uri, "sip:5001@pbx.example.com;user=phone");
  EXPECT_EQ(find_param(na->params, "TAG"), "77");
  EXPECT_EQ(find_param(na->params, "+u.sip!devicename.ccm.cisco.com"), "SEP001122334455");
  EXPECT_FALSE(find_param(na->params, "missing"));
  na = parse_name_addr("Bob <sip:bob@h>");
  ASSERT_TRUE(na);
  EXPECT_EQ(na->display_name, "Bob");
  na = parse_name_addr("sip:bob@h;tag=1");
  ASSERT_TRUE(na);
  EXPECT_EQ(na->uri, "sip:bob@h");
  EXPECT_EQ(find_param(na->params, "tag"), "1");
  for (const char* bad : {"", "\"unclosed <sip:a@h>", "<sip:a@h"}) EXPECT_FALSE(parse_name_addr(bad)) << bad;
}

// A URI and the parts parse_uri() must find in it; a null part is not
// checked for that URI.
struct SipUriCase {
  const char* text;
  const char* scheme;
  const char* user;
  const char* user_params;
  const char* host;
};

void expect_uri_part(const char* part, std::string_view got, const char* expected) {
  if (expected != nullptr) {
    EXPECT_EQ(got, expected) << part;
  }
}

TEST(SipAddress, Uris) {
  const SipUriCase cases[] = {
      {"sip:911;phone-context=+1@pbx.example.com:5060;user=phone", "sip", "911", ";phone-context=+1",
       "pbx.example.com"},
      {"tel:+1-512-555-0101;phone-context=example.com", nullptr, "+15125550101", nullptr, nullptr},
      {"SIPS:j%20doe:secret@[2001:db8::1]:5061", "sips", "j doe", nullptr, "[2001:db8::1]"},
      {"urn:service:SOS.fire", nullptr, "service:sos.fire", nullptr, nullptr},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const auto u = parse_uri(c.text);
    ASSERT_TRUE(u);
    expect_uri_part("scheme", u->scheme, c.scheme);
    expect_uri_part("user", u->user, c.user);
    expect_uri_part("user_params", u->user_params, c.user_params);
    expect_uri_part("host", u->host, c.host);
  }
  for (const char* bad : {"no-scheme", "sip:bad%zz@h", "sip:nul%00@h", "sip:cut%2@h"}) {
    EXPECT_FALSE(parse_uri(bad)) << bad;
  }
}

TEST(Multipart, SplitsPartsWithTheirHeaders) {
  const std::string body = crlf(
      "preamble\n"
      "--b1\n"
      "Content-Type: application/sdp\n"
      "\n"
      "v=0\n"
      "--b1 \n"
      "Content-Type: Application/PIDF+XML\n"
      "Content-ID: <loc@h>\n"
      "\n"
      "<presence/>\n"
      "--b1--\n"
      "epilogue\n");
  const auto parts = parse_multipart(body, "b1");
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].content_type.type, "application/sdp");
  EXPECT_EQ((*parts)[0].body, "v=0");
  EXPECT_EQ((*parts)[1].content_type.type, "application/pidf+xml");
  EXPECT_EQ((*parts)[1].content_id, "loc@h");
  EXPECT_EQ((*parts)[1].body, "<presence/>");
}

TEST(Multipart, RefusesBrokenBodies) {
  const struct {
    std::string body, boundary, reason;
  } cases[] = {
      {"--b1\r\n\r\nx\r\n--b1--\r\n", "", "no boundary"},
      {"--b1\r\n\r\nx\r\n--b1--\r\n", "other", "does not occur"},
      {"--b1\r\n\r\nx\r\n", "b1", "no closing boundary"},
      {"--b1--\r\n", "b1", "no parts"},
      {"--b1 junk\r\n\r\nx\r\n--b1--\r\n", "b1", "text after boundary"},
      {"--b1\r\nContent-Type: a/b\r\nno end of headers\r\n--b1--", "b1", "do not end with an empty line"},
      {"--b1\r\n\r\nx\r\n--b1--", std::string(71, 'b'), "longer than 70"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    const auto parts = parse_multipart(c.body, c.boundary);
    ASSERT_FALSE(parts.ok());
    EXPECT_NE(parts.error().message.find(c.reason), std::string::npos) << parts.error().message;
  }
  std::string many;
  for (int i = 0; i < 20; ++i) many += "--b\r\n\r\nx\r\n";
  many += "--b--\r\n";
  const auto parts = parse_multipart(many, "b");
  ASSERT_FALSE(parts.ok());
  EXPECT_NE(parts.error().message.find("more than 16 parts"), std::string::npos);
}

}  // namespace
}  // namespace e911::ingest
