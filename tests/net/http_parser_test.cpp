// Reading HTTP/1.1 requests (common/net/http_parser.h): the head, strictly,
// and chunked bodies fed in pieces.

#include "common/net/http_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace e911::net {
namespace {

HeadParse head(const std::string& text) { return parse_request_head(text); }

int status(const std::string& text) {
  const auto p = head(text);
  return p.head ? 0 : p.error.status;
}

// A request head and the status() it must get (0: accepted), with why when
// the case is not obvious.
struct HeadStatusCase {
  std::string request;
  int status;
  const char* why = "";
};

void expect_head_statuses(const std::vector<HeadStatusCase>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.request));
    EXPECT_EQ(status(c.request), c.status) << c.why;
  }
}

TEST(HttpHead, ReadsTheRequestLineAndHeaders) {
  const auto p = head("GET /v1/calls?site=a HTTP/1.1\r\nHost: x\r\nAuthorization:  Bearer t  \r\n\r\n");
  ASSERT_TRUE(p.head) << p.error.message;
  EXPECT_EQ(p.head->method, "GET");
  EXPECT_EQ(p.head->target, "/v1/calls?site=a");
  EXPECT_EQ(p.head->minor_version, 1);
  ASSERT_EQ(p.head->headers.size(), 2u);
  EXPECT_EQ(find_header(p.head->headers, "authorization"), "Bearer t");
  EXPECT_TRUE(p.head->keep_alive);
  EXPECT_FALSE(p.head->content_length);
}

TEST(HttpHead, FindsTheEndOfTheHead) {
  EXPECT_EQ(head_end("GET / HTTP/1.1\r\nHost: x\r\n"), std::nullopt);
  EXPECT_EQ(head_end("GET / HTTP/1.1\r\n\r\nrest"), 18u);
  EXPECT_EQ(head_end("GET / HTTP/1.1\n\nrest"), 16u);
}

TEST(HttpHead, ConnectionPersistenceByVersion) {
  EXPECT_FALSE(head("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").head->keep_alive);
  EXPECT_FALSE(head("GET / HTTP/1.0\r\n\r\n").head->keep_alive);
  EXPECT_TRUE(head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").head->keep_alive);
  EXPECT_TRUE(head("GET / HTTP/1.1\r\nConnection: upgrade, foo\r\n\r\n").head->keep_alive);
}

TEST(HttpHead, MalformedRequestLinesAre400And505) {
  expect_head_statuses({
      {"GET / FOO/9.9\r\n\r\n", 400},
      {"GET /\r\n\r\n", 400},
      {"GET  / HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/1.1 x\r\n\r\n", 400},
      {"G@T / HTTP/1.1\r\n\r\n", 400},
      {"GET /a\x01 HTTP/1.1\r\n\r\n", 400},
      {"GET /\xff HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/2.0\r\n\r\n", 505},
      {"GET / HTTP/1.9\r\n\r\n", 0, "a later 1.x is served as 1.1"},
      {"\r\n\r\n", 400},
  });
}

TEST(HttpHead, MalformedHeaderFieldsAre400) {
  expect_head_statuses({
      {"GET / HTTP/1.1\r\nHost x\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400, "white space before the colon"},
      {"GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", 400, "obsolete line folding"},
      {std::string("GET / HTTP/1.1\r\nA: b\0c\r\n\r\n", 27), 400},
      {"GET / HTTP/1.1\r\nA: caf\xc3\xa9\r\n\r\n", 0, "obs-text is allowed in values"},
  });
}

TEST(HttpHead, ContentLengthMustBeOneNonNegativeNumber) {
  EXPECT_EQ(*head("POST / HTTP/1.1\r\nContent-Length: 12\r\n\r\n").head->content_length, 12u);
  EXPECT_EQ(*head("POST / HTTP/1.1\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\n").head->content_length, 3u);
  expect_head_statuses({
      {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 9223372036854775808\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", 400},
  });
}

TEST(HttpHead, TransferEncodingIsChunkedOrRefused) {
  EXPECT_TRUE(head("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").head->chunked);
  expect_head_statuses({
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400},
      {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
  });
}

TEST(HttpHead, ExpectationsAndLimits) {
  EXPECT_TRUE(head("POST / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n").head->expect_continue);
  EXPECT_EQ(status("POST / HTTP/1.1\r\nExpect: something\r\n\r\n"), 417);
  HeadLimits small;
  small.max_request_line = 32;
  small.max_headers = 2;
  small.max_head = 100;
  EXPECT_EQ(parse_request_head("GET /" + std::string(40, 'a') + " HTTP/1.1\r\n\r\n", small).error.status, 414);
  EXPECT_EQ(parse_request_head("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", small).error.status, 431);
  EXPECT_EQ(parse_request_head("GET / HTTP/1.1\r\nA: " + std::string(100, 'x') + "\r\n\r\n", small).error.status,
            431);
}

TEST(HttpHead, ErrorsNeverQuoteTheRequest) {
  for (const char* bad : {"GET /<script> FOO\r\n\r\n", "GET / HTTP/1.1\r\n<script>alert(1)\r\n\r\n",
                                "GET / HTTP/1.1\r\nContent-Length: <script>\r\n\r\n"}) {
    const auto p = head(bad);
    ASSERT_FALSE(p.head);
    EXPECT_EQ(p.error.message.find("script"), std::string::npos) << p.error.message;
  }
}

// Feeds `body` to a decoder in pieces of `piece` bytes.
struct Fed {
  ChunkedDecoder::State state;
  std::string body;
  std::string rest;  // what followed the body
  bool too_large = false;
};
Fed feed(const std::string& wire, std::size_t piece, std::size_t max = 1024) {
  ChunkedDecoder d(max);
  Fed out{ChunkedDecoder::State::more, {}, {}};
  std::string pending;
  for (std::size_t i = 0; i < wire.size(); i += piece) {
    pending += wire.substr(i, piece);
    std::size_t used = 0;
    out.state = d.feed(pending, out.body, used);
    pending.erase(0, used);
    if (out.state != ChunkedDecoder::State::more) break;
  }
  out.rest = pending;
  out.too_large = d.too_large();
  return out;
}

TEST(HttpChunked, DecodesInAnyPiecesWithExtensionsAndTrailers) {
  const std::string wire = "4;name=value\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-T: 1\r\n\r\nNEXT";
  for (std::size_t piece : {1u, 2u, 3u, 7u, 1000u}) {
    const auto f = feed(wire, piece);
    EXPECT_EQ(f.state, ChunkedDecoder::State::done) << piece;
    EXPECT_EQ(f.body, "Wikipedia in\r\n\r\nchunks.") << piece;
    if (piece == 1000u) {
      EXPECT_EQ(f.rest, "NEXT");
    }
  }
  EXPECT_EQ(feed("0\r\n\r\n", 1).state, ChunkedDecoder::State::done);
  EXPECT_EQ(feed("a\n0123456789\n0\n\n", 1).body, "0123456789") << "bare LFs";
}

TEST(HttpChunked, MalformedOrOversizedBodies) {
  EXPECT_EQ(feed("x\r\n", 1).state, ChunkedDecoder::State::malformed);
  EXPECT_EQ(feed("\r\n", 1).state, ChunkedDecoder::State::malformed);
  EXPECT_EQ(feed("3\r\nabcd\r\n", 100).state, ChunkedDecoder::State::malformed);
  EXPECT_EQ(feed("fffffffffffffffff\r\n", 100).state, ChunkedDecoder::State::malformed) << "size overflow";
  EXPECT_EQ(feed("1;" + std::string(5000, 'e') + "\r\n", 100).state, ChunkedDecoder::State::malformed);
  const auto big = feed("800\r\n" + std::string(0x800, 'z') + "\r\n0\r\n\r\n", 100, 1024);
  EXPECT_EQ(big.state, ChunkedDecoder::State::done) << "read to its end";
  EXPECT_TRUE(big.too_large);
  EXPECT_LE(big.body.size(), 1024u);
}

}  // namespace
}  // namespace e911::net
