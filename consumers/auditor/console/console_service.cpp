#include "consumers/auditor/console/console_service.h"

#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "common/encoding.h"
#include "common/log.h"
#include "common/sha256.h"
#include "common/text.h"
#include "consumers/auditor/api/api_params.h"
#include "consumers/auditor/console/bundle_download.h"
#include "consumers/auditor/export/i3_export.h"
#include "consumers/auditor/console/console_access.h"
#include "consumers/auditor/console/console_assets.h"
#include "consumers/auditor/console/console_pages.h"
#include "consumers/auditor/console/csrf_token.h"
#include "consumers/auditor/console/entry_check.h"
#include "consumers/auditor/console/people_file.h"
#include "consumers/auditor/console/request_cookies.h"
#include "consumers/auditor/console/session_cookie.h"
#include "consumers/auditor/query/call_query.h"
#include "consumers/auditor/query/call_rendering.h"
#include "consumers/auditor/report/compliance_overview.h"
#include "consumers/auditor/report/pdf_report.h"
#include "consumers/auditor/report/report_document.h"

namespace e911::auditor::console {

using net::HttpRequest;
using net::HttpResponse;

namespace {

constexpr const char* kHtml = "text/html; charset=utf-8";
constexpr const char* kCsv = "text/csv; charset=utf-8; header=present";
// The export reads every page of the filter; past this many calls it asks
// for a narrower filter rather than hold them all.
constexpr std::size_t kMaxExportCalls = 100'000;
constexpr std::size_t kMaxCallIdSegmentBytes = 3 * api::kMaxCallIdBytes;

const Logger& logger() {
  static const Logger log("audit-console");
  return log;
}

// What one request ended as, for the log line.
struct Outcome {
  std::string page = "other";
  int status = 0;
  std::string identity, role;
};

// The query string without the parameters a form sent empty ("site=" for
// any site), which the API's rules would refuse.
std::string without_empty_values(std::string_view query) {
  std::string out;
  std::size_t pos = 0;
  while (pos <= query.size()) {
    auto amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    const auto part = query.substr(pos, amp - pos);
    if (!(part.size() >= 1 && part.back() == '=' && part.find('=') == part.size() - 1) && !part.empty()) {
      if (!out.empty()) out += '&';
      out += part;
    }
    pos = amp + 1;
  }
  return out;
}

}  // namespace

bool is_console_path(std::string_view path) {
  return path == kConsolePrefix || path.starts_with(std::string(kConsolePrefix) + "/");
}

class ConsoleService::Impl {
 public:
  Impl(AuditStore& store, net::ApiTokenFile& tokens, PeopleFile& people_file, Keyring keyring,
       std::function<JournalVerification(Freshness)> verification, observability::MetricsRegistry metrics,
       ConsoleOptions options)
      : metrics_(std::move(metrics)),
        store_(store),
        tokens_(tokens),
        people_file_(people_file),
        keyring_(std::move(keyring)),
        verification_(std::move(verification)),
        options_(std::move(options)),
        views_(metrics_.counter("audit_console", "views", "Audit console pages shown, by page")),
        exports_(metrics_.counter("audit_console", "exports", "Audit console exports downloaded, by kind")),
        refusals_(metrics_.counter("audit_console", "refusals",
                                   "Audit console requests refused (sign-in, session, CSRF, access), by reason")) {
    if (options_.cookie_key.size() < kMinCookieKeyBytes) {
      throw std::invalid_argument("audit console: the cookie key must be at least " +
                                  std::to_string(kMinCookieKeyBytes) + " bytes");
    }
  }

  HttpResponse handle(const HttpRequest& req) {
    Outcome outcome;
    HttpResponse resp;
    try {
      resp = answer(req, outcome);
    } catch (const std::exception& e) {
      logger().error("audit console request failed", {{"page", outcome.page}, {"identity", outcome.identity},
                                                       {"error", e.what()}});
      resp = page(outcome, 500, "Something went wrong",
                  message_body("Something went wrong", "The request could not be answered (see the server's log)."),
                  nullptr);
    }
    const LogLevel level = outcome.status >= 500   ? LogLevel::error
                           : outcome.status >= 400 ? LogLevel::warn
                                                   : LogLevel::info;
    logger().log(level, "audit console request",
                 {{"method", req.method.size() <= 16 ? req.method : std::string("?")},
                  {"page", outcome.page},
                  {"status", outcome.status},
                  {"identity", outcome.identity},
                  {"role", outcome.role},
                  {"remote", req.client_address}});
    return resp;
  }

 private:
  // ---- responses ----

  static HttpResponse html_response(Outcome& outcome, int status, std::string body) {
    HttpResponse r;
    outcome.status = status;
    r.status = status;
    r.content_type = kHtml;
    r.body = std::move(body);
    r.set("Content-Security-Policy", std::string(kConsoleCsp));
    return r;
  }

  static HttpResponse page(Outcome& outcome, int status, std::string_view title, const std::string& body,
                           const Viewer* viewer, Section section = Section::none) {
    return html_response(outcome, status, render_page(title, section, viewer, body));
  }

  static HttpResponse redirect(Outcome& outcome, std::string_view to) {
    HttpResponse r;
    outcome.status = 303;
    r.status = 303;
    r.set("Location", std::string(to));
    return r;
  }

  HttpResponse refuse(Outcome& outcome, std::string_view reason, int status, std::string_view heading,
                      std::string_view message) {
    refusals_.Add({{"reason", std::string(reason)}}).Increment();
    logger().warn("audit console refused a request",
                  {{"reason", reason}, {"page", outcome.page}, {"identity", outcome.identity}});
    return page(outcome, status, heading, message_body(heading, message), nullptr);
  }

  // To the sign-in form, forgetting a session cookie that did not hold.
  HttpResponse to_sign_in(Outcome& outcome, std::string_view reason, bool clear_cookie) {
    refusals_.Add({{"reason", std::string(reason)}}).Increment();
    auto r = redirect(outcome, kSignInPath);
    if (clear_cookie) r.headers.push_back({"Set-Cookie", set_cookie(kSessionCookie, "", 0, options_.tls)});
    return r;
  }

  HttpResponse bad_parameter(Outcome& outcome, const Viewer* viewer, const net::ParamError& e) {
    refusals_.Add({{"reason", "bad-parameter"}}).Increment();
    // The API's messages already name the parameter and quote the value.
    return page(outcome, 400, "Bad request", message_body("Bad request", e.message), viewer);
  }

  void viewed(const Outcome& outcome) { views_.Add({{"page", outcome.page}}).Increment(); }

  // ---- who ----

  struct Who {
    std::optional<Viewer> viewer;
    std::optional<HttpResponse> refused;  // set: answer this
  };

  // The SSO header first: from a proxy it says who it is; from anyone else
  // it is an attempt to pass as someone. `people`: the request's snapshot.
  Who who_is(const HttpRequest& req, Outcome& outcome, const People& people, bool redirect_when_none) {
    Who who;
    if (!options_.identity_header.empty()) {
      if (const auto header = req.header(options_.identity_header)) {
        if (!address_in(req.client_address, options_.trusted_proxies)) {
          who.refused = refuse(outcome, "untrusted-identity-header", 403, "Sign-in refused",
                               "An identity header is only accepted from the single sign-on proxy.");
          return who;
        }
        auto v = viewer_of(people, trim(*header));
        if (!v) {
          who.refused = refuse(outcome, "unknown-identity", 403, "Not allowed",
                               "You are signed in, but the console's people file does not list you.");
          return who;
        }
        v->sso = true;  // no session here to sign out of: no form, no CSRF token
        outcome.identity = v->identity;
        outcome.role = std::string(role_name(v->role));
        who.viewer = std::move(v);
        return who;
      }
    }
    const auto cookie = cookie_value(req, kSessionCookie);
    if (!cookie || cookie->empty()) {
      if (redirect_when_none) who.refused = to_sign_in(outcome, "no-session", false);
      return who;
    }
    const auto check = decode_session(*cookie, options_.cookie_key, options_.clock());
    if (check.outcome != SessionCheck::Outcome::valid) {
      if (redirect_when_none) who.refused = to_sign_in(outcome, outcome_name(check.outcome), true);
      return who;
    }
    // The people file as it is now: a removed person, or a changed role or
    // sites, ends the session.
    auto v = viewer_of(people, check.session.identity);
    if (!v || v->role != check.session.role || v->sites != check.session.sites) {
      if (redirect_when_none) who.refused = to_sign_in(outcome, "revoked", true);
      return who;
    }
    v->csrf = csrf_token(options_.cookie_key, "session\n" + *cookie);
    outcome.identity = v->identity;
    outcome.role = std::string(role_name(v->role));
    who.viewer = std::move(v);
    return who;
  }

  // ---- the router ----

  // A signed-in page at its exact path: its name in the request log and
  // the views metric, and what renders it.
  struct PageRoute {
    std::string_view path;
    const char* page;
    HttpResponse (Impl::*render)(Outcome&, const Viewer&, const net::QueryParams&);
  };

  HttpResponse answer(const HttpRequest& req, Outcome& outcome) {
    if (req.target.size() > api::kMaxRequestTargetBytes) {
      return page(outcome, 414, "Bad request", message_body("Bad request", "The address is too long."), nullptr);
    }
    std::string path, query;
    if (auto e = api::split_request_target(req.target, path, query)) return bad_parameter(outcome, nullptr, *e);

    if (path.starts_with(kAssetsPath)) {
      outcome.page = "asset";
      if (req.method != "GET") return method_not_allowed(outcome, "GET");
      const auto asset = console_asset(std::string_view(path).substr(kAssetsPath.size()));
      if (!asset) return page(outcome, 404, "Not found", message_body("Not found", "No such file."), nullptr);
      HttpResponse r;
      outcome.status = 200;
      r.content_type = std::string(asset->content_type);
      r.body = std::string(asset->body);
      r.set("Content-Security-Policy", std::string(kConsoleCsp));
      return r;
    }

    // Everything but the assets (which need no sign-in) hangs on the people
    // file: while it is not usable, no one gets in (fail closed). One
    // snapshot for the whole request, whatever a reload does meanwhile.
    const auto people_now = people_file_.current();
    if (!people_now) {
      return refuse(outcome, "people-file-unusable", 503, "Console unavailable",
                    "The console's people file cannot be used, so no one is let in until it is fixed (the server's "
                    "log says why).");
    }
    const People& people = *people_now;

    if (path == kSignInPath) {
      outcome.page = "sign-in";
      if (req.method == "GET") return sign_in_form(req, outcome, people, "", 200);
      if (req.method == "POST") return sign_in(req, outcome, people);
      return method_not_allowed(outcome, "GET, POST");
    }
    if (path == kSignOutPath) {
      outcome.page = "sign-out";
      if (req.method != "POST") return method_not_allowed(outcome, "POST");
      return sign_out(req, outcome, people);
    }

    // Everything else: pages, GET only, signed in.
    if (req.method != "GET") return method_not_allowed(outcome, "GET");
    if (!req.body.empty() || req.header("Transfer-Encoding")) {
      auto r = page(outcome, 413, "Bad request", message_body("Bad request", "A page request takes no body."), nullptr);
      r.close = true;
      return r;
    }
    Who who = who_is(req, outcome, people, true);
    if (who.refused) return std::move(*who.refused);
    const Viewer& viewer = *who.viewer;

    if (path == kConsolePrefix || path == std::string(kConsolePrefix) + "/") {
      outcome.page = "home";
      return redirect(outcome, kCallsPath);
    }
    net::QueryParams params;
    if (auto e = net::parse_query(without_empty_values(query), params)) return bad_parameter(outcome, &viewer, *e);
    static constexpr PageRoute kPageRoutes[] = {
        {kCallsPath, "calls", &Impl::calls},
        {kCallsCsvPath, "calls-csv", &Impl::calls_csv},
        {kOverviewPath, "overview", &Impl::overview},
        {kOverviewPdfPath, "overview-pdf", &Impl::overview_pdf},
        {kIntegrityPath, "integrity", &Impl::integrity},
        {kBundlePath, "bundle", &Impl::bundle},
        {kI3Path, "i3", &Impl::i3_log_events},
    };
    for (const auto& route : kPageRoutes) {
      if (path == route.path) {
        outcome.page = route.page;
        return (this->*route.render)(outcome, viewer, params);
      }
    }
    if (path.starts_with(std::string(kCallsPath) + "/")) {
      outcome.page = "call";
      return call(outcome, viewer, params, std::string_view(path).substr(kCallsPath.size() + 1));
    }
    outcome.page = "other";
    return page(outcome, 404, "Not found", message_body("Not found", "The console has no such page."), &viewer);
  }

  HttpResponse method_not_allowed(Outcome& outcome, std::string_view allow) {
    auto r = page(outcome, 405, "Not allowed",
                  message_body("Not allowed", "The console is read-only: this method is not allowed here."), nullptr);
    r.set("Allow", std::string(allow));
    return r;
  }

  // ---- sign-in and sign-out ----

  HttpResponse sign_in_form(const HttpRequest& req, Outcome& outcome, const People& people, std::string_view problem,
                            int status) {
    if (status == 200) {
      Who who = who_is(req, outcome, people, false);
      if (who.refused) return std::move(*who.refused);
      if (who.viewer) return redirect(outcome, kCallsPath);
      views_.Add({{"page", "sign-in"}}).Increment();
    }
    // A fresh binding for the form's CSRF token, in a cookie of its own.
    const std::string nonce = random_hex(16);
    auto r = page(outcome, status, "Sign in", sign_in_body(csrf_token(options_.cookie_key, "sign-in\n" + nonce), problem),
                  nullptr);
    r.headers.push_back({"Set-Cookie", set_cookie(kSignInCookie, nonce, 600, options_.tls)});
    return r;
  }

  std::optional<net::QueryParams> form_of(const HttpRequest& req) {
    const auto type = req.header("Content-Type");
    if (!type || !to_lower_ascii(*type).starts_with("application/x-www-form-urlencoded")) return std::nullopt;
    net::QueryParams form;
    if (net::parse_query(req.body, form)) return std::nullopt;
    return form;
  }

  HttpResponse sign_in(const HttpRequest& req, Outcome& outcome, const People& people) {
    // The SSO header from elsewhere than the proxy is refused here too.
    Who who = who_is(req, outcome, people, false);
    if (who.refused) return std::move(*who.refused);
    const auto form = form_of(req);
    const auto nonce = cookie_value(req, kSignInCookie);
    const auto csrf = form ? form->find("csrf") : net::QueryParams::const_iterator{};
    if (!form || !nonce || csrf == form->end() ||
        !csrf_token_matches(options_.cookie_key, "sign-in\n" + *nonce, csrf->second)) {
      return refuse(outcome, "csrf", 403, "Sign-in refused",
                    "The sign-in form was not sent from this console (or it expired): open the sign-in page again.");
    }
    const auto token = form->find("token");
    const auto check = token == form->end() ? net::ApiTokenFile::Check{} : tokens_.check(token->second);
    if (check.outcome == net::ApiTokenFile::Outcome::unavailable) {
      return page(outcome, 503, "Sign-in unavailable",
                  message_body("Sign-in unavailable", "The server's tokens file cannot be used (see its log)."),
                  nullptr);
    }
    if (check.outcome != net::ApiTokenFile::Outcome::accepted) {
      refusals_.Add({{"reason", "bad-token"}}).Increment();
      return sign_in_form(req, outcome, people, "That token was not accepted.", 401);
    }
    auto viewer = viewer_of(people, check.name);
    if (!viewer) {
      outcome.identity = check.name;
      refusals_.Add({{"reason", "unknown-identity"}}).Increment();
      return sign_in_form(req, outcome, people,
                          "This token is valid, but the console's people file does not list its owner.", 403);
    }
    ConsoleSession session{viewer->identity, viewer->role, viewer->sites,
                           options_.clock() + std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  options_.session_lifetime)
                                                  .count()};
    outcome.identity = viewer->identity;
    outcome.role = std::string(role_name(viewer->role));
    logger().info("audit console sign-in", {{"identity", outcome.identity}, {"role", outcome.role}});
    auto r = redirect(outcome, kCallsPath);
    r.headers.push_back({"Set-Cookie", set_cookie(kSessionCookie, encode_session(session, options_.cookie_key),
                                                  options_.session_lifetime.count(), options_.tls)});
    r.headers.push_back({"Set-Cookie", set_cookie(kSignInCookie, "", 0, options_.tls)});
    return r;
  }

  HttpResponse sign_out(const HttpRequest& req, Outcome& outcome, const People& people) {
    Who who = who_is(req, outcome, people, false);
    if (who.refused) return std::move(*who.refused);
    if (!who.viewer) return to_sign_in(outcome, "no-session", true);
    // Single sign-on keeps its session at the proxy: nothing to end here.
    if (who.viewer->sso) return redirect(outcome, kCallsPath);
    const auto form = form_of(req);
    const auto csrf = form ? form->find("csrf") : net::QueryParams::const_iterator{};
    // viewer.csrf is the token bound to this very session cookie.
    if (!form || csrf == form->end() || !constant_time_equal(csrf->second, who.viewer->csrf)) {
      return refuse(outcome, "csrf", 403, "Sign-out refused", "The sign-out form was not sent from this console.");
    }
    logger().info("audit console sign-out", {{"identity", outcome.identity}, {"role", outcome.role}});
    auto r = redirect(outcome, kSignInPath);
    r.headers.push_back({"Set-Cookie", set_cookie(kSessionCookie, "", 0, options_.tls)});
    return r;
  }

  // ---- pages ----

  HttpResponse calls(Outcome& outcome, const Viewer& viewer, const net::QueryParams& params) {
    api::CallsRequest request;
    if (auto e = api::parse_calls_request(params, request)) return bad_parameter(outcome, &viewer, *e);
    restrict_to_viewer(viewer, request.filter);
    auto result = query_calls(store_, request.filter, request.page);
    if (!result) return bad_parameter(outcome, &viewer, {api::parameter_named_by(result.error().message), result.error().message});
    CallsView view{params, std::move(result->calls), std::move(result->next_cursor)};
    viewed(outcome);
    return page(outcome, 200, "Calls", calls_body(view), &viewer, Section::calls);
  }

  HttpResponse calls_csv(Outcome& outcome, const Viewer& viewer, const net::QueryParams& query) {
    // The whole filtered list, whatever page the list showed.
    net::QueryParams params = query;
    params.erase("cursor");
    params.erase("limit");
    params.erase("format");
    api::CallsRequest request;
    if (auto e = api::parse_calls_request(params, request)) return bad_parameter(outcome, &viewer, *e);
    restrict_to_viewer(viewer, request.filter);
    std::string body = calls_csv_header();
    PageRequest pr{kMaxPageSize, {}};
    std::size_t rows = 0;
    for (;;) {
      auto result = query_calls(store_, request.filter, pr);
      if (!result) return bad_parameter(outcome, &viewer, {"", result.error().message});
      for (const auto& c : result->calls) body += call_csv_row(c);
      rows += result->calls.size();
      if (result->next_cursor.empty()) break;
      if (rows >= kMaxExportCalls) {
        refusals_.Add({{"reason", "export-too-large"}}).Increment();
        return page(outcome, 413, "Too many calls",
                    message_body("Too many calls", "More than " + std::to_string(kMaxExportCalls) +
                                                       " calls match: choose a shorter period or a narrower filter."),
                    &viewer);
      }
      pr.cursor = std::move(result->next_cursor);
    }
    return download(outcome, "calls-csv", kCsv, "calls.csv", std::move(body), {"calls", static_cast<std::int64_t>(rows)});
  }

  // How many things an export holds, for its log line.
  struct ExportCount {
    std::string_view name;  // empty: not logged
    std::int64_t count;     // (no member initializer: a default argument below is {})
  };
  // An export sent as an attachment, counted and logged by kind (who, and
  // how many things it holds; never what).
  HttpResponse download(Outcome& outcome, std::string_view kind, const char* content_type, std::string_view filename,
                        std::string body, ExportCount holds = {}) {
    exports_.Add({{"kind", std::string(kind)}}).Increment();
    if (holds.name.empty()) {
      logger().info("audit console export", {{"kind", kind}, {"identity", outcome.identity}, {"role", outcome.role}});
    } else {
      logger().info("audit console export", {{"kind", kind},
                                             {"identity", outcome.identity},
                                             {"role", outcome.role},
                                             {holds.name, holds.count}});
    }
    HttpResponse r;
    outcome.status = 200;
    r.content_type = content_type;
    r.body = std::move(body);
    r.set("Content-Disposition", "attachment; filename=\"" + std::string(filename) + "\"");
    return r;
  }

  HttpResponse no_such_call(Outcome& outcome, const Viewer& viewer) {
    // The same answer whether the call is missing or another site's.
    return page(outcome, 404, "No such call", message_body("No such call", "The journal has no call with this id."),
                &viewer);
  }

  HttpResponse call(Outcome& outcome, const Viewer& viewer, const net::QueryParams& params, std::string_view segment) {
    if (auto e = api::expect_no_parameters(params)) return bad_parameter(outcome, &viewer, *e);
    if (segment.empty() || segment.find('/') != std::string_view::npos || segment.size() > kMaxCallIdSegmentBytes) {
      return no_such_call(outcome, viewer);
    }
    // The API's rules for a call id in a path (decoded, clean UTF-8, its
    // length).
    api::Route route;
    if (auto e = api::route_of("/v1/calls/" + std::string(segment), route)) return bad_parameter(outcome, &viewer, *e);
    auto detail = call_detail(store_, route.call_id);
    if (!detail || !may_see_call(viewer, detail->call)) {
      if (detail) refusals_.Add({{"reason", "other-site"}}).Increment();
      return no_such_call(outcome, viewer);
    }
    CallView view;
    view.checks.reserve(detail->entries.size());
    for (const auto& e : detail->entries) view.checks.push_back(check_entry(e, keyring_));
    view.detail = std::move(*detail);
    view.chain = verification_(Freshness::last_known).result;
    viewed(outcome);
    logger().info("audit console call viewed", {{"identity", outcome.identity}, {"call_id", view.detail.call.call_id}});
    return page(outcome, 200, "Call " + view.detail.call.call_id, call_body(view), &viewer, Section::calls);
  }

  HttpResponse overview(Outcome& outcome, const Viewer& viewer, const net::QueryParams& params) {
    api::ReportRequest request;
    if (auto e = api::parse_report_request(params, request)) return bad_parameter(outcome, &viewer, *e);
    restrict_to_viewer(viewer, request.filter);
    auto figures = compliance_overview(store_, request.filter);
    OverviewView view;
    view.params = params;
    view.charts = overview_charts(figures);
    view.report = std::move(figures.report);
    view.failing_calls = std::move(figures.failing_calls);
    view.failing_total = figures.failing_total;
    if (viewer.role == Role::auditor) view.registrations = figures.registrations;
    viewed(outcome);
    return page(outcome, 200, "Compliance overview", overview_body(view), &viewer, Section::overview);
  }

  // The overview as the PDF `e911 audit report --pdf` writes (the same
  // document), for the viewer's sites; a site lead's leaves out the
  // registered locations, as their overview page does. The journal's
  // verification is the one the integrity page shows (cached).
  HttpResponse overview_pdf(Outcome& outcome, const Viewer& viewer, const net::QueryParams& query) {
    net::QueryParams params = query;  // a copy: "paper" comes out before the report reads the rest
    auto paper = PaperSize::a4;
    if (const auto it = params.find("paper"); it != params.end()) {
      const auto named = paper_size_named(it->second);
      if (!named) {
        return bad_parameter(outcome, &viewer,
                             net::ParamError{"paper", "paper: expected a4 or letter, got " + quote_for_message(it->second, 60)});
      }
      paper = *named;
      params.erase(it);
    }
    api::ReportRequest request;
    if (auto e = api::parse_report_request(params, request)) return bad_parameter(outcome, &viewer, *e);
    restrict_to_viewer(viewer, request.filter);
    const auto figures = compliance_overview(store_, request.filter);
    ReportContext context;
    context.organisation = options_.organisation;
    context.store = store_.name();
    context.generated_at = options_.clock();
    context.verification = verification_(Freshness::as_cached);
    context.verify_command = "e911 audit verify --config <the auditor's configuration>";
    // Every failing call, as the console's CSV export lists them.
    for (const auto* failing : {"dispatchable", "notified"}) {
      net::QueryParams list;
      for (const auto* name : {"from", "to", "site"}) {
        if (const auto it = params.find(name); it != params.end()) list.emplace(name, it->second);
      }
      list.emplace("class", "emergency");
      list.emplace(failing, "false");
      context.csv_commands.push_back(net::link_with_query(kCallsCsvPath, list));
    }
    context.registrations = viewer.role == Role::auditor;
    return download(outcome, "overview-pdf", "application/pdf", "compliance-report.pdf",
                    report_pdf(compliance_report_document(figures, context), paper));
  }

  // The period of the integrity page and of the journal's exports: `from`
  // and `to` by the API's rules, nothing else.
  static std::optional<net::ParamError> journal_period(const net::QueryParams& params, ExportRange& range) {
    if (auto e = net::only_known(params, {"from", "to"})) return e;
    api::ReportRequest period;
    if (auto e = api::parse_report_request(params, period)) return e;
    range = {period.filter.from, period.filter.to};
    return std::nullopt;
  }

  // The journal's exports (bundle, i3 LogEvents) hold every site's entries.
  HttpResponse journal_export_refused(Outcome& outcome) {
    return refuse(outcome, "not-allowed", 403, "Not allowed",
                  "The journal's signed exports cover every site: auditors download them.");
  }

  HttpResponse integrity(Outcome& outcome, const Viewer& viewer, const net::QueryParams& params) {
    ExportRange period;
    if (auto e = journal_period(params, period)) return bad_parameter(outcome, &viewer, *e);
    IntegrityView view;
    view.params = params;
    const auto v = verification_(Freshness::as_cached);
    view.chain = v.result;
    view.verified_at = v.verified_at;
    if (const auto head = store_.last_entry()) {
      view.head_seq = head->seq;
      view.head_hash = head->hash;
    }
    view.key_ids = keyring_.key_ids();
    view.may_export = may_export_journal(viewer);
    view.may_export_i3 = view.may_export && static_cast<bool>(options_.i3_signer);
    viewed(outcome);
    return page(outcome, 200, "Integrity", integrity_body(view), &viewer, Section::integrity);
  }

  // The period's NENA i3 LogEvents as `e911 audit export --format i3` writes
  // them, when the server holds the signing key for them.
  HttpResponse i3_log_events(Outcome& outcome, const Viewer& viewer, const net::QueryParams& params) {
    if (!may_export_journal(viewer)) return journal_export_refused(outcome);
    if (!options_.i3_signer) {
      return page(outcome, 404, "Not offered",
                  message_body("Not offered", "This server does not hold the signing key NENA i3 LogEvents need "
                                              "(auditor.console.i3_export is off): run e911 audit export --format "
                                              "i3 where the key is."),
                  &viewer);
    }
    ExportRange period;
    if (auto e = journal_period(params, period)) return bad_parameter(outcome, &viewer, *e);
    std::string body;
    const auto events = export_i3_log_events(store_, period, options_.i3,
                                             options_.i3_signer, [&](std::string_view jws) {
                                               body.append(jws);
                                               body += '\n';
                                             });
    if (!events) throw std::runtime_error(events.error().message);
    return download(outcome, "i3", "text/plain; charset=utf-8", "log-events.jws", std::move(body),
                    {"log_events", *events});
  }

  HttpResponse bundle(Outcome& outcome, const Viewer& viewer, const net::QueryParams& params) {
    if (!may_export_journal(viewer)) return journal_export_refused(outcome);
    ExportRange period;
    if (auto e = journal_period(params, period)) return bad_parameter(outcome, &viewer, *e);
    return download(outcome, "bundle", "application/zip", "audit-bundle.zip",
                    bundle_zip(store_, period, options_.clock()));
  }

  observability::MetricsRegistry metrics_;  // keeps the families below alive
  AuditStore& store_;
  net::ApiTokenFile& tokens_;
  PeopleFile& people_file_;
  const Keyring keyring_;
  const std::function<JournalVerification(Freshness)> verification_;
  const ConsoleOptions options_;
  prometheus::Family<prometheus::Counter>& views_;
  prometheus::Family<prometheus::Counter>& exports_;
  prometheus::Family<prometheus::Counter>& refusals_;
};

ConsoleService::ConsoleService(AuditStore& store, net::ApiTokenFile& tokens, PeopleFile& people, Keyring keyring,
                               std::function<JournalVerification(Freshness)> verification,
                               observability::MetricsRegistry metrics, ConsoleOptions options)
    : impl_(std::make_unique<Impl>(store, tokens, people, std::move(keyring), std::move(verification),
                                   std::move(metrics), std::move(options))) {}

ConsoleService::~ConsoleService() = default;

HttpResponse ConsoleService::handle(const HttpRequest& request) { return impl_->handle(request); }

}  // namespace e911::auditor::console
