#!/usr/bin/env python3
"""The location service's page in headless Chromium, end to end: the real
service, broker, locator, notifier and auditor (real processes, on
loopback), with e-mail through a real SMTP server (aiosmtpd, Debian's
python3-aiosmtpd):

- a user signed in by the SSO proxy (the identity header, from loopback,
  which the service trusts) opens the page: nothing is registered;
- types an address with the keyboard, says the building has several
  dwellings and leaves the unit out: the page refuses, names the unit field
  and moves focus there; a postal code the country's rules refuse is
  refused by the service and shown on its field;
- corrects it and presses Enter: the status turns to confirmed and the page
  says what responders would be told;
- a personal link (`e911 locations link`) opens the same registration
  without the header, leaves the address bar without the token, warns that
  the network differs, and confirming turns the status back to confirmed;
- the page loads nothing from elsewhere and logs no error (a CSP violation
  would), and every field has a label;
- an emergency call from that user then resolves to the new address
  (e911.emergency-calls, from the locator); the notifier's alert e-mail,
  as aiosmtpd received it, gives that address and says it was registered
  by the user and NOT validated (no validation provider is configured);
  the audit journal has the call with that address and validated false
  (`e911 audit query`), and the user's registration (`e911 audit
  registrations`); the journal verifies (`e911 audit verify`);
- a second user, whose registration on e911.location-updates is three days
  old (stale: the registry's 12 h), gets a reminder e-mail at the
  directory's address, without the address in it; the personal link in it,
  opened as it is in Chromium without any identity header, shows that
  user's registration (not the first user's) as stale, and confirming turns
  it to confirmed and reaches the audit journal.

Usage: page_browser_test.py E911 REGISTRY
"""

import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from cdp import Browser  # noqa: E402

DEADLINE_S = 60
# Debian's interpreter, which has python3-aiosmtpd (ops/install-deps.sh); never
# a pyenv or virtualenv python3 that happens to be first on PATH.
SMTP_PYTHON = "/usr/bin/python3"
SMTP_SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "notifier", "peers", "smtp_server.py")

USER = "u-7002"  # registers through the page, then calls
STALE_USER = "u-7010"  # registered three days ago; reminded
STALE_USER_EMAIL = "sam.reed@example.org"
ALERT_RECIPIENT = "soc@example.com"  # the registry's fallback list: the call is from no site's network
NOT_VALIDATED = "address registered by the user, NOT validated"  # common/emergency_call.h


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def free_loopback_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rfc3339(epoch_s):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch_s))


class Processes:
    def __init__(self, work):
        self.work = work
        self.children = []

    def start(self, name, args, env=None, pipe_stdout=False):
        err = open(os.path.join(self.work, name + ".err"), "wb")
        out = subprocess.PIPE if pipe_stdout else open(os.path.join(self.work, name + ".out"), "wb")
        p = subprocess.Popen(args, stdout=out, stderr=err, env=dict(os.environ, **(env or {})))
        self.children.append((name, p))
        return p

    def log(self, name):
        with open(os.path.join(self.work, name + ".err"), errors="replace") as f:
            return f.read()

    def first_line(self, name, p, prefix):
        """The value after `prefix` on the first line `name` prints on standard output."""
        deadline = time.monotonic() + DEADLINE_S
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                fail("%s: no first line within %ss:\n%s" % (name, DEADLINE_S, self.log(name)[-3000:]))
            ready, _, _ = select.select([p.stdout], [], [], left)
            if ready:
                byte = os.read(p.stdout.fileno(), 1)
                if not byte:
                    fail("%s exited (%s) before its first line:\n%s" % (name, p.wait(), self.log(name)[-3000:]))
                line += byte
        line = line.decode().strip()
        if not line.startswith(prefix):
            fail("%s's first line is not %s...: %r" % (name, prefix, line))
        return line[len(prefix):]

    def check_running(self, name, what):
        for n, p in self.children:
            if n == name and p.poll() is not None:
                fail("%s exited (%s) before %s:\n%s" % (name, p.returncode, what, self.log(name)[-3000:]))

    def wait_log(self, name, predicate, what):
        """The first JSON log line of `name` that `predicate` accepts."""
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            for line in self.log(name).splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if predicate(entry):
                    return entry
            self.check_running(name, what)
            time.sleep(0.1)  # polling a log file for a condition, bounded by the deadline
        fail("%s: no %s within %ss:\n%s" % (name, what, DEADLINE_S, self.log(name)[-3000:]))

    def stop(self):
        for name, p in reversed(self.children):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()


class Mailbox:
    """What aiosmtpd (tests/notifier/peers/smtp_server.py) received: each
    message's N.json, written before it answered 250."""

    def __init__(self, maildir, procs):
        self.maildir = maildir
        self.procs = procs

    def messages(self):
        out = []
        for name in sorted(os.listdir(self.maildir)):
            if name.endswith(".json"):
                with open(os.path.join(self.maildir, name)) as f:
                    out.append(json.load(f))
        return out

    def wait_for(self, predicate, what):
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            found = [m for m in self.messages() if predicate(m)]
            if found:
                return found[0]
            self.procs.check_running("smtp", what)
            time.sleep(0.1)  # polling the mail directory for a file, bounded by the deadline
        received = [(m["rcpt_tos"], m["message"]["headers"].get("subject")) for m in self.messages()]
        fail("no %s within %ss; received: %s" % (what, DEADLINE_S, received))


def text_part(mail):
    parts = [p["text"] for p in mail["message"]["parts"] if p["content_type"] == "text/plain"]
    if len(parts) != 1:
        fail("expected one text/plain part: %s" % json.dumps(mail["message"])[:3000])
    return parts[0]


def labelled_lines(text):
    """{"Address": "...", ...}: the alert text's "Label:   value" lines."""
    out = {}
    for line in text.splitlines():
        label, sep, value = line.partition(":")
        if sep and label and " " not in label.strip():
            out.setdefault(label.strip(), value.strip())
    return out


def kcat(bootstrap, *args, data=None):
    r = subprocess.run(["kcat", "-b", bootstrap, *args], input=data, capture_output=True, timeout=DEADLINE_S)
    if r.returncode != 0:
        fail("kcat %s: %s" % (" ".join(args), r.stderr.decode(errors="replace")))
    return r.stdout.decode()


class Audit:
    """`e911 audit ...` against the auditor's journal."""

    def __init__(self, e911, config):
        self.e911 = e911
        self.config = config

    def run(self, *args):
        return subprocess.run([self.e911, "audit", *args, "--config", self.config], capture_output=True,
                              timeout=DEADLINE_S)

    def wait_json(self, args, predicate, what):
        """The JSON `e911 audit ARGS` prints, once `predicate` accepts it (the
        journal may not exist yet, or not have the records yet)."""
        deadline = time.monotonic() + DEADLINE_S
        last = None
        while time.monotonic() < deadline:
            r = self.run(*args)
            last = r
            if r.returncode == 0:
                value = json.loads(r.stdout)
                if predicate(value):
                    return value
            time.sleep(0.2)  # polling the journal through its CLI, bounded by the deadline
        fail("e911 audit %s: no %s within %ss; exit %s, out:\n%s\nerr:\n%s"
             % (" ".join(args), what, DEADLINE_S, last.returncode, last.stdout.decode(errors="replace")[-3000:],
                last.stderr.decode(errors="replace")[-3000:]))


def main():
    e911, registry = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="e911-page-")
    procs = Processes(work)
    passed = False
    try:
        run(e911, registry, work, procs)
        passed = True
    finally:
        procs.stop()
        if passed:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("logs, mail and journal: " + work, file=sys.stderr)
    print("ok: the page registered, corrected, confirmed; the call resolved to the new address, its alert and "
          "audit entries say so; a stale registration's reminder link opened and confirmed it")


def run(e911, registry, work, procs):
    maildir = os.path.join(work, "mail")
    os.makedirs(maildir)
    smtp = procs.start("smtp", [SMTP_PYTHON, SMTP_SERVER, "--maildir", maildir], pipe_stdout=True)
    smtp_port = int(procs.first_line("smtp", smtp, "port="))
    mailbox = Mailbox(maildir, procs)

    broker = procs.start("broker", [e911, "broker"], pipe_stdout=True)
    bootstrap = procs.first_line("broker", broker, "bootstrap.servers=")

    # The second user registered three days ago (the registry's stale_after: 12 h).
    stale_at = time.time() - 3 * 86400
    stale = {"schema": "e911.location-update/v1", "event_id": "page-lu-stale", "occurred_at": rfc3339(stale_at),
             "user_id": STALE_USER, "source": "user", "validated": False,
             "address": {"country": "US", "state": "TX", "city": "Austin", "street": "Barton Springs Rd",
                         "house_number": "1200", "postal_code": "78704"},
             "network": {"ip": "192.0.2.44"}}
    kcat(bootstrap, "-P", "-t", "e911.location-updates", "-k", STALE_USER, data=(json.dumps(stale) + "\n").encode())

    # The registry under test, with a directory that says where the second
    # user's reminders go (the first user has no address: never reminded).
    with open(registry) as f:
        registry_text = f.read()
    if "\ndirectory:" in registry_text:
        fail("the registry already has a directory: this test adds its own")
    registry = os.path.join(work, "registry.yaml")
    with open(registry, "w") as f:
        f.write(registry_text + "\ndirectory:\n  - {user_id: %s, email: \"%s\", extensions: [\"7010\"]}\n"
                % (STALE_USER, STALE_USER_EMAIL))

    secret = os.path.join(work, "link.secret")
    with open(secret, "w") as f:
        f.write(os.urandom(32).hex())
    signing = os.path.join(work, "signing.secret")
    with open(signing, "w") as f:
        f.write(os.urandom(32).hex())
    # A port of our own, so the page's public URL (the reminders' links) is where it is served.
    port = free_loopback_port()
    base = "http://127.0.0.1:%d" % port
    config = os.path.join(work, "e911.yaml")
    with open(config, "w") as f:
        f.write("""kafka:
  bootstrap.servers: "%(bootstrap)s"
  fetch.wait.max.ms: "5"
state_dir: %(work)s/state
metrics: {port: 0}
locator: {registry: %(registry)s}
locations:
  registry: %(registry)s
  http: {port: %(port)d}
  identity: {trusted_proxies: "127.0.0.1/32"}
  public_url: %(base)s
  backup_method: "If the softphone cannot call, use the red phone by the lift."
  reminders: {enabled: true, check_interval_s: 1}
  smtp: {host: 127.0.0.1, port: %(smtp_port)d, tls: none, from: "E911 Locations <locations@example.com>"}
notifier:
  registry: %(registry)s
  email: {transport: smtp}
  sms: {transport: outbox}
  webhook: {transport: outbox}
  smtp: {host: 127.0.0.1, port: %(smtp_port)d, tls: none, from: "E911 Alerts <e911@example.com>"}
auditor:
  store: sqlite:%(work)s/audit.db
  signing: {secret: {file: %(signing)s}}
""" % {"bootstrap": bootstrap, "work": work, "registry": registry, "port": port, "base": base,
            "smtp_port": smtp_port, "signing": signing})
    env = {"E911_LOCATIONS_LINK_SECRET_FILE": secret}
    procs.start("locations", [e911, "locations", "--config", config], env=dict(env, E911_INSTANCE_ID="page-loc"))
    for component in ("locator", "notifier", "auditor"):
        procs.start(component, [e911, component, "--config", config], env={"E911_INSTANCE_ID": "page-" + component})
    serving = procs.wait_log("locations", lambda e: e.get("msg") == "serving", "serving line")
    if serving["port"] != port:
        fail("the service serves on %s, not the configured %d" % (serving["port"], port))
    for component in ("locator", "notifier", "auditor"):
        procs.wait_log(component, lambda e: e.get("msg") == "consuming", "consuming line")
    audit = Audit(e911, config)

    with Browser() as browser:
        told = register_through_the_page(browser, base, e911, config, env)
        call_resolves_and_is_alerted_and_audited(bootstrap, mailbox, audit, told)
        stale_registration_is_reminded(browser, base, mailbox, audit, told)
    verify = audit.run("verify", "--json")
    if verify.returncode != 0 or not json.loads(verify.stdout).get("ok"):
        fail("e911 audit verify: %s %s" % (verify.stdout.decode(), verify.stderr.decode()))


def register_through_the_page(browser, base, e911, config, env):
    """The first user registers, is refused, corrects, confirms, and
    confirms again through a personal link; what responders would be told."""
    page = browser.new_page()
    page.set_headers({"X-Forwarded-User": USER, "X-Forwarded-For": "198.51.100.7"})
    page.goto(base + "/")
    page.wait_for("document.body.dataset.status === 'missing'")
    if not page.evaluate("document.getElementById('backup-method').textContent.includes('red phone')"):
        fail("the page does not say the organisation's backup method")
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('input, select')].filter(e => e.labels.length === 0).map(e => e.id)")
    if unlabelled:
        fail("fields without a label: %s" % unlabelled)

    # An address typed with the keyboard, in a building with several dwellings, without its unit.
    page.evaluate("document.getElementById('country').value = 'US'")
    for field, value in (("house_number", "500"), ("street", "Example Ave"), ("city", "Austin"),
                         ("state", "TX"), ("postal_code", "78701")):
        page.type_into(field, value)
    page.evaluate("document.getElementById('multi_dwelling').click()")
    page.evaluate("document.getElementById('city').focus()")
    page.press("Enter", key_code=13)
    page.wait_for("!document.getElementById('unit-error').hidden")
    if page.evaluate("document.activeElement.id") != "unit":
        fail("focus did not move to the unit field after the refusal")
    if page.evaluate("document.getElementById('unit').getAttribute('aria-invalid')") != "true":
        fail("the unit field is not marked invalid")

    # A postal code the service refuses (US ZIP: 5 digits): shown on its field.
    page.type_into("unit", "4B")
    page.type_into("postal_code", "7870")
    page.press("Enter", key_code=13)
    page.wait_for("!document.getElementById('postal_code-error').hidden")
    message = page.evaluate("document.getElementById('postal_code-error').textContent")
    if "postal" not in message.lower() and "zip" not in message.lower():
        fail("the postal code's error does not say what is wrong: %r" % message)
    if page.evaluate("document.body.dataset.status") != "missing":
        fail("a refused registration changed the status")

    # Corrected: registered, confirmed, and what responders would be told.
    page.type_into("postal_code", "78701")
    page.press("Enter", key_code=13)
    page.wait_for("document.body.dataset.status === 'confirmed'")
    told = page.evaluate("document.getElementById('responders-told').textContent")
    if told != "500 Example Ave, Unit 4B, Austin, TX 78701, US":
        fail("responders would be told %r" % told)
    if "911" not in page.evaluate("document.getElementById('dial-now').textContent"):
        fail("the page does not say what happens when the user dials 911 now")
    if "No" not in page.evaluate("document.getElementById('validated').textContent"):
        fail("the page says the address was validated, with no validation provider")
    errors = page.console_errors(expected_statuses=(422,))
    if errors:
        fail("the page logged errors: %s" % errors)

    # A personal link opens the same registration without the proxy's header.
    link = subprocess.run([e911, "locations", "link", "--config", config, USER], capture_output=True,
                          env=dict(os.environ, **env), timeout=DEADLINE_S)
    if link.returncode != 0:
        fail("e911 locations link: %s" % link.stderr.decode())
    token_url = link.stdout.decode().strip()
    if not token_url.startswith(base + "/#link="):
        fail("e911 locations link made %r, not a link to %s" % (token_url, base))
    other = browser.new_page()
    other.set_headers({"X-Forwarded-For": "203.0.113.50"})  # through the proxy, from a coffee shop
    other.goto(token_url)
    # Opened from another network than the one registered from: the page warns.
    other.wait_for("document.body.dataset.status === 'network-changed'")
    if other.evaluate("document.getElementById('network-warning').hidden"):
        fail("the page does not warn that the network differs from the registered one")
    if other.evaluate("document.getElementById('responders-told').textContent") != told:
        fail("the link does not open the user's registration")
    if "link=" in other.evaluate("window.location.href"):
        fail("the token stayed in the address bar")
    # Confirming from here registers the same address from this network.
    other.evaluate("document.getElementById('confirm').click()")
    other.wait_for("document.body.dataset.status === 'confirmed'")
    return told


def call_resolves_and_is_alerted_and_audited(bootstrap, mailbox, audit, told):
    """An emergency call from the first user resolves to the registered
    address; the alert e-mail and the audit journal say so, and that the
    address was not validated."""
    call = {"schema": "e911.call-event/v1", "event_id": "page-ev-1", "call_id": "page-c-1",
            "type": "call.initiated", "occurred_at": rfc3339(time.time()),
            "dialed": "911", "caller": {"user_id": USER, "name": "Test User", "callback": "+15125550123"},
            "device": {"kind": "softphone", "ip": "198.51.100.7"}}
    kcat(bootstrap, "-P", "-t", "e911.call-events", "-k", USER, data=(json.dumps(call) + "\n").encode())
    deadline = time.monotonic() + DEADLINE_S
    while True:
        out = kcat(bootstrap, "-C", "-t", "e911.emergency-calls", "-e", "-q")
        lines = [json.loads(l) for l in out.splitlines() if l.strip()]
        found = [c for c in lines if c.get("call_id") == "page-c-1"]
        if found:
            break
        if time.monotonic() > deadline:
            fail("no emergency call for page-c-1 within %ss" % DEADLINE_S)
    location = found[0]["location"]
    if location.get("source") != "registered" or location.get("address", {}).get("unit") != "4B":
        fail("the call did not resolve to the registered address: %s" % json.dumps(location))
    if location.get("validated") is not False:
        fail("the call's registered location is not validated: false: %s" % json.dumps(location))

    # The alert e-mail, as the SMTP server received and parsed it.
    alert = mailbox.wait_for(
        lambda m: m["message"]["headers"].get("x-e911-call-id") == ["page-c-1"], "alert e-mail for page-c-1")
    if alert["rcpt_tos"] != [ALERT_RECIPIENT]:
        fail("the alert went to %s, not the fallback list's %s" % (alert["rcpt_tos"], ALERT_RECIPIENT))
    text = text_part(alert)
    facts = labelled_lines(text)
    if facts.get("Address") != told:
        fail("the alert's address is not the registered one (%r):\n%s" % (told, text))
    if facts.get("Registration") != NOT_VALIDATED:
        fail("the alert does not say %r:\n%s" % (NOT_VALIDATED, text))
    html = [p["text"] for p in alert["message"]["parts"] if p["content_type"] == "text/html"]
    if not html or told not in html[0] or NOT_VALIDATED not in html[0]:
        fail("the alert's HTML part does not give the address and that it was not validated")

    # The journal: the call, with the address and validated false, once the alert is recorded.
    calls = audit.wait_json(
        ("query", "--caller", USER, "--format", "json"),
        lambda cs: any(c["call_id"] == "page-c-1" and c["notified"] for c in cs), "notified call page-c-1")
    journaled = [c for c in calls if c["call_id"] == "page-c-1"][0]
    if journaled["location"]["source"] != "registered" or journaled["location"]["address"] != told:
        fail("the journal's call does not have the registered address: %s" % json.dumps(journaled))
    if journaled["location"]["validated"] is not False:
        fail("the journal's call does not say validated false: %s" % json.dumps(journaled))
    # And the user's registration (the latest: confirmed through the link), not validated.
    rows = audit.wait_json(("registrations", "--json"),
                           lambda rs: any(r["user_id"] == USER for r in rs), "registration of " + USER)
    mine = [r for r in rows if r["user_id"] == USER][0]
    if mine["status"] != "registered" or mine["address"] != told or mine["validated"] is not False:
        fail("e911 audit registrations lists %s as %s" % (USER, json.dumps(mine)))


def stale_registration_is_reminded(browser, base, mailbox, audit, told):
    """The second user's reminder e-mail; its link opens their registration
    in the browser without any identity header, and confirming works."""
    reminder = mailbox.wait_for(lambda m: m["rcpt_tos"] == [STALE_USER_EMAIL], "reminder e-mail to " + STALE_USER)
    text = text_part(reminder)
    if "You registered where you work from on" not in text:
        fail("the reminder does not say the registration is old:\n%s" % text)
    if "Barton Springs" in text or "Example Ave" in text:
        fail("the reminder holds an address:\n%s" % text)
    links = re.findall(r"\S+#link=\S+", text)
    if len(links) != 1 or not links[0].startswith(base + "/#link="):
        fail("the reminder does not carry one personal link to %s:\n%s" % (base, text))

    page = browser.new_page()  # no identity header, no proxy: the link alone
    page.goto(links[0])
    page.wait_for("document.body.dataset.status === 'stale'")
    shown = page.evaluate("document.getElementById('responders-told').textContent")
    if shown != "1200 Barton Springs Rd, Austin, TX 78704, US":
        fail("the reminder's link opened %r (the first user's is %r)" % (shown, told))
    if page.evaluate("document.getElementById('street').value") != "Barton Springs Rd":
        fail("the form does not hold the user's registered address")
    if "link=" in page.evaluate("window.location.href"):
        fail("the token stayed in the address bar")
    page.evaluate("document.getElementById('confirm').click()")
    page.wait_for("document.body.dataset.status === 'confirmed'")
    if page.evaluate("document.getElementById('responders-told').textContent") != shown:
        fail("confirming changed the address")
    errors = page.console_errors()
    if errors:
        fail("the page logged errors: %s" % errors)

    # The confirmation is journaled: the user's latest registration is today's.
    def confirmed_now(rows):
        return len(rows) == 2 and rows[-1]["at"] > rfc3339(time.time() - 3600)
    audit.wait_json(("registrations", "--user", STALE_USER, "--json"), confirmed_now,
                    "confirmation of " + STALE_USER)


if __name__ == "__main__":
    main()
