// Which JSON library decodes call events (docs/decisions/0002-json-library.md).
// Parse + extraction of the same fields into the same struct, per event:
//   RapidJSON (our flags; also on reused allocator buffers), RapidJSON behind
//   e911::parse_json (our limits),
//   Poco::JSON, simdjson On-Demand and DOM, and the full e911::decode_input_event.
// Corpora: the shared fixtures (events.jsonl) and one typical non-emergency
// call event, the bulk of contact-center traffic.
//
//   build/bench/json_parse_bench --benchmark_counters_tabular=true
//   build/bench/json_parse_bench --hostile    # hostile inputs, one child process each
//
// simdjson is compiled in when CMake defines E911_HAVE_SIMDJSON and links
// simdjson::simdjson (see the decision record); without it those rows are absent.

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <benchmark/benchmark.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#ifdef E911_HAVE_SIMDJSON
#include <simdjson.h>
#endif

#include "common/events.h"
#include "common/json_reader.h"

namespace {

// The fields the locator needs from a call event or location update.
struct Extracted {
  std::string schema, event_id, call_id, type, occurred_at, dialed, site_id, pidf_lo, user_id;
  std::string caller_user_id, caller_name, caller_extension, caller_callback;
  std::string device_id, device_kind, device_mac, device_ip, chassis_id, port_id, bssid;
  bool vpn = false;
  double lat = 0, lon = 0;
  std::string country, city, street, house_number, unit;
  bool multi_dwelling = false;
  friend bool operator==(const Extracted&, const Extracted&) = default;
};

// Each library fills an Extracted from one payload; the result is an
// error message, empty on success.
using Decoder = std::function<std::string(std::string_view, Extracted&)>;

// ------------------------------------------------------------- RapidJSON

constexpr unsigned kRapidFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

void rj_string(const rapidjson::Value& o, const char* key, std::string& out) {
  const auto it = o.FindMember(key);
  if (it != o.MemberEnd() && it->value.IsString()) out.assign(it->value.GetString(), it->value.GetStringLength());
}
void rj_bool(const rapidjson::Value& o, const char* key, bool& out) {
  const auto it = o.FindMember(key);
  if (it != o.MemberEnd() && it->value.IsBool()) out = it->value.GetBool();
}
void rj_number(const rapidjson::Value& o, const char* key, double& out) {
  const auto it = o.FindMember(key);
  if (it != o.MemberEnd() && it->value.IsNumber()) out = it->value.GetDouble();
}
const rapidjson::Value* rj_object(const rapidjson::Value& o, const char* key) {
  const auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsObject() ? &it->value : nullptr;
}

std::string rj_extract(const rapidjson::Value& root, Extracted& e) {
  if (!root.IsObject()) return "not an object";
  for (auto [k, s] : {std::pair{"schema", &e.schema}, {"event_id", &e.event_id}, {"call_id", &e.call_id},
                      {"type", &e.type}, {"occurred_at", &e.occurred_at}, {"dialed", &e.dialed},
                      {"site_id", &e.site_id}, {"pidf_lo", &e.pidf_lo}, {"user_id", &e.user_id}}) {
    rj_string(root, k, *s);
  }
  if (const auto* c = rj_object(root, "caller")) {
    rj_string(*c, "user_id", e.caller_user_id);
    rj_string(*c, "name", e.caller_name);
    rj_string(*c, "extension", e.caller_extension);
    rj_string(*c, "callback", e.caller_callback);
  }
  if (const auto* d = rj_object(root, "device")) {
    rj_string(*d, "id", e.device_id);
    rj_string(*d, "kind", e.device_kind);
    rj_string(*d, "mac", e.device_mac);
    rj_string(*d, "ip", e.device_ip);
    rj_string(*d, "bssid", e.bssid);
    rj_bool(*d, "vpn", e.vpn);
    if (const auto* l = rj_object(*d, "lldp")) {
      rj_string(*l, "chassis_id", e.chassis_id);
      rj_string(*l, "port_id", e.port_id);
    }
    if (const auto* g = rj_object(*d, "geo")) {
      rj_number(*g, "lat", e.lat);
      rj_number(*g, "lon", e.lon);
    }
  }
  if (const auto* a = rj_object(root, "address")) {
    rj_string(*a, "country", e.country);
    rj_string(*a, "city", e.city);
    rj_string(*a, "street", e.street);
    rj_string(*a, "house_number", e.house_number);
    rj_string(*a, "unit", e.unit);
    rj_bool(*a, "multi_dwelling", e.multi_dwelling);
  }
  return {};
}

std::string rapidjson_decode(std::string_view json, Extracted& e) {
  rapidjson::Document doc;
  doc.Parse<kRapidFlags>(json.data(), json.size());
  if (doc.HasParseError()) {
    return "offset " + std::to_string(doc.GetErrorOffset()) + ": " + rapidjson::GetParseError_En(doc.GetParseError());
  }
  return rj_extract(doc, e);
}

// The same parse with the allocators on reused buffers instead of a fresh
// 64 KiB pool per Document: what RapidJSON can gain without a switch.
std::string rapidjson_reused_decode(std::string_view json, Extracted& e) {
  using Pool = rapidjson::MemoryPoolAllocator<>;
  alignas(8) static thread_local char value_buffer[32 * 1024];
  alignas(8) static thread_local char parse_buffer[4 * 1024];
  Pool values(value_buffer, sizeof value_buffer);
  Pool stack(parse_buffer, sizeof parse_buffer);
  rapidjson::GenericDocument<rapidjson::UTF8<>, Pool, Pool> doc(&values, sizeof parse_buffer, &stack);
  doc.Parse<kRapidFlags>(json.data(), json.size());
  if (doc.HasParseError()) {
    return "offset " + std::to_string(doc.GetErrorOffset()) + ": " + rapidjson::GetParseError_En(doc.GetParseError());
  }
  return rj_extract(doc, e);
}

// RapidJSON behind our input limits (size, NUL, nesting pre-scan).
std::string parse_json_decode(std::string_view json, Extracted& e) {
  rapidjson::Document doc;
  if (auto err = e911::parse_json(json, e911::JsonLimits{}, doc)) return err->message;
  return rj_extract(doc, e);
}

// ------------------------------------------------------------ Poco::JSON

void poco_string(const Poco::JSON::Object& o, const char* key, std::string& out) {
  const auto v = o.get(key);
  if (v.isString()) out = v.extract<std::string>();
}
void poco_bool(const Poco::JSON::Object& o, const char* key, bool& out) {
  const auto v = o.get(key);
  if (v.type() == typeid(bool)) out = v.extract<bool>();
}
void poco_number(const Poco::JSON::Object& o, const char* key, double& out) {
  const auto v = o.get(key);
  if (v.isNumeric()) out = v.convert<double>();
}

std::string poco_extract(const Poco::Dynamic::Var& root, Extracted& e) {
  if (root.type() != typeid(Poco::JSON::Object::Ptr)) return "not an object";
  const auto o = root.extract<Poco::JSON::Object::Ptr>();
  for (auto [k, s] : {std::pair{"schema", &e.schema}, {"event_id", &e.event_id}, {"call_id", &e.call_id},
                      {"type", &e.type}, {"occurred_at", &e.occurred_at}, {"dialed", &e.dialed},
                      {"site_id", &e.site_id}, {"pidf_lo", &e.pidf_lo}, {"user_id", &e.user_id}}) {
    poco_string(*o, k, *s);
  }
  if (const auto c = o->getObject("caller")) {
    poco_string(*c, "user_id", e.caller_user_id);
    poco_string(*c, "name", e.caller_name);
    poco_string(*c, "extension", e.caller_extension);
    poco_string(*c, "callback", e.caller_callback);
  }
  if (const auto d = o->getObject("device")) {
    poco_string(*d, "id", e.device_id);
    poco_string(*d, "kind", e.device_kind);
    poco_string(*d, "mac", e.device_mac);
    poco_string(*d, "ip", e.device_ip);
    poco_string(*d, "bssid", e.bssid);
    poco_bool(*d, "vpn", e.vpn);
    if (const auto l = d->getObject("lldp")) {
      poco_string(*l, "chassis_id", e.chassis_id);
      poco_string(*l, "port_id", e.port_id);
    }
    if (const auto g = d->getObject("geo")) {
      poco_number(*g, "lat", e.lat);
      poco_number(*g, "lon", e.lon);
    }
  }
  if (const auto a = o->getObject("address")) {
    poco_string(*a, "country", e.country);
    poco_string(*a, "city", e.city);
    poco_string(*a, "street", e.street);
    poco_string(*a, "house_number", e.house_number);
    poco_string(*a, "unit", e.unit);
    poco_bool(*a, "multi_dwelling", e.multi_dwelling);
  }
  return {};
}

std::string poco_decode(std::string_view json, Extracted& e) {
  static thread_local Poco::JSON::Parser parser;  // reused, as a consumer would
  try {
    parser.reset();
    return poco_extract(parser.parse(std::string(json)), e);
  } catch (const Poco::Exception& ex) {
    return ex.displayText();
  } catch (const std::exception& ex) {
    return ex.what();
  }
}

// -------------------------------------------------------------- simdjson

#ifdef E911_HAVE_SIMDJSON
namespace od = simdjson::ondemand;

// Kafka payloads are not padded: each event is copied into a reused buffer
// with SIMDJSON_PADDING spare bytes, and that copy is part of the cost.
simdjson::padded_string_view padded(std::string_view json) {
  static thread_local std::vector<char> buffer;
  if (buffer.size() < json.size() + simdjson::SIMDJSON_PADDING) buffer.resize(json.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(buffer.data(), json.data(), json.size());
  return simdjson::padded_string_view(buffer.data(), json.size(), buffer.size());
}

template <typename Object>
void od_string(Object& o, const char* key, std::string& out) {
  std::string_view v;
  if (o[key].get_string().get(v) == simdjson::SUCCESS) out.assign(v);
}
template <typename Object>
void od_bool(Object& o, const char* key, bool& out) {
  bool v = false;
  if (o[key].get_bool().get(v) == simdjson::SUCCESS) out = v;
}
template <typename Object>
void od_number(Object& o, const char* key, double& out) {
  double v = 0;
  if (o[key].get_double().get(v) == simdjson::SUCCESS) out = v;
}

std::string simdjson_ondemand_decode(std::string_view json, Extracted& e) {
  static thread_local od::parser parser;
  od::document doc;
  if (auto err = parser.iterate(padded(json)).get(doc)) return simdjson::error_message(err);
  od::object o;
  if (auto err = doc.get_object().get(o)) return simdjson::error_message(err);
  for (auto [k, s] : {std::pair{"schema", &e.schema}, {"event_id", &e.event_id}, {"call_id", &e.call_id},
                      {"type", &e.type}, {"occurred_at", &e.occurred_at}, {"dialed", &e.dialed},
                      {"site_id", &e.site_id}, {"pidf_lo", &e.pidf_lo}, {"user_id", &e.user_id}}) {
    od_string(o, k, *s);
  }
  od::object c, d, l, g, a;
  if (o["caller"].get_object().get(c) == simdjson::SUCCESS) {
    od_string(c, "user_id", e.caller_user_id);
    od_string(c, "name", e.caller_name);
    od_string(c, "extension", e.caller_extension);
    od_string(c, "callback", e.caller_callback);
  }
  if (o["device"].get_object().get(d) == simdjson::SUCCESS) {
    od_string(d, "id", e.device_id);
    od_string(d, "kind", e.device_kind);
    od_string(d, "mac", e.device_mac);
    od_string(d, "ip", e.device_ip);
    od_string(d, "bssid", e.bssid);
    od_bool(d, "vpn", e.vpn);
    if (d["lldp"].get_object().get(l) == simdjson::SUCCESS) {
      od_string(l, "chassis_id", e.chassis_id);
      od_string(l, "port_id", e.port_id);
    }
    if (d["geo"].get_object().get(g) == simdjson::SUCCESS) {
      od_number(g, "lat", e.lat);
      od_number(g, "lon", e.lon);
    }
  }
  if (o["address"].get_object().get(a) == simdjson::SUCCESS) {
    od_string(a, "country", e.country);
    od_string(a, "city", e.city);
    od_string(a, "street", e.street);
    od_string(a, "house_number", e.house_number);
    od_string(a, "unit", e.unit);
    od_bool(a, "multi_dwelling", e.multi_dwelling);
  }
  // On-Demand validates only what it reads (UTF-8 of the whole input aside):
  // a malformed field the extraction never touches goes unnoticed.
  return {};
}

template <typename Element>
void dom_string(const Element& o, const char* key, std::string& out) {
  std::string_view v;
  if (o[key].get_string().get(v) == simdjson::SUCCESS) out.assign(v);
}

std::string simdjson_dom_decode(std::string_view json, Extracted& e) {
  static thread_local simdjson::dom::parser parser;
  simdjson::dom::object o;
  if (auto err = parser.parse(padded(json)).get_object().get(o)) return simdjson::error_message(err);
  for (auto [k, s] : {std::pair{"schema", &e.schema}, {"event_id", &e.event_id}, {"call_id", &e.call_id},
                      {"type", &e.type}, {"occurred_at", &e.occurred_at}, {"dialed", &e.dialed},
                      {"site_id", &e.site_id}, {"pidf_lo", &e.pidf_lo}, {"user_id", &e.user_id}}) {
    dom_string(o, k, *s);
  }
  simdjson::dom::object c, d, l, g, a;
  if (o["caller"].get_object().get(c) == simdjson::SUCCESS) {
    dom_string(c, "user_id", e.caller_user_id);
    dom_string(c, "name", e.caller_name);
    dom_string(c, "extension", e.caller_extension);
    dom_string(c, "callback", e.caller_callback);
  }
  if (o["device"].get_object().get(d) == simdjson::SUCCESS) {
    dom_string(d, "id", e.device_id);
    dom_string(d, "kind", e.device_kind);
    dom_string(d, "mac", e.device_mac);
    dom_string(d, "ip", e.device_ip);
    dom_string(d, "bssid", e.bssid);
    bool vpn = false;
    if (d["vpn"].get_bool().get(vpn) == simdjson::SUCCESS) e.vpn = vpn;
    if (d["lldp"].get_object().get(l) == simdjson::SUCCESS) {
      dom_string(l, "chassis_id", e.chassis_id);
      dom_string(l, "port_id", e.port_id);
    }
    if (d["geo"].get_object().get(g) == simdjson::SUCCESS) {
      double v = 0;
      if (g["lat"].get_double().get(v) == simdjson::SUCCESS) e.lat = v;
      if (g["lon"].get_double().get(v) == simdjson::SUCCESS) e.lon = v;
    }
  }
  if (o["address"].get_object().get(a) == simdjson::SUCCESS) {
    dom_string(a, "country", e.country);
    dom_string(a, "city", e.city);
    dom_string(a, "street", e.street);
    dom_string(a, "house_number", e.house_number);
    dom_string(a, "unit", e.unit);
    bool md = false;
    if (a["multi_dwelling"].get_bool().get(md) == simdjson::SUCCESS) e.multi_dwelling = md;
  }
  return {};
}
#endif

// ------------------------------------------------- our decoder, for scale

std::string e911_decode(std::string_view json, Extracted& e) {
  auto r = e911::decode_input_event(json);
  if (!r.ok()) return r.error().message;
  if (const auto* c = std::get_if<e911::CallEvent>(&r.value())) e.event_id = c->event_id;
  else e.event_id = std::get<e911::LocationUpdate>(r.value()).event_id;
  return {};
}

struct Library {
  const char* name;
  Decoder decode;
  bool extracts_all;  // fills every Extracted field (e911_decode has its own types)
};

const std::vector<Library>& libraries() {
  static const std::vector<Library> libs = {
      {"rapidjson", rapidjson_decode, true},
      {"rapidjson_reused_buffers", rapidjson_reused_decode, true},
      {"rapidjson+e911_limits", parse_json_decode, true},
      {"poco_json", poco_decode, true},
#ifdef E911_HAVE_SIMDJSON
      {"simdjson_ondemand", simdjson_ondemand_decode, true},
      {"simdjson_dom", simdjson_dom_decode, true},
#endif
      {"e911_decode_input_event", e911_decode, false},
  };
  return libs;
}

// ------------------------------------------------------------- corpora

// A contact-center call leg: not an emergency, but every field present.
constexpr std::string_view kTypicalCall =
    R"({"schema": "e911.call-event/v1", "event_id": "ev-7f3a9c2e-5b1d-4e8a-9f6c-2d4b8a1e3c70", )"
    R"("call_id": "c-20261121-101500-0042", "type": "call.answered", "occurred_at": "2026-11-21T10:15:00.120Z", )"
    R"("dialed": "+15125550123", "caller": {"user_id": "u-5001", "name": "John Smith", "extension": "5001", )"
    R"("callback": "+442079460101"}, "device": {"id": "d-77", "kind": "softphone", "mac": "00:04:f2:15:c2:85", )"
    R"("ip": "10.40.1.23", "lldp": {"chassis_id": "00:1b:54:aa:00:01", "port_id": "Gi1/0/12"}, )"
    R"("bssid": "00:11:22:33:44:55", "vpn": false, "geo": {"lat": 51.5, "lon": -0.1, "accuracy_m": 30}}, )"
    R"("site_id": "london-hq"})";

std::vector<std::string> fixture_events() {
  std::vector<std::string> lines;
  std::ifstream in(std::string(E911_SHARED_DIR) + "/fixtures/events.jsonl");
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

enum class Corpus { fixtures, typical_call };

const std::vector<std::string>& corpus(Corpus c) {
  static const std::vector<std::string> fixtures = fixture_events();
  static const std::vector<std::string> typical{std::string(kTypicalCall)};
  return c == Corpus::fixtures ? fixtures : typical;
}

void BM_Decode(benchmark::State& state, const Library* lib, Corpus which) {
  const auto& events = corpus(which);
  std::size_t bytes = 0;
  for (const auto& e : events) bytes += e.size();
  if (events.empty()) {
    state.SkipWithError("no events (fixtures missing?)");
    return;
  }
  for (auto _ : state) {
    for (const auto& event : events) {
      Extracted out;
      auto err = lib->decode(event, out);
      benchmark::DoNotOptimize(out);
      benchmark::DoNotOptimize(err);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * events.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

// Every library must do the same work, or the numbers mean nothing.
bool libraries_agree() {
  bool ok = true;
  for (Corpus c : {Corpus::fixtures, Corpus::typical_call}) {
    for (const auto& event : corpus(c)) {
      Extracted reference;
      const std::string ref_err = rapidjson_decode(event, reference);
      for (const auto& lib : libraries()) {
        Extracted got;
        const std::string err = lib.decode(event, got);
        if (!lib.extracts_all) continue;
        if (err != ref_err && (err.empty() || ref_err.empty())) {
          std::cerr << lib.name << " disagrees on success for: " << event << "\n  " << err << " / " << ref_err << "\n";
          ok = false;
        } else if (err.empty() && !(got == reference)) {
          std::cerr << lib.name << " extracted different fields from: " << event << "\n";
          ok = false;
        }
      }
    }
  }
  return ok;
}

// -------------------------------------------------------- hostile input

struct HostileCase {
  const char* name;
  std::string json;
};

std::vector<HostileCase> hostile_cases() {
  const std::string head = R"({"schema":"e911.call-event/v1","event_id":)";
  std::vector<HostileCase> cases;
  cases.push_back({"deep 100k '[' then 100k ']'", std::string(100'000, '[') + std::string(100'000, ']')});
  cases.push_back({"deep 100k '[' unterminated", std::string(100'000, '[')});
  cases.push_back({"deep 30k '[' then 30k ']' (inside our 64 KiB limit)",
                   std::string(30'000, '[') + std::string(30'000, ']')});
  cases.push_back({"deep 100k '{\"a\":' in an event",
                   head + R"("ev-1","x":)" + [] {
                     std::string s;
                     for (int i = 0; i < 100'000; ++i) s += R"({"a":)";
                     return s + "1" + std::string(100'000, '}');
                   }() + "}"});
  cases.push_back({"invalid UTF-8 in a string", head + "\"ev-\xff\xfe\",\"caller\":{\"name\":\"\xc0\xaf\"}}"});
  cases.push_back({"invalid UTF-8 in an unread field", head + "\"ev-1\",\"x\":\"\xed\xa0\x80\"}"});
  cases.push_back({"raw NUL inside a string", head + std::string("\"ev-1\0x\"}", 9)});
  cases.push_back({"NUL after the document", head + std::string("\"ev-1\"}\0{\"junk\"", 16)});
  cases.push_back({"escaped \\u0000 in a string", head + R"("ev-1\u0000x"})"});
  cases.push_back({"10 MB string", head + R"("ev-1","pidf_lo":")" + std::string(10 << 20, 'A') + "\"}"});
  return cases;
}

// Runs one library on one input in a child process, so a crash (stack
// overflow) is reported instead of ending the run.
std::string run_isolated(const Library& lib, const std::string& json) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    Extracted out;
    const auto start = std::chrono::steady_clock::now();
    const std::string err = lib.decode(json, out);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::string msg = err.empty() ? "accepted" : "error: " + err.substr(0, 90);
    char timing[64];
    std::snprintf(timing, sizeof timing, " [%.1f ms", ms);
    msg += timing;
    const ssize_t written = write(fds[1], msg.data(), msg.size());
    _exit(written == static_cast<ssize_t>(msg.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string msg;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) msg.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  if (WIFSIGNALED(status)) {
    return std::string("CRASHED: signal ") + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  }
  return msg + ", max RSS " + std::to_string(usage.ru_maxrss / 1024) + " MiB]";
}

int hostile_report() {
  for (const auto& c : hostile_cases()) {
    std::cout << "## " << c.name << " (" << c.json.size() << " bytes)\n";
    for (const auto& lib : libraries()) std::cout << "  " << lib.name << ": " << run_isolated(lib, c.json) << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--hostile") return hostile_report();
  }
  if (!libraries_agree()) return 1;
#ifdef E911_HAVE_SIMDJSON
  std::cerr << "simdjson implementation: " << simdjson::get_active_implementation()->name() << "\n";
#endif
  for (const auto& lib : libraries()) {
    for (auto [name, which] : {std::pair{"fixtures", Corpus::fixtures}, {"typical_call", Corpus::typical_call}}) {
      benchmark::RegisterBenchmark((std::string(lib.name) + "/" + name).c_str(), BM_Decode, &lib, which);
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
