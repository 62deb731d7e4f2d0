#!/usr/bin/env python3
"""The location service's page in headless Chromium, against the real
service, broker and locator (real processes):

- a user signed in by the SSO proxy (the identity header, from loopback,
  which the service trusts) opens the page: nothing is registered;
- types an address with the keyboard, says the building has several
  dwellings and leaves the unit out: the page refuses, names the unit field
  and moves focus there; a postal code the country's rules refuse is
  refused by the service and shown on its field;
- corrects it and presses Enter: the status turns to confirmed and the page
  says what responders would be told;
- an emergency call from that user then resolves to the new address
  (e911.emergency-calls, from the locator);
- a personal link (`e911 locations link`) opens the same registration
  without the header, leaves the address bar without the token, warns that
  the network differs, and confirming turns the status back to confirmed;
- the page loads nothing from elsewhere and logs no error (a CSP violation
  would), and every field has a label.

Usage: page_browser_test.py E911 REGISTRY
"""

import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from cdp import Browser  # noqa: E402

DEADLINE_S = 60


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


class Processes:
    def __init__(self, work):
        self.work = work
        self.children = []

    def start(self, name, args, env=None):
        err = open(os.path.join(self.work, name + ".err"), "wb")
        out = open(os.path.join(self.work, name + ".out"), "wb")
        p = subprocess.Popen(args, stdout=subprocess.PIPE if name == "broker" else out, stderr=err,
                             env=dict(os.environ, **(env or {})))
        self.children.append((name, p))
        return p

    def log(self, name):
        with open(os.path.join(self.work, name + ".err"), errors="replace") as f:
            return f.read()

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
            for n, p in self.children:
                if n == name and p.poll() is not None:
                    fail("%s exited (%s) before %s:\n%s" % (name, p.returncode, what, self.log(name)[-3000:]))
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


def kcat(bootstrap, *args, data=None):
    r = subprocess.run(["kcat", "-b", bootstrap, *args], input=data, capture_output=True, timeout=DEADLINE_S)
    if r.returncode != 0:
        fail("kcat %s: %s" % (" ".join(args), r.stderr.decode(errors="replace")))
    return r.stdout.decode()


def main():
    e911, registry = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="e911-page-")
    procs = Processes(work)
    try:
        run(e911, registry, work, procs)
    finally:
        procs.stop()
    print("ok: the page registered, corrected, confirmed; the call resolved to the new address")


def run(e911, registry, work, procs):
    broker = procs.start("broker", [e911, "broker"])
    first = broker.stdout.readline().decode().strip()
    if not first.startswith("bootstrap.servers="):
        fail("the broker's first line is not bootstrap.servers=...: %r" % first)
    bootstrap = first.split("=", 1)[1]
    secret = os.path.join(work, "link.secret")
    with open(secret, "w") as f:
        f.write(os.urandom(32).hex())
    config = os.path.join(work, "e911.yaml")
    with open(config, "w") as f:
        f.write("""kafka:
  bootstrap.servers: "%s"
  fetch.wait.max.ms: "5"
metrics: {port: 0}
locator: {registry: %s}
locations:
  registry: %s
  http: {port: 0}
  identity: {trusted_proxies: "127.0.0.1/32"}
  public_url: http://127.0.0.1
  backup_method: "If the softphone cannot call, use the red phone by the lift."
""" % (bootstrap, registry, registry))
    env = {"E911_LOCATIONS_LINK_SECRET_FILE": secret}
    procs.start("locations", [e911, "locations", "--config", config], env=dict(env, E911_INSTANCE_ID="page-loc"))
    procs.start("locator", [e911, "locator", "--config", config], env={"E911_INSTANCE_ID": "page-locator"})
    serving = procs.wait_log("locations", lambda e: e.get("msg") == "serving", "serving line")
    port = serving["port"]
    procs.wait_log("locator", lambda e: e.get("msg") == "consuming", "consuming line")
    base = "http://127.0.0.1:%d" % port

    with Browser() as browser:
        page = browser.new_page()
        page.set_headers({"X-Forwarded-User": "u-7002", "X-Forwarded-For": "198.51.100.7"})
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
        errors = page.console_errors(expected_statuses=(422,))
        if errors:
            fail("the page logged errors: %s" % errors)

        # A personal link opens the same registration without the proxy's header.
        link = subprocess.run([e911, "locations", "link", "--config", config, "u-7002"], capture_output=True,
                              env=dict(os.environ, **env), timeout=DEADLINE_S)
        if link.returncode != 0:
            fail("e911 locations link: %s" % link.stderr.decode())
        token_url = link.stdout.decode().strip()
        fragment = token_url[token_url.index("#"):]
        other = browser.new_page()
        other.set_headers({"X-Forwarded-For": "203.0.113.50"})  # through the proxy, from a coffee shop
        other.goto(base + "/" + fragment)
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

    # An emergency call from the user now resolves to the registered address.
    call = {"schema": "e911.call-event/v1", "event_id": "page-ev-1", "call_id": "page-c-1",
            "type": "call.initiated", "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "dialed": "911", "caller": {"user_id": "u-7002", "name": "Test User", "callback": "+15125550123"},
            "device": {"kind": "softphone", "ip": "198.51.100.7"}}
    kcat(bootstrap, "-P", "-t", "e911.call-events", "-k", "u-7002", data=(json.dumps(call) + "\n").encode())
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


if __name__ == "__main__":
    main()
