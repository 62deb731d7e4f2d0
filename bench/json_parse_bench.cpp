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
#include <initializer_list>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
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

// ------------------------------------------------------ the shared walk

// The string fields of one object, in the order given.
template <typename Fields>
void read_strings(typename Fields::Object& o, std::initializer_list<std::pair<const char*, std::string*>> fields) {
  for (auto [key, out] : fields) Fields::string(o, key, *out);
}

// Every library reads the same fields in the same order: `Fields` says how
// its own object type gives a string, a bool, a number or a child object
// (each left untouched when absent or of another type), and this walk is
// the one list of what a decoder extracts.
template <typename Fields>
void extract_fields(typename Fields::Object& root, Extracted& e) {
  read_strings<Fields>(root, {{"schema", &e.schema}, {"event_id", &e.event_id}, {"call_id", &e.call_id},
                              {"type", &e.type}, {"occurred_at", &e.occurred_at}, {"dialed", &e.dialed},
                              {"site_id", &e.site_id}, {"pidf_lo", &e.pidf_lo}, {"user_id", &e.user_id}});
  typename Fields::Object c, d, l, g, a;
  if (Fields::child(root, "caller", c)) {
    read_strings<Fields>(c, {{"user_id", &e.caller_user_id}, {"name", &e.caller_name},
                             {"extension", &e.caller_extension}, {"callback", &e.caller_callback}});
  }
  if (Fields::child(root, "device", d)) {
    read_strings<Fields>(d, {{"id", &e.device_id}, {"kind", &e.device_kind}, {"mac", &e.device_mac},
                             {"ip", &e.device_ip}, {"bssid", &e.bssid}});
    Fields::boolean(d, "vpn", e.vpn);
    if (Fields::child(d, "lldp", l)) read_strings<Fields>(l, {{"chassis_id", &e.chassis_id}, {"port_id", &e.port_id}});
    if (Fields::child(d, "geo", g)) {
      Fields::number(g, "lat", e.lat);
      Fields::number(g, "lon", e.lon);
    }
  }
  if (Fields::child(root, "address", a)) {
    read_strings<Fields>(a, {{"country", &e.country}, {"city", &e.city}, {"street", &e.street},
                             {"house_number", &e.house_number}, {"unit", &e.unit}});
    Fields::boolean(a, "multi_dwelling", e.multi_dwelling);
  }
}

// ------------------------------------------------------------- RapidJSON

constexpr unsigned kRapidFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

struct RapidJsonFields {
  using Object = const rapidjson::Value*;
  static void string(Object o, const char* key, std::string& out) {
    const auto it = o->FindMember(key);
    if (it != o->MemberEnd() && it->value.IsString()) out.assign(it->value.GetString(), it->value.GetStringLength());
  }
  static void boolean(Object o, const char* key, bool& out) {
    const auto it = o->FindMember(key);
    if (it != o->MemberEnd() && it->value.IsBool()) out = it->value.GetBool();
  }
  static void number(Object o, const char* key, double& out) {
    const auto it = o->FindMember(key);
    if (it != o->MemberEnd() && it->value.IsNumber()) out = it->value.GetDouble();
  }
  static bool child(Object o, const char* key, Object& out) {
    const auto it = o->FindMember(key);
    if (it == o->MemberEnd() || !it->value.IsObject()) return false;
    out = &it->value;
    return true;
  }
};

std::string rj_extract(const rapidjson::Value& root, Extracted& e) {
  if (!root.IsObject()) return "not an object";
  RapidJsonFields::Object o = &root;
  extract_fields<RapidJsonFields>(o, e);
  return {};
}

// Parses into `doc` (a Document on either allocator) with our flags.
template <typename Document>
std::string rj_parse_and_extract(Document& doc, std::string_view json, Extracted& e) {
  doc.template Parse<kRapidFlags>(json.data(), json.size());
  if (doc.HasParseError()) {
    return "offset " + std::to_string(doc.GetErrorOffset()) + ": " + rapidjson::GetParseError_En(doc.GetParseError());
  }
  return rj_extract(doc, e);
}

std::string rapidjson_decode(std::string_view json, Extracted& e) {
  rapidjson::Document doc;
  return rj_parse_and_extract(doc, json, e);
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
  return rj_parse_and_extract(doc, json, e);
}

// RapidJSON behind our input limits (size, NUL, nesting pre-scan).
std::string parse_json_decode(std::string_view json, Extracted& e) {
  rapidjson::Document doc;
  if (auto err = e911::parse_json(json, e911::JsonLimits{}, doc)) return err->message;
  return rj_extract(doc, e);
}

// ------------------------------------------------------------ Poco::JSON

struct PocoFields {
  using Object = Poco::JSON::Object::Ptr;
  static void string(const Object& o, const char* key, std::string& out) {
    const auto v = o->get(key);
    if (v.isString()) out = v.extract<std::string>();
  }
  static void boolean(const Object& o, const char* key, bool& out) {
    const auto v = o->get(key);
    if (v.type() == typeid(bool)) out = v.extract<bool>();
  }
  static void number(const Object& o, const char* key, double& out) {
    const auto v = o->get(key);
    if (v.isNumeric()) out = v.convert<double>();
  }
  static bool child(const Object& o, const char* key, Object& out) {
    out = o->getObject(key);
    return !out.isNull();
  }
};

std::string poco_extract(const Poco::Dynamic::Var& root, Extracted& e) {
  if (root.type() != typeid(Poco::JSON::Object::Ptr)) return "not an object";
  auto o = root.extract<Poco::JSON::Object::Ptr>();
  extract_fields<PocoFields>(o, e);
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

// On-Demand's and DOM's objects answer the same calls.
template <typename SimdjsonObject>
struct SimdjsonFields {
  using Object = SimdjsonObject;
  static void string(Object& o, const char* key, std::string& out) {
    std::string_view v;
    if (o[key].get_string().get(v) == simdjson::SUCCESS) out.assign(v);
  }
  static void boolean(Object& o, const char* key, bool& out) {
    bool v = false;
    if (o[key].get_bool().get(v) == simdjson::SUCCESS) out = v;
  }
  static void number(Object& o, const char* key, double& out) {
    double v = 0;
    if (o[key].get_double().get(v) == simdjson::SUCCESS) out = v;
  }
  static bool child(Object& o, const char* key, Object& out) {
    return o[key].get_object().get(out) == simdjson::SUCCESS;
  }
};

std::string simdjson_ondemand_decode(std::string_view json, Extracted& e) {
  static thread_local od::parser parser;
  od::document doc;
  if (auto err = parser.iterate(padded(json)).get(doc)) return simdjson::error_message(err);
  od::object o;
  if (auto err = doc.get_object().get(o)) return simdjson::error_message(err);
  extract_fields<SimdjsonFields<od::object>>(o, e);
  // On-Demand validates only what it reads (UTF-8 of the whole input aside):
  // a malformed field the extraction never touches goes unnoticed.
  return {};
}

std::string simdjson_dom_decode(std::string_view json, Extracted& e) {
  static thread_local simdjson::dom::parser parser;
  simdjson::dom::object o;
  if (auto err = parser.parse(padded(json)).get_object().get(o)) return simdjson::error_message(err);
  extract_fields<SimdjsonFields<simdjson::dom::object>>(o, e);
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
