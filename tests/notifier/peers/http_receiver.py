#!/usr/bin/python3
"""An HTTP peer on 127.0.0.1 for the notifier's HTTP transport tests.

Prints `port=N` once it listens (--port 0, the default, takes a free port)
and serves until SIGTERM. Every request is appended to --record as one JSON
line *before* it is answered:

  {"method": "POST", "path": "/hook?x=1", "headers": {"Content-Type": "..."},
   "body_hex": "...", "body": "...", "form": {...}, "auth": {"user": ..., "ok": true}}

(`body` is the body decoded as UTF-8, for reading; `body_hex` is exact.
`form` and `auth` only in --mode twilio.)

--mode webhook answers 200 {"ok": true} to anything.

--mode twilio plays Twilio's Messages API as documented: POST
/2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP basic auth
AccountSid:AuthToken, a form-urlencoded body with To, From or
MessagingServiceSid, and Body. It answers 201 with the message resource
({"sid": "SM...", "status": "queued", ...}) or Twilio's error object
({"code": 20003, "message": "Authenticate", "more_info": ..., "status":
401}; 21211 for a To that is not E.164, 21602/21603/21604 for a missing
field).

--status N answers N to every request (in twilio mode with a Twilio-style
error body); --location adds a Location header (for 3xx); --hang records
requests and never answers (timeouts). --cert/--key serve HTTPS.
"""

import argparse
import base64
import binascii
import json
import re
import secrets
import ssl
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/([^/]+)/Messages\.json$")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
REASONS = {
    400: "Bad Request",
    401: "Authenticate",
    404: "The requested resource was not found",
    405: "Method not allowed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def twilio_error(status, code, message):
    return status, {"code": code, "message": message,
                    "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}


class Handler(BaseHTTPRequestHandler):
    server_version = "e911-test-receiver/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # to stderr, which the test keeps
        sys.stderr.write("http_receiver: " + (fmt % args) + "\n")

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def handle_any(self):
        cfg = self.server.cfg
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        record = {"method": self.command, "path": self.path, "headers": dict(self.headers.items()),
                  "body_hex": body.hex(), "body": body.decode("utf-8", "replace")}

        if cfg.hang:
            self.record(record)
            # Never answer: wait for the client to give up and close.
            self.rfile.read(1)
            self.close_connection = True
            return
        if cfg.mode == "twilio":
            status, answer = self.twilio(body, record)
        else:
            status, answer = 200, {"ok": True}
        if cfg.status:
            status = cfg.status
            answer = (twilio_error(status, 20000 + status, REASONS.get(status, "Error"))[1]
                      if cfg.mode == "twilio" else {"error": REASONS.get(status, "error")})

        self.record(record)
        data = json.dumps(answer).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if cfg.location:
            self.send_header("Location", cfg.location)
        self.end_headers()
        self.wfile.write(data)

    def record(self, record):
        with self.server.lock:
            with open(self.server.cfg.record, "a", encoding="utf-8") as f:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
                f.flush()

    def twilio(self, body, record):
        cfg = self.server.cfg
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace"),
                                                             keep_blank_values=True).items()}
        record["form"] = form
        auth = {"user": None, "ok": False}
        record["auth"] = auth
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
                auth["user"] = user
                auth["ok"] = user == cfg.account_sid and password == cfg.auth_token
            except (binascii.Error, UnicodeDecodeError):
                pass

        m = MESSAGES_PATH.match(urllib.parse.urlsplit(self.path).path)
        if not m:
            return twilio_error(404, 20404, f"The requested resource {self.path} was not found")
        if self.command != "POST":
            return twilio_error(405, 20004, "Method not allowed")
        if not auth["ok"] or m.group(1) != cfg.account_sid:
            return twilio_error(401, 20003, "Authenticate")
        if not self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return twilio_error(400, 21609, "Invalid Content-Type")
        to = form.get("To", "")
        if not to:
            return twilio_error(400, 21604, "A 'To' phone number is required.")
        if not E164.match(to):
            return twilio_error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return twilio_error(400, 21603, "A 'From' phone number is required.")
        if not form.get("Body"):
            return twilio_error(400, 21602, "Message body is required.")
        sid = "SM" + secrets.token_hex(16)
        record["sid"] = sid
        return 201, {"sid": sid, "account_sid": cfg.account_sid, "to": to, "from": form.get("From"),
                     "messaging_service_sid": form.get("MessagingServiceSid"), "body": form["Body"],
                     "status": "queued", "num_segments": "1", "direction": "outbound-api",
                     "api_version": "2010-04-01", "uri": f"/2010-04-01/Accounts/{cfg.account_sid}/Messages/{sid}.json"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=["webhook", "twilio"], default="webhook")
    ap.add_argument("--record", required=True, help="JSON-lines file of the requests received")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--status", type=int, default=0, help="answer this status to every request")
    ap.add_argument("--location", default="", help="Location header to send (with a 3xx --status)")
    ap.add_argument("--hang", action="store_true", help="record each request and never answer it")
    ap.add_argument("--account-sid", default="AC00000000000000000000000000000001")
    ap.add_argument("--auth-token", default="")
    ap.add_argument("--cert", help="PEM certificate: serve HTTPS")
    ap.add_argument("--key", help="PEM private key of --cert")
    cfg = ap.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", cfg.port), Handler)
    server.daemon_threads = True
    server.cfg = cfg
    server.lock = threading.Lock()
    open(cfg.record, "a").close()
    if cfg.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cfg.cert, cfg.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"port={server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
