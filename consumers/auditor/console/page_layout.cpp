// The frame every console page shares, the sign-in and message pages, and
// links (console_pages.h).

#include "common/net/query_link.h"
#include "common/text.h"
#include "consumers/auditor/console/console_pages.h"

namespace e911::auditor::console {

namespace {

std::string nav_link(std::string_view path, std::string_view label, bool current) {
  return "<a href=\"" + html_escape(path) + "\"" + (current ? " aria-current=\"page\"" : "") + ">" +
         html_escape(label) + "</a>";
}

}  // namespace

std::string render_page(std::string_view title, Section section, const Viewer* viewer, std::string_view body_html) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>" +
      html_escape(title) +
      " · E911 audit console</title>\n"
      "<link rel=\"stylesheet\" href=\"/console/assets/console.css\">\n"
      "<link rel=\"icon\" href=\"data:,\">\n"
      "<script src=\"/console/assets/console.js\" defer></script>\n"
      "</head>\n<body>\n<header class=\"top\">\n<span class=\"brand\">E911 audit console</span>\n";
  if (viewer) {
    out += "<nav aria-label=\"Console\">" + nav_link(kCallsPath, "Calls", section == Section::calls) +
           nav_link(kOverviewPath, "Compliance overview", section == Section::overview) +
           nav_link(kIntegrityPath, "Integrity", section == Section::integrity) + "</nav>\n";
    out += "<div class=\"who\"><span id=\"who\">" + html_escape(viewer->identity) + " (" +
           html_escape(role_name(viewer->role));
    if (viewer->role == Role::site_lead) out += ": " + html_escape(join(viewer->sites, ", "));
    out += ")</span>";
    if (!viewer->sso) {
      out += "<form method=\"post\" action=\"" + html_escape(kSignOutPath) +
             "\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(viewer->csrf) +
             "\"><button type=\"submit\" id=\"sign-out\">Sign out</button></form>";
    }
    out += "</div>\n";
  }
  out += "</header>\n<main id=\"main\">\n";
  out += body_html;
  out += "</main>\n</body>\n</html>\n";
  return out;
}

std::string sign_in_body(std::string_view csrf, std::string_view problem) {
  std::string out = "<h1>Sign in</h1>\n";
  if (!problem.empty()) out += "<p class=\"problem\" role=\"alert\" id=\"problem\">" + html_escape(problem) + "</p>\n";
  out += "<p>Your organisation's single sign-on signs you in where it is set up. Otherwise, sign in with your audit "
         "API token.</p>\n"
         "<form method=\"post\" action=\"" +
         html_escape(kSignInPath) +
         "\" class=\"sign-in\">\n"
         "<input type=\"hidden\" name=\"csrf\" value=\"" +
         html_escape(csrf) +
         "\">\n"
         "<label for=\"token\">API token</label>\n"
         "<input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"off\" required>\n"
         "<button type=\"submit\" id=\"sign-in\">Sign in</button>\n</form>\n";
  return out;
}

std::string message_body(std::string_view heading, std::string_view message) {
  return "<h1>" + html_escape(heading) + "</h1>\n<p class=\"problem\" id=\"problem\">" + html_escape(message) +
         "</p>\n<p><a href=\"" + html_escape(kCallsPath) + "\">Back to the calls</a></p>\n";
}

}  // namespace e911::auditor::console
