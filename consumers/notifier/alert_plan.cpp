#include "consumers/notifier/alert_plan.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <set>
#include <utility>

namespace e911::notifier {

std::string alert_id(std::string_view call_id, Channel channel, std::string_view address) {
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  // Length-prefixed fields: ("a|b", "c") and ("a", "b|c") must not collide.
  for (std::string_view part : {call_id, channel_name(channel), address}) {
    const std::string len = std::to_string(part.size()) + ":";
    sha.update(len.data(), len.size());
    sha.update(part.data(), part.size());
  }
  return Poco::DigestEngine::digestToHex(sha.digest()).substr(0, 32);
}

AlertSite alert_site(const EmergencyCallView& call, const registry::Registry& registry) {
  const std::string& id = !call.location.site_id.empty() ? call.location.site_id : call.site_id;
  AlertSite site;
  site.id = id;
  if (const auto* s = registry.site(id)) {
    site.name = s->name;
    site.time_zone = s->timezone;
  } else {
    site.name = id;
  }
  return site;
}

std::vector<AlertTarget> list_targets(std::string_view call_id, std::string_view list,
                                      const registry::Registry& registry) {
  std::vector<AlertTarget> out;
  const auto* l = registry.list(list);
  if (l == nullptr) return out;
  std::set<std::string> seen;
  const auto add = [&](const registry::Contact& c, Channel channel, const std::string& address) {
    if (address.empty()) return;
    auto id = alert_id(call_id, channel, address);
    if (!seen.insert(id).second) return;
    out.push_back({std::move(id), std::string(list), c.name, channel, address});
  };
  for (const auto& c : l->contacts) {
    add(c, Channel::sms, c.sms);  // fastest to reach a person first
    add(c, Channel::email, c.email);
    add(c, Channel::webhook, c.webhook);
  }
  return out;
}

std::string escalation_list(std::string_view list, const registry::Registry& registry) {
  const auto& fallback = registry.data().fallback_list;
  if (fallback.empty() || fallback == list) return {};
  return fallback;
}

AlertPlan plan_alerts(const EmergencyCallView& call, const registry::Registry& registry) {
  AlertPlan plan;
  plan.site = alert_site(call, registry);
  if (call.is_test() && !registry.data().alert_test_calls) {
    plan.test_call_not_alerted = true;
    return plan;
  }
  std::string why;
  if (call.notify.empty()) {
    why = "the call has no notification list";
  } else if (registry.list(call.notify) == nullptr) {
    why = "notification list " + call.notify + " does not exist";
  } else {
    plan.list = call.notify;
    plan.targets = list_targets(call.call_id, plan.list, registry);
    if (!plan.targets.empty()) return plan;
    why = "notification list " + call.notify + " has no contacts";
  }
  const auto fallback = escalation_list(call.notify, registry);
  if (fallback.empty()) return plan;  // nobody to alert: the service reports it loudly
  plan.list = fallback;
  plan.targets = list_targets(call.call_id, fallback, registry);
  plan.escalation_note = why;
  return plan;
}

}  // namespace e911::notifier
