"""Headless Chromium driven over the Chrome DevTools Protocol, for the tests
that use a real browser on the project's pages.

Chromium is started with --remote-debugging-pipe: the protocol's JSON
messages go over two pipes (the browser reads file descriptor 3 and writes
4, each message ended by a NUL byte), so no WebSocket client and no port
are needed. Every wait has a deadline; nothing sleeps to wait.

    with Browser() as browser:
        page = browser.new_page()
        page.set_headers({"X-Forwarded-User": "u-1"})
        page.goto("http://127.0.0.1:8097/")
        page.wait_for("document.body.dataset.status === 'missing'")
"""

import json
import os
import select
import shutil
import subprocess
import tempfile
import time


class CdpError(Exception):
    pass


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise CdpError("chromium is not installed (ops/install-deps.sh installs Debian's chromium)")


class Browser:
    def __init__(self, timeout_s=30):
        self.timeout_s = timeout_s
        self._profile = tempfile.mkdtemp(prefix="e911-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_pipes():
            # In the child: its fd 3 reads our commands, fd 4 writes its answers.
            # Copies first, so neither end is overwritten before it is moved.
            reader, writer = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(reader, 3)
            os.dup2(writer, 4)

        args = [chromium_binary(), "--headless=new", "--remote-debugging-pipe", "--no-first-run",
                "--no-default-browser-check", "--disable-gpu", "--disable-extensions", "--disable-sync",
                "--disable-background-networking", "--user-data-dir=" + self._profile, "about:blank"]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        self._log = open(os.path.join(self._profile, "chromium.log"), "wb")
        # Descriptors 3 and 4 are kept too: subprocess closes the others after wire_pipes runs.
        self._process = subprocess.Popen(args, pass_fds=(3, 4, to_browser_r, from_browser_w), preexec_fn=wire_pipes,
                                         stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events = []  # (session, method, params) not yet taken

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.send("Browser.close", timeout_s=5)
        except Exception:
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        self._log.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CdpError("no message from chromium before the deadline")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise CdpError("chromium closed the pipe (see its log: %s)" % self._log.name)
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None, timeout_s=None):
        self._next_id += 1
        request = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            request["sessionId"] = session
        os.write(self._to_browser, json.dumps(request).encode() + b"\0")
        deadline = time.monotonic() + (timeout_s or self.timeout_s)
        while True:
            message = self._read_message(deadline)
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise CdpError("%s: %s" % (method, message["error"]))
                return message.get("result", {})
            if "method" in message:
                self.events.append((message.get("sessionId"), message["method"], message.get("params", {})))

    def wait_event(self, session, method, timeout_s=None):
        deadline = time.monotonic() + (timeout_s or self.timeout_s)
        while True:
            for i, (s, m, p) in enumerate(self.events):
                if s == session and m == method:
                    del self.events[i]
                    return p
            message = self._read_message(deadline)
            if "method" in message:
                self.events.append((message.get("sessionId"), message["method"], message.get("params", {})))

    def new_page(self):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        return Page(self, session)


class Page:
    def __init__(self, browser, session):
        self.browser = browser
        self.session = session
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(domain + ".enable")

    def send(self, method, params=None):
        return self.browser.send(method, params, session=self.session)

    def set_headers(self, headers):
        self.send("Network.setExtraHTTPHeaders", {"headers": headers})

    def goto(self, url):
        self.browser.events = [e for e in self.browser.events if e[0] != self.session or e[1] != "Page.loadEventFired"]
        self.send("Page.navigate", {"url": url})
        self.browser.wait_event(self.session, "Page.loadEventFired")

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise CdpError("%s: %s" % (expression, result["exceptionDetails"]))
        return result["result"].get("value")

    def wait_for(self, expression, timeout_s=20):
        """Evaluates `expression` until it is truthy; its value."""
        deadline = time.monotonic() + timeout_s
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise CdpError("not true within %ss: %s" % (timeout_s, expression))
            # Let the page run: wait for whatever the browser says next (or a short while).
            try:
                self.browser.wait_event(self.session, "Runtime.consoleAPICalled", timeout_s=0.1)
            except CdpError:
                pass

    def type_into(self, element_id, text):
        """Focuses the element and types `text` as a user would (real key input)."""
        self.evaluate("document.getElementById(%s).focus()" % json.dumps(element_id))
        self.evaluate("document.getElementById(%s).select && document.getElementById(%s).select()"
                      % (json.dumps(element_id), json.dumps(element_id)))
        self.send("Input.insertText", {"text": text})

    def press(self, key, code=None, key_code=0):
        for kind in ("keyDown", "keyUp"):
            params = {"type": kind, "key": key, "code": code or key, "windowsVirtualKeyCode": key_code}
            if kind == "keyDown" and key == "Enter":
                params["text"] = "\r"
            self.send("Input.dispatchKeyEvent", params)

    def console_errors(self, expected_statuses=()):
        """Errors the page logged: script errors, CSP violations, failed loads
        (but for answers with one of `expected_statuses`, such as a 422 the
        test provoked)."""
        errors = []
        for s, m, p in self.browser.events:
            if s != self.session:
                continue
            if m == "Log.entryAdded" and p["entry"]["level"] == "error":
                text = p["entry"].get("text", "")
                if any("status of %d " % status in text for status in expected_statuses):
                    continue
                errors.append(text + " " + p["entry"].get("url", ""))
            elif m == "Runtime.exceptionThrown":
                errors.append(json.dumps(p["exceptionDetails"]))
            elif m == "Runtime.consoleAPICalled" and p.get("type") == "error":
                errors.append(json.dumps(p.get("args")))
        return errors
