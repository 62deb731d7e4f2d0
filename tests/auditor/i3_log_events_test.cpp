// NENA i3 LogEvents from journal entries, and their JWS.

#include "consumers/auditor/export/i3_log_events.h"

#include <Poco/Crypto/ECKey.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <gtest/gtest.h>

#include <sstream>

#include "consumers/auditor/audit_record.h"
#include "consumers/auditor/journal/hash_chain.h"
#include "consumers/auditor/export/log_event_signer.h"
#include "tests/auditor/audit_journal_fixture.h"
#include "tests/auditor/audit_test_support.h"

namespace e911::auditor {
namespace {

using test::kJournalNow;

// The entries the auditor journals for one call and one notification.
std::vector<AuditEntry> journal_of_one_call() {
  const auto signer = test::signer(SigningAlgorithm::hs256, "k-1");
  auto drafts = drafts_for_emergency_call(test::call_document("c-9", "emergency", kJournalNow),
                                          {"e911.emergency-calls", 2, 40}, kJournalNow + 500);
  auto notification = draft_for_notification(test::notification_record("c-9", 1, kJournalNow + 1500),
                                             {"e911.notifications", 0, 7}, kJournalNow + 1600);
  if (!drafts || !notification) throw std::runtime_error("fixture documents no longer decode");
  drafts->push_back(*notification);
  std::vector<AuditEntry> out;
  for (const auto& d : *drafts) {
    out.push_back(chain_next(out.empty() ? nullptr : &out.back(), d.kind, d.call_id, d.at, d.payload, signer));
  }
  out.push_back(chain_next(&out.back(), std::string(entry_kind::kPurge), "", kJournalNow + 2000, R"({"gaps":[]})",
                           signer));
  return out;
}

std::string event_of(const AuditEntry& e, const I3Options& options = {}) {
  auto event = i3_log_event(e, options);
  if (!event) throw std::runtime_error(event.error().message);
  return event->value_or("");
}

TEST(I3LogEvents, CallRecordedIsACallStartLogEvent) {
  const auto journal = journal_of_one_call();
  const auto& e = journal[0];
  EXPECT_EQ(event_of(e),
            R"({"callId":"c-9","clientAssignedIdentifier":")" + e.hash +
                R"(","direction":"outgoing","elementId":"auditor.e911.invalid","from":"+15125550100",)"
                R"("localCallType":"emergency","logEventType":"CallStartLogEvent","timestamp":"2026-11-21T10:00:00.000Z","to":"911"})");
  I3Options options;
  options.element_id = "auditor.example.com";
  options.agency_id = "security.example.com";
  const auto with_agency = event_of(e, options);
  EXPECT_NE(with_agency.find(R"("agencyId":"security.example.com")"), std::string::npos) << with_agency;
  EXPECT_NE(with_agency.find(R"("elementId":"auditor.example.com")"), std::string::npos) << with_agency;
}

TEST(I3LogEvents, LocationConveyedCarriesThePidfLo) {
  const auto journal = journal_of_one_call();
  const auto& e = journal[1];
  const auto event = event_of(e);
  EXPECT_NE(event.find(R"("logEventType":"LocationResponseLogEvent")"), std::string::npos) << event;
  EXPECT_NE(event.find(R"("text":"<presence entity=\"pres:u-1@example.com\"/>")"), std::string::npos) << event;
  EXPECT_NE(event.find(R"("responseId":")" + e.hash + "\""), std::string::npos) << event;
  EXPECT_NE(event.find(R"("timestamp":"2026-11-21T10:00:00.500Z")"), std::string::npos) << event;
}

TEST(I3LogEvents, NotificationIsAMessageLogEventWithTheRecord) {
  const auto journal = journal_of_one_call();
  const auto event = event_of(journal[2]);
  EXPECT_NE(event.find(R"("logEventType":"MessageLogEvent")"), std::string::npos) << event;
  EXPECT_NE(event.find(R"("timestamp":"2026-11-21T10:00:01.500Z")"), std::string::npos) << event;
  EXPECT_NE(event.find(R"(\"status\":\"delivered\")"), std::string::npos) << event;
  EXPECT_EQ(event.find("e911.notifications"), std::string::npos) << "the Kafka source is the auditor's, not the record's";
}

TEST(I3LogEvents, JournalEntriesHaveNone) {
  const auto journal = journal_of_one_call();
  const auto event = i3_log_event(journal[3], {});
  ASSERT_TRUE(event.ok());
  EXPECT_FALSE(event->has_value());
}

TEST(I3LogEvents, RefusesAPayloadThatIsNotWhatItsKindPromises) {
  auto e = journal_of_one_call()[0];
  e.payload = R"({"call_id":"c-9","dialed":911})";
  const auto event = i3_log_event(e, {});
  ASSERT_FALSE(event.ok());
  EXPECT_EQ(event.error().message, "seq 1 (call.recorded): payload.dialed: expected a string");
}

TEST(I3LogEvents, SignsEachEventAsAJwsTheKeysVerify) {
  const auto journal = journal_of_one_call();
  const auto claims = event_of(journal[0]);

  // ES256: verified with the public key alone.
  const auto& pem = test::private_key_pem(SigningAlgorithm::es256);
  auto es = claims_signer(SigningAlgorithm::es256, "k-es", pem);
  ASSERT_TRUE(es.ok()) << es.error().message;
  const auto jws = (*es)(claims);
  const auto parts = test::split_jws(jws);
  EXPECT_NE(parts.header.find(R"("kid":"k-es")"), std::string::npos) << parts.header;
  EXPECT_NE(parts.header.find(R"("alg":"ES256")"), std::string::npos) << parts.header;
  EXPECT_NE(parts.claims.find("CallStartLogEvent"), std::string::npos);
  EXPECT_EQ(parts.signature.size(), 64u) << "R||S, as RFC 7518 wants";
  std::istringstream public_pem(test::signer(SigningAlgorithm::es256, "k-es").public_key_pem());
  Poco::JWT::Signer verifier(new Poco::Crypto::ECKey(&public_pem));
  verifier.setAlgorithms({"ES256"});
  Poco::JWT::Token token;
  EXPECT_TRUE(verifier.tryVerify(jws, token));
  EXPECT_EQ(token.payload().getValue<std::string>("logEventType"), "CallStartLogEvent");

  // HS256.
  auto hs = claims_signer(SigningAlgorithm::hs256, "k-hs", test::secret(0));
  ASSERT_TRUE(hs.ok());
  Poco::JWT::Signer hs_verifier(test::secret(0));
  EXPECT_TRUE(hs_verifier.tryVerify((*hs)(claims), token));

  EXPECT_FALSE(claims_signer(SigningAlgorithm::hs256, "k-hs", "short").ok());
  EXPECT_FALSE(claims_signer(SigningAlgorithm::es256, "k-es", "not a key").ok());
}

}  // namespace
}  // namespace e911::auditor
