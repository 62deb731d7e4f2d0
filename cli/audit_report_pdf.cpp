#include "cli/audit_report_pdf.h"

#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <vector>

#include "cli/audit_journal_access.h"
#include "common/timestamp.h"
#include "consumers/auditor/report/compliance_charts.h"
#include "consumers/auditor/report/compliance_overview.h"
#include "consumers/auditor/report/journal_verification.h"
#include "consumers/auditor/report/report_document.h"

namespace e911::cli {

namespace {

// A word the shell reads back as itself: as it is when it holds only
// characters the shell leaves alone, else in single quotes.
std::string shell_word(const std::string& s) {
  const bool plain = !s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                       "0123456789@%+=:,./_-") == std::string::npos;
  if (plain) return s;
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The store options as the user gave them: --config made absolute (the
// report is filed and read elsewhere), --store as given (a password in it
// was refused already).
std::string store_options(const Options& opts) {
  std::string out;
  if (const auto config = opts.value("--config")) {
    out += " --config " + shell_word(std::filesystem::absolute(*config).lexically_normal().string());
  } else {
    out += " --config auditor.yaml";  // verify needs the keys: the configuration that has them
  }
  if (const auto store = opts.value("--store")) out += " --store " + shell_word(*store);
  return out;
}

std::vector<std::string> csv_commands(const Options& opts, const auditor::CallFilter& filter) {
  std::string scope;
  if (filter.from) scope += " --from " + format_rfc3339(*filter.from);
  if (filter.to) scope += " --to " + format_rfc3339(*filter.to);
  if (filter.site) scope += " --site " + shell_word(*filter.site);
  const auto base = "e911 audit query" + store_options(opts) + scope + " --class emergency";
  return {base + " --dispatchable no --format csv --all", base + " --notified no --format csv --all"};
}

}  // namespace

int write_pdf_report(const Options& opts, const auditor::CallFilter& filter, const PdfReportRequest& request) {
  const std::string command = "report";
  auto settings = audit_command_settings(opts, command, false);
  if (!settings) return 2;
  auto store = open_existing_audit_store(settings->settings, command);
  if (!store) return 2;
  try {
    auditor::OverviewOptions options;
    options.stale_after = request.stale_after;
    const auto overview = auditor::compliance_overview(*store, filter, options);

    auditor::ReportContext context;
    context.organisation =
        request.organisation.empty() ? settings->config.get_or("auditor.report.organisation", "") : request.organisation;
    context.store = store->name();
    context.generated_at = now_millis();
    context.verify_command = "e911 audit verify" + store_options(opts);
    context.csv_commands = csv_commands(opts, filter);
    if (settings->settings.keyring.size() == 0) {
      context.not_verified = "no verification keys (auditor.keyring, or the signing key, in --config)";
    } else {
      context.verification = auditor::verify_journal(*store, settings->settings.keyring);
    }
    const auto document = auditor::compliance_report_document(overview, context);
    const auto pages = auditor::write_report_pdf(document, request.path, request.paper);

    const auto& all = overview.report.overall;
    std::string verified = "not verified";
    if (context.verification) {
      const auto& v = context.verification->result;
      verified = v.ok ? "journal intact (" + std::to_string(v.entries) + " entries)" : "journal FAILED verification";
    }
    std::cout << request.path << "\n"
              << pages << (pages == 1 ? " page" : " pages") << ", " << auditor::period_text(overview.report.filter)
              << ": " << all.emergency_calls << " emergency calls, " << auditor::percent_text(all.dispatchable_percent())
              << " % dispatchable, " << auditor::percent_text(all.notified_percent()) << " % notified, "
              << overview.failing_total << " not dispatchable or not notified; " << verified << "\n";
    return context.verification && !context.verification->result.ok ? 1 : 0;
  } catch (const std::exception& e) {
    std::cerr << "e911 audit report: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace e911::cli
