#pragma once
// What the notifier's workers need of one call, decoded once: its row in
// the state, the emergency-call document as a view, and the site alerts
// are about.

#include "consumers/notifier/alert_text.h"
#include "consumers/notifier/emergency_call_view.h"
#include "consumers/notifier/notifier_store.h"

namespace e911::notifier {

struct CallContext {
  StoredCall row;
  EmergencyCallView view;
  AlertSite site;
  int pending = 0;  // its alerts pending in memory (AlertBook's, under its lock)
};

}  // namespace e911::notifier
