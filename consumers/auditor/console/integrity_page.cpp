// The journal's integrity page (console_pages.h): the last verification,
// the head, the key ids, and the exports of a period.

#include "common/text.h"
#include "consumers/auditor/console/console_pages.h"
#include "consumers/auditor/console/page_parts.h"

namespace e911::auditor::console {

std::string integrity_body(const IntegrityView& view) {
  std::string out = "<h1>Integrity</h1>\n<section aria-labelledby=\"h-verify\"><h2 id=\"h-verify\">Verification</h2>\n";
  if (!view.chain) {
    out += "<p id=\"verify-status\">The journal has not been verified yet.</p>\n";
  } else if (view.chain->ok) {
    out += "<p id=\"verify-status\" class=\"ok\">Verified: every hash and signature matches (" +
           std::to_string(view.chain->entries) + " entries, " + std::to_string(view.chain->purged) +
           " purged and accounted for).</p>\n";
  } else {
    out += "<p id=\"verify-status\" class=\"problem\">Does NOT verify: " + html_escape(view.chain->reason) +
           " (first bad entry: seq " + std::to_string(view.chain->first_bad_seq) + ").</p>\n";
  }
  out += "<dl class=\"facts\">\n";
  out += "<dt>Last verified (UTC)</dt><dd id=\"verified-at\">" +
         html_escape(view.chain ? format_rfc3339(view.verified_at) : std::string("never")) + "</dd>\n";
  if (view.chain) {
    out += "<dt>Last verified entry</dt><dd>seq " + std::to_string(view.chain->last_seq) + " <code class=\"hash\">" +
           html_escape(view.chain->last_hash) + "</code></dd>\n";
  }
  out += "<dt>Head of the journal</dt><dd id=\"head\">" +
         (view.head_seq == 0 ? std::string("empty")
                             : "seq <span id=\"head-seq\">" + std::to_string(view.head_seq) +
                                   "</span> <code class=\"hash\" id=\"head-hash\">" + html_escape(view.head_hash) +
                                   "</code>") +
         "</dd>\n";
  out += "<dt>Verification keys</dt><dd id=\"key-ids\">" + html_escape(join(view.key_ids, ", ")) + "</dd>\n</dl>\n";
  out += "<p>Keep the head's seq and hash somewhere else (a ticket, a log): entries cut off the end of a chain show "
         "only against such a copy.</p>\n</section>\n";

  out += "<section aria-labelledby=\"h-export\"><h2 id=\"h-export\">Exports</h2>\n";
  out += "<form method=\"get\" action=\"" + html_escape(kIntegrityPath) +
         "\" class=\"filters\" id=\"period\" aria-label=\"Period\">\n";
  out += html::text_field(view.params, "from", "From", "text", "2026-10-01");
  out += html::text_field(view.params, "to", "To", "text", "2026-12-31 (that day included)");
  out += "<div class=\"actions\"><button type=\"submit\" id=\"apply\">Choose period</button></div>\n</form>\n<ul>\n";
  out += "<li><a href=\"" + html_escape(net::link_with_query(kCallsCsvPath, view.params)) +
         "\" id=\"export-calls\" download>The period's calls (CSV)</a></li>\n";
  if (!view.may_export) {
    out += "</ul>\n<p>The journal's signed exports cover every site: auditors download them.</p>\n";
  } else {
    out += "<li><a href=\"" + html_escape(net::link_with_query(kBundlePath, view.params)) +
           "\" id=\"export-bundle\" download>The period's signed export bundle (ZIP: entries, purges, manifest; "
           "check it with <code>e911 audit verify --bundle DIR</code>)</a></li>\n";
    if (view.may_export_i3) {
      out += "<li><a href=\"" + html_escape(net::link_with_query(kI3Path, view.params)) +
             "\" id=\"export-i3\" download>The period's NENA i3 LogEvents (one JWS per line, signed with the "
             "auditor's key)</a></li>\n</ul>\n";
    } else {
      out += "</ul>\n<p>NENA i3 LogEvents are signed with the auditor's signing key, which this server does not "
             "hold (<code>auditor.console.i3_export</code> is off): <code>e911 audit export --format i3 --from ... "
             "--to ... --out DIR</code> where the key is.</p>\n";
    }
  }
  return out + "</section>\n";
}

}  // namespace e911::auditor::console
