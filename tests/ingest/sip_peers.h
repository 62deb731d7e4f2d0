#pragma once
// Real SIP peers for the ingest's tests, started by the test on loopback
// and free ports: a Kamailio proxy that mirrors its signalling to the
// ingest with the project's siptrace snippet (ops/kamailio/siptrace.cfg)
// and relays every call to a carrier, played by a sipp UAS; callers are
// sipp UACs running tests/ingest/sipp/uac_emergency.xml. start_kamailio
// also runs the location service's HELD test proxy.

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace e911::test {

// A UDP port on 127.0.0.1 nobody holds (bound and released).
int free_udp_port();
// True once something has bound UDP `port` on 127.0.0.1 (waits up to kDeadline).
bool wait_udp_bound(int port);

// Kamailio on UDP 127.0.0.1:`port`, running `config` (a file in the
// repository, "tests/ingest/kamailio/proxy.cfg") with each "@NAME@" key of
// `values` replaced, and `extra_args` (-A defines) added; its log is
// kamailio.log in `dir`. Throws std::runtime_error when it does not bind
// the port.
std::unique_ptr<ChildProcess> start_kamailio(const TempDir& dir, const std::string& config, int port,
                                             const std::map<std::string, std::string>& values,
                                             const std::vector<std::string>& extra_args = {});

enum class MirrorFormat { plain_sip, hep3 };

class SipProxy {
 public:
  // A sipp UAS as the carrier and Kamailio in front of it, mirroring to
  // 127.0.0.1:`ingest_port`. Throws std::runtime_error when either does
  // not come up.
  SipProxy(const TempDir& dir, int ingest_port, MirrorFormat format);
  ~SipProxy();

  int port() const { return proxy_port_; }

  struct Call {
    std::string ruri{};  // the Request-URI; "" for sip:<dialed>@ the proxy
    std::string dialed = "911";
    std::string user = "5001";
    std::string display = "John Smith";
    std::string callback = "+15125550101";
  };
  // One call from a sipp UAC through the proxy: INVITE, answer, ACK, BYE.
  // The UAC's exit status: 0 when the carrier answered and the call ended
  // normally.
  int place(const Call& call);

 private:
  const TempDir& dir_;
  int proxy_port_ = 0;
  int carrier_port_ = 0;
  std::unique_ptr<ChildProcess> carrier_;
  std::unique_ptr<ChildProcess> proxy_;
};

}  // namespace e911::test
