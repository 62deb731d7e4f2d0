// Writes the journal the audit console's browser test reads
// (console_browser_test.py), the way the consumer writes one (through
// AuditStore::ingest, call_journal.h), in well under a second:
//
//   e911_console_journal DB SECRET_FILE
//
// DB: an SQLite file (created). SECRET_FILE: the HS256 secret its entries
// are signed with (key id k-query), for `e911 audit serve`'s keyring.
// Calls: three at austin-hq (one with a PIDF-LO and a delivered alert, one
// whose alert failed and was escalated, one test call), two at london-hq
// (one with a hostile caller name), all on 2026-11-21.

#include <fstream>
#include <iostream>

#include "common/pidf_lo.h"
#include "tests/auditor/call_journal.h"

using namespace e911;


int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: e911_console_journal DB SECRET_FILE\n";
    return 2;
  }
  try {
    auto store = auditor::open_audit_store(std::string("sqlite:") + argv[1]);
    auditor::test::CallJournal j(*store);
    PidfLoInput pidf;
    pidf.entity = presence_entity("u-5001");
    pidf.address = CivicAddress{};
    pidf.address->country = "US";
    pidf.address->state = "TX";
    pidf.address->city = "Austin";
    pidf.address->street = "Congress Ave";
    pidf.address->house_number = "100";
    pidf.address->floor = "7";
    pidf.method = "Wiremap";
    pidf.timestamp = 1795255200000;
    j.call({.call_id = "c-austin-1", .occurred_at = "2026-11-21T10:00:00.000Z", .site_id = "austin-hq",
            .user_id = "u-5001", .name = "Ann Example", .extension = "5001", .callback = "+15125550100",
            .warnings = {"missing-unit"}, .notify = "austin-security", .pidf_lo = render_pidf_lo(pidf)});
    j.notification({.call_id = "c-austin-1", .list = "austin-security", .name = "Security Desk",
                    .address = "security@example.org", .status = "delivered", .at = "2026-11-21T10:00:01.200Z",
                    .latency_ms = 1200});
    j.notification({.call_id = "c-austin-1", .list = "austin-security", .name = "Security Desk",
                    .address = "security@example.org", .status = "acknowledged", .at = "2026-11-21T10:01:00.000Z",
                    .acknowledged_by = "Sam Guard"});
    j.call({.call_id = "c-austin-2", .occurred_at = "2026-11-21T11:00:00.000Z", .site_id = "austin-hq",
            .user_id = "u-5002", .name = "Bo Person", .dispatchable = false, .routing = "ecrc",
            .notify = "austin-security"});
    j.notification({.call_id = "c-austin-2", .list = "austin-security", .name = "Night Guard", .address = "+15125550111",
                    .channel = "sms", .status = "failed", .at = "2026-11-21T11:00:30.000Z", .error = "gateway down"});
    j.notification({.call_id = "c-austin-2", .list = "austin-security", .name = "Night Guard", .address = "+15125550111",
                    .channel = "sms", .status = "escalated", .attempt = 2, .at = "2026-11-21T11:01:00.000Z",
                    .escalated_to = "soc"});
    j.call({.call_id = "c-austin-test", .call_class = "test", .dialed = "933", .occurred_at = "2026-11-21T12:00:00.000Z",
            .site_id = "austin-hq", .user_id = "u-5001", .name = "Ann Example"});
    j.call({.call_id = "c-london-1", .occurred_at = "2026-11-21T13:00:00.000Z", .site_id = "london-hq",
            .user_id = "u-7001", .name = "Lee London", .notify = "london-security"});
    j.notification({.call_id = "c-london-1", .list = "london-security", .name = "Reception",
                    .address = "reception@example.org", .status = "delivered", .at = "2026-11-21T13:00:02.500Z",
                    .latency_ms = 2500});
    j.call({.call_id = "c-london-2", .occurred_at = "2026-11-21T14:00:00.000Z", .site_id = "london-hq",
            .user_id = "u-7002", .name = "<img src=x onerror=alert(1)>", .notify = "london-security"});
    if (::testing::Test::HasFailure()) return 1;
    std::ofstream(argv[2], std::ios::binary) << auditor::test::secret(0);
  } catch (const std::exception& e) {
    std::cerr << "e911_console_journal: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
