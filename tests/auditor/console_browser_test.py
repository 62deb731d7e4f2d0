#!/usr/bin/env python3
"""The audit console in headless Chromium, end to end: `e911 audit serve`
as a real process (on loopback, a free port) over an SQLite journal that
e911_console_journal writes the way the consumer does:

- an auditor opens the console without a session and lands on the sign-in
  form; signs in with their API token (typed, as a user would);
- filters the calls by site with the form (the script leaves the empty
  fields out of the address); only that site's calls are listed;
- opens a call: its location conveyed (the PIDF-LO readable and raw), its
  alerts with their latency and outcome, the acknowledgement, and its
  journal entries with seq, hash and "verifies: yes";
- exports the filtered calls as CSV: byte for byte what the API's
  /v1/calls?format=csv answers for the same filter;
- the compliance overview and integrity pages show the figures and that
  the journal verifies, with its head seq;
- no page loads anything from elsewhere or logs an error (a CSP violation
  would), every field has a label; then signs out;
- the integrity page's signed export bundle, downloaded, unzipped, passes
  `e911 audit verify --bundle` (a site lead may not download it).

Over plain HTTP (the refusals): no session and a forged cookie redirect to
sign-in; a site lead gets 404 for another site's call, the same page as a
missing one; a sign-out without the CSRF token is 403; the identity
header from an address that is not the proxy is 403, from the proxy
(127.0.0.2 here) it signs in.

Screenshots of each page go to SHOTS_DIR (kept as the test's artefacts).

Usage: console_browser_test.py E911 E911_CONSOLE_JOURNAL SHOTS_DIR
"""

import base64
import http.client
import io
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from cdp import Browser  # noqa: E402

DEADLINE_S = 20
AUDITOR_TOKEN = "auditor-token-0123456789abcdefghijklmnopqrstuv"
LEAD_TOKEN = "lead-token-0123456789abcdefghijklmnopqrstuvwxyz"
PROXY = "127.0.0.2"
HEADER = "X-Forwarded-User"


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def sha256_hex(text):
    import hashlib
    return hashlib.sha256(text.encode()).hexdigest()


def start_server(e911, config, work):
    """`e911 audit serve` on a free port; the port, from the line it prints."""
    log = open(os.path.join(work, "serve.log"), "wb")
    proc = subprocess.Popen([e911, "audit", "serve", "--config", config, "--listen", "127.0.0.1:0",
                             "--metrics-port", "0"], stdout=subprocess.PIPE, stderr=log)
    deadline = time.monotonic() + DEADLINE_S
    line = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            continue
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            break
        line += chunk
        m = re.search(rb"http on 127\.0\.0\.1:(\d+)", line)
        if m:
            return proc, int(m.group(1))
    proc.kill()
    fail("e911 audit serve did not say where it listens: " + line.decode(errors="replace") +
         open(os.path.join(work, "serve.log"), errors="replace").read())


def request(port, method, path, headers=None, body=None, source=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE_S,
                                      source_address=(source, 0) if source else None)
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, r.getheaders(), data


def header(headers, name):
    return [v for k, v in headers if k.lower() == name.lower()]


def screenshot(page, shots, name):
    data = page.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})["data"]
    with open(os.path.join(shots, name + ".png"), "wb") as f:
        f.write(base64.b64decode(data))


def navigate(page, action_js):
    """Runs `action_js` (a click, a submit) and waits for the page it loads."""
    browser = page.browser
    browser.events = [e for e in browser.events if e[0] != page.session or e[1] != "Page.loadEventFired"]
    page.evaluate(action_js)
    browser.wait_event(page.session, "Page.loadEventFired")


def sign_in_over_http(port, token):
    status, headers, body = request(port, "GET", "/console/sign-in")
    check(status == 200, "sign-in form: %d" % status)
    nonce = [c.split(";")[0] for c in header(headers, "Set-Cookie") if c.startswith("e911_console_sign_in=")][0]
    csrf = re.search(rb'name="csrf" value="([^"]*)"', body).group(1).decode()
    form = urllib.parse.urlencode({"token": token, "csrf": csrf})
    status, headers, _ = request(port, "POST", "/console/sign-in",
                                 {"Cookie": nonce, "Content-Type": "application/x-www-form-urlencoded"}, form)
    check(status == 303, "sign-in over HTTP: %d" % status)
    return [c.split(";")[0] for c in header(headers, "Set-Cookie") if c.startswith("e911_console=")][0]


def browser_flow(port, shots):
    base = "http://127.0.0.1:%d" % port
    with Browser() as browser:
        page = browser.new_page()
        page.send("Emulation.setDeviceMetricsOverride",
                  {"width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        page.goto(base + "/console/calls")
        check(page.evaluate("location.pathname") == "/console/sign-in", "no session: not sent to sign-in")
        screenshot(page, shots, "1-sign-in")
        page.type_into("token", AUDITOR_TOKEN)
        navigate(page, "document.getElementById('sign-in').click()")
        check(page.evaluate("location.pathname") == "/console/calls", "signed in: not on the calls")
        check(page.evaluate("document.getElementById('who').textContent") == "auditor (auditor)", "who is signed in")
        rows = page.evaluate("document.querySelectorAll('#calls tbody tr').length")
        check(rows == 5, "all five calls listed, got %s" % rows)
        check(page.evaluate("document.body.innerHTML.indexOf('<img src=x') < 0"), "a caller name became markup")
        screenshot(page, shots, "2-calls")

        # Filter by site with the form.
        page.type_into("f-site", "austin-hq")
        page.evaluate("document.getElementById('f-class').value = 'emergency'")
        navigate(page, "document.getElementById('apply').click()")
        query = page.evaluate("location.search")
        check(query == "?site=austin-hq&class=emergency" or query == "?class=emergency&site=austin-hq" or
              "site=austin-hq" in query and "caller=" not in query, "the filter's address: " + query)
        ids = page.evaluate("[...document.querySelectorAll('#calls a.call-link')].map(a => a.textContent)")
        check(ids == ["c-austin-1", "c-austin-2"], "filtered calls: %s" % ids)
        check(page.evaluate("document.getElementById('f-site').value") == "austin-hq", "the form keeps the filter")
        screenshot(page, shots, "3-calls-filtered")
        csv_href = page.evaluate("document.getElementById('export-csv').getAttribute('href')")

        # One call.
        navigate(page, "document.querySelector('#calls a.call-link').click()")
        check(page.evaluate("document.getElementById('call-id').textContent") == "c-austin-1", "the call page")
        text = page.evaluate("document.body.innerText")
        for expected in ("Congress Ave", "Wiremap", "Security Desk", "1.2 s", "delivered", "Sam Guard",
                         "missing-unit", "The whole journal verified"):
            check(expected in text, "the call page lacks %r" % expected)
        check("<presence" in page.evaluate("document.getElementById('pidf-raw').textContent"), "the raw PIDF-LO")
        verdicts = page.evaluate("[...document.querySelectorAll('#entries tbody tr td:nth-child(6)')]"
                                 ".map(td => td.textContent)")
        check(len(verdicts) == 4 and all(v == "yes" for v in verdicts), "entries verify: %s" % verdicts)
        hashes = page.evaluate("[...document.querySelectorAll('#entries code.hash')].map(c => c.textContent)")
        check(all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes), "entry hashes: %s" % hashes)
        screenshot(page, shots, "4-call")

        # The CSV export, with the browser's own session cookie (HttpOnly:
        # read over the protocol), against the API's CSV.
        cookies = page.send("Network.getCookies", {"urls": [base + "/console/"]})["cookies"]
        session = [c for c in cookies if c["name"] == "e911_console"]
        check(session and session[0]["httpOnly"] and session[0]["sameSite"] == "Strict", "cookie: %s" % cookies)
        status, headers, console_csv = request(port, "GET", csv_href, {"Cookie": "e911_console=" + session[0]["value"]})
        check(status == 200, "CSV export: %d" % status)
        status, _, api_csv = request(port, "GET", "/v1/calls?site=austin-hq&class=emergency&format=csv&limit=1000",
                                     {"Authorization": "Bearer " + AUDITOR_TOKEN})
        check(console_csv == api_csv, "the console's CSV is not the API's:\n%r\n%r" % (console_csv, api_csv))
        check(console_csv.count(b"\r\n") == 3, "header and two calls: %r" % console_csv)

        page.goto(base + "/console/overview?from=2026-11-21&to=2026-11-21")
        overall = page.evaluate("[...document.querySelectorAll('#overall td')].map(td => td.textContent)")
        check(overall[:4] == ["4", "1", "75.0 %", "50.0 %"], "overall figures: %s" % overall)
        sites = page.evaluate("[...document.querySelectorAll('#compliance tbody th')].map(th => th.textContent)")
        check(sites == ["austin-hq", "london-hq", "All sites"], "sites: %s" % sites)
        charts = page.evaluate("[...document.querySelectorAll('figure.chart svg')]"
                               ".map(s => [s.closest('figure').id, s.getBoundingClientRect().width > 0])")
        check(charts == [["chart-sites", True], ["chart-latency", True], ["chart-days", True]],
              "the overview's charts, drawn: %s" % charts)
        failing = page.evaluate("[...document.querySelectorAll('#failing tbody tr td:first-child')]"
                                ".map(td => td.textContent)")
        check(len(failing) >= 2, "the calls not dispatchable or not notified (1 and 2 of 4): %s" % failing)
        screenshot(page, shots, "5-overview")

        page.goto(base + "/console/integrity")
        check(page.evaluate("document.getElementById('verify-status').textContent").startswith("Verified"),
              "integrity: " + page.evaluate("document.getElementById('verify-status').textContent"))
        check(page.evaluate("document.getElementById('head-seq').textContent") == "15", "head seq")
        check(page.evaluate("document.getElementById('key-ids').textContent") == "k-query", "key ids")
        screenshot(page, shots, "6-integrity")

        unlabelled = page.evaluate("[...document.querySelectorAll('input:not([type=hidden]), select')]"
                                   ".filter(f => !document.querySelector('label[for=\"' + f.id + '\"]')).length")
        check(unlabelled == 0, "fields without a label: %s" % unlabelled)
        check(page.evaluate("document.documentElement.dataset.enhanced") == "yes", "the console's script ran")
        loaded = page.evaluate("performance.getEntriesByType('resource').map(r => r.name)")
        check(all(u.startswith(base + "/console/assets/") for u in loaded), "loaded from elsewhere: %s" % loaded)

        navigate(page, "document.getElementById('sign-out').click()")
        check(page.evaluate("location.pathname") == "/console/sign-in", "signed out")
        page.goto(base + "/console/calls")
        check(page.evaluate("location.pathname") == "/console/sign-in", "still signed in after signing out")
        errors = page.console_errors()
        check(not errors, "the pages logged errors: %s" % errors)


def bundle_verifies(port, e911, work):
    """The integrity page's bundle, downloaded as the auditor, unzipped, and
    checked by `e911 audit verify --bundle` with the journal's key."""
    cookie = sign_in_over_http(port, AUDITOR_TOKEN)
    status, headers, body = request(port, "GET", "/console/export/bundle.zip?from=2026-11-21", {"Cookie": cookie})
    check(status == 200 and header(headers, "Content-Type") == ["application/zip"], "bundle download: %d" % status)
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        check(sorted(z.namelist()) == ["bundle/entries.jsonl", "bundle/manifest.json", "bundle/purges.jsonl"],
              "bundle files: %s" % z.namelist())
        z.extractall(os.path.join(work, "download"))
    with open(os.path.join(work, "keyring"), "w") as f:
        f.write("k-query HS256 secret\n")
    verify = subprocess.run([e911, "audit", "verify", "--bundle", os.path.join(work, "download", "bundle"),
                             "--keyring", os.path.join(work, "keyring")], capture_output=True, text=True,
                            timeout=DEADLINE_S)
    check(verify.returncode == 0, "the downloaded bundle does not verify: " + verify.stdout + verify.stderr)
    lead = sign_in_over_http(port, LEAD_TOKEN)
    status, _, _ = request(port, "GET", "/console/export/bundle.zip", {"Cookie": lead})
    check(status == 403, "a site lead downloads the whole journal: %d" % status)


def refusals_over_http(port):
    status, headers, _ = request(port, "GET", "/console/calls")
    check(status == 303 and header(headers, "Location") == ["/console/sign-in"], "no session: %d" % status)
    cookie = sign_in_over_http(port, AUDITOR_TOKEN)
    forged = cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB")
    status, headers, body = request(port, "GET", "/console/calls", {"Cookie": forged})
    check(status == 303 and b"c-austin" not in body, "forged cookie: %d" % status)

    lead = sign_in_over_http(port, LEAD_TOKEN)
    s1, _, other = request(port, "GET", "/console/calls/c-london-1", {"Cookie": lead})
    s2, _, missing = request(port, "GET", "/console/calls/c-nowhere", {"Cookie": lead})
    check(s1 == 404 and s2 == 404 and other == missing, "another site's call: %d %d" % (s1, s2))
    status, _, body = request(port, "GET", "/console/calls", {"Cookie": lead})
    check(b"c-austin-1" in body and b"c-london" not in body, "a site lead's list")

    status, _, _ = request(port, "POST", "/console/sign-out",
                           {"Cookie": lead, "Content-Type": "application/x-www-form-urlencoded"}, "x=1")
    check(status == 403, "sign-out without CSRF: %d" % status)
    status, _, body = request(port, "GET", "/console/calls", {HEADER: "auditor"})
    check(status == 403 and b"c-austin" not in body, "identity header from a non-proxy: %d" % status)
    status, _, body = request(port, "GET", "/console/calls", {HEADER: "auditor"}, source=PROXY)
    check(status == 200 and b"c-london-1" in body, "identity header from the proxy: %d" % status)
    status, _, body = request(port, "GET", "/console/calls?caller=%27%20OR%201%3D1%20--", {"Cookie": cookie})
    check(status == 200 and b"no-calls" in body, "SQL in a filter")


def main():
    if len(sys.argv) != 4:
        fail("usage: console_browser_test.py E911 E911_CONSOLE_JOURNAL SHOTS_DIR")
    e911, journal_tool, shots = sys.argv[1:]
    started = time.monotonic()
    shutil.rmtree(shots, ignore_errors=True)
    os.makedirs(shots)
    work = tempfile.mkdtemp(prefix="e911-console-")
    proc = None
    try:
        db = os.path.join(work, "audit.db")
        secret = os.path.join(work, "secret")
        subprocess.run([journal_tool, db, secret], check=True, timeout=DEADLINE_S)
        with open(os.path.join(work, "tokens"), "w") as f:
            f.write("auditor %s\nlead %s\n" % (sha256_hex(AUDITOR_TOKEN), sha256_hex(LEAD_TOKEN)))
        with open(os.path.join(work, "people"), "w") as f:
            f.write("# the console's people\nauditor auditor\nlead site-lead austin-hq\n")
        config = {"auditor": {
            "store": "sqlite:" + db,
            "signing": {"key_id": "k-query", "secret": {"file": secret}},
            "api": {"tokens": {"file": os.path.join(work, "tokens")}},
            "console": {"people": {"file": os.path.join(work, "people")}, "identity_header": HEADER,
                        "trusted_proxies": PROXY, "session_minutes": 5}}}
        with open(os.path.join(work, "e911.yaml"), "w") as f:
            json.dump(config, f)
        proc, port = start_server(e911, os.path.join(work, "e911.yaml"), work)
        browser_flow(port, shots)
        refusals_over_http(port)
        bundle_verifies(port, e911, work)
        log = open(os.path.join(work, "serve.log"), errors="replace").read()
        check("Lee London" not in log and "Ann Example" not in log, "a caller's name in the log")
        check(AUDITOR_TOKEN not in log, "a token in the log")
        check('"page":"call"' in log and '"identity":"auditor"' in log, "views are logged with who and what")
    finally:
        if proc:
            proc.terminate()
            try:
                proc.wait(timeout=DEADLINE_S)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)
    print("console browser test passed in %.1f s; screenshots in %s" % (time.monotonic() - started, shots))


if __name__ == "__main__":
    main()
