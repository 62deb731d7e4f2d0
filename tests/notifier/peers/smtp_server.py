#!/usr/bin/python3
"""A real SMTP server on 127.0.0.1 for the notifier's SMTP transport tests.

aiosmtpd (Debian package python3-aiosmtpd) does the protocol. Each message
received is saved in --maildir as N.eml (the raw bytes, as received) and
then N.json: the envelope, how the session was secured and authenticated,
and the message as Python's own e-mail parser reads it (decoded headers,
each MIME part decoded), so the tests check interoperability with an
independent MIME implementation rather than with our own decoder. Both
files are written before the server answers 250, under temporary names
and renamed, so a reader never sees half a file.

Prints exactly "port=N" on standard output once listening, then runs until
SIGTERM (or SIGINT). With --hang-while FILE it also prints "held=N" each
time it starts holding a message's DATA unanswered.

With --delay-data SECONDS the relay is slow: it saves each message at once
and answers the end of its DATA only SECONDS later, as a relay that has
queued the message but is slow to say so (a loaded disk, a slow content
filter). A client that gave up waiting meanwhile has still had its message
accepted, and sends it again (RFC 5321, 4.5.3.2.6). With --delay-while FILE
as well, only the messages whose data ends while FILE exists are answered
late (a relay made slow and fast again without a restart).
"""

import argparse
import asyncio
import base64
import email
import email.policy
import json
import os
import quopri
import re
import signal
import socket
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

ENCODED_WORD = re.compile(r"=\?([^?]+)\?([bBqQ])\?([^?]*)\?=")


def free_port():
    # Controller cannot bind port 0 (it connects to its own port to start).
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def decode_words(raw_value):
    """Each RFC 2047 encoded word decoded on its own, strictly: a word that
    is not whole characters of its charset (RFC 2047 section 5) is None."""
    words = []
    for charset, encoding, text in ENCODED_WORD.findall(raw_value):
        try:
            if encoding in "bB":
                data = base64.b64decode(text, validate=True)
            else:
                data = quopri.decodestring(text.replace("_", " "), header=True)
            words.append(data.decode(charset, errors="strict"))
        except (ValueError, LookupError):
            words.append(None)
    return words


def describe(raw):
    """What a mail client would see in the message."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    headers = {}
    for name, value in msg.items():
        headers.setdefault(name.lower(), []).append(str(value))
    raw_msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    raw_headers = {}
    for name, value in raw_msg.items():
        raw_headers.setdefault(name.lower(), []).append(value)
    parts = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        parts.append({
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "transfer_encoding": part.get("Content-Transfer-Encoding", ""),
            "text": part.get_content(),
        })
    return {
        "content_type": msg.get_content_type(),
        "headers": headers,
        "raw_headers": raw_headers,
        "subject_words": decode_words(raw_msg.get("Subject", "")),
        "from_words": decode_words(raw_msg.get("From", "")),
        "to_words": decode_words(raw_msg.get("To", "")),
        "parts": parts,
        "defects": [type(d).__name__ for d in msg.defects],
        "max_line_length": max((len(line) for line in raw.split(b"\r\n")), default=0),
        "ascii_only": all(b < 128 for b in raw),
    }


def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


class Handler:
    def __init__(self, maildir, reject_rcpt, reject_only, hang_while=None, delay_data=0.0, delay_while=None):
        self.maildir = maildir
        self.reject_rcpt = reject_rcpt
        self.reject_only = {a.lower() for a in reject_only}
        self.hang_while = hang_while
        self.delay_data = delay_data
        self.delay_while = delay_while
        self.held = 0
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_rcpt and (not self.reject_only or address.lower() in self.reject_only):
            return self.reject_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.hang_while and os.path.exists(self.hang_while):
            # A relay that hangs: the message is taken in and no reply
            # comes while the file exists. A client that gave up meanwhile
            # gets nothing saved (it will send again).
            self.held += 1
            print(f"held={self.held}", flush=True)
            while os.path.exists(self.hang_while):
                await asyncio.sleep(0.05)
            if server.transport is None or server.transport.is_closing():
                return "451 4.4.2 too late"
        self.count += 1
        n = self.count
        raw = envelope.original_content
        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "authenticated": bool(session.authenticated),
            "auth_login": session.login_data.decode() if session.login_data else None,
            "auth_mechanism": getattr(session, "e911_auth_mechanism", None),
            "message": describe(raw),
            # Which connection and when: what tells two copies apart.
            "peer": "%s:%s" % tuple(session.peer[:2]) if session.peer else None,
            "received_at": time.time(),
        }
        if self.maildir:
            base = os.path.join(self.maildir, str(n))
            write_atomically(base + ".eml", raw)
            write_atomically(base + ".json", json.dumps(summary, indent=1).encode())
        if self.delay_data > 0 and (not self.delay_while or os.path.exists(self.delay_while)):
            await asyncio.sleep(self.delay_data)
        return f"250 2.0.0 Ok: queued as E911Q{n}"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        if ok:
            session.e911_auth_mechanism = mechanism
        # handled=False: aiosmtpd then answers 535 itself (True would mean "we replied").
        return AuthResult(success=ok, handled=False, auth_data=auth_data)
    return check


def tls_context(cert, key):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0, help="0 or absent: a free port")
    p.add_argument("--maildir", help="save each message here as N.eml + N.json")
    p.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"), help="offer STARTTLS")
    p.add_argument("--require-starttls", action="store_true", help="refuse mail before STARTTLS")
    p.add_argument("--implicit-tls", nargs=2, metavar=("CERT", "KEY"), help="TLS from the first byte")
    p.add_argument("--auth", metavar="USER:PASSWORD", help="require AUTH with these credentials")
    p.add_argument("--auth-mechanisms", metavar="M,M", help="offer only these (default: PLAIN,LOGIN)")
    p.add_argument("--reject-rcpt", metavar="REPLY", help='answer RCPT TO with this, e.g. "550 5.1.1 user unknown"')
    p.add_argument("--hang-while", metavar="FILE",
                   help="answer no DATA while FILE exists (a relay that hangs); prints held=N for each")
    p.add_argument("--delay-data", metavar="SECONDS", type=float, default=0.0,
                   help="answer the end of each DATA SECONDS after saving the message (a slow relay)")
    p.add_argument("--delay-while", metavar="FILE", help="with --delay-data: only while FILE exists")
    p.add_argument("--reject-rcpt-to", metavar="ADDRESS", action="append", default=[],
                   help="with --reject-rcpt: reject only these recipients (repeatable)")
    args = p.parse_args()

    # Blocked before aiosmtpd starts its thread, so only sigwait() sees them.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})

    reject = args.reject_rcpt
    if reject and re.fullmatch(r"\d{3}", reject):
        reject += " rejected by test server"
    kwargs = {}
    if args.starttls:
        kwargs["tls_context"] = tls_context(*args.starttls)
        kwargs["require_starttls"] = args.require_starttls
    if args.implicit_tls:
        kwargs["ssl_context"] = tls_context(*args.implicit_tls)
    if args.auth:
        user, _, password = args.auth.partition(":")
        kwargs["authenticator"] = authenticator(user, password)
        kwargs["auth_required"] = True
        # aiosmtpd only counts STARTTLS as TLS; with implicit TLS the whole
        # session already is.
        kwargs["auth_require_tls"] = not args.implicit_tls
        offered = set((args.auth_mechanisms or "PLAIN,LOGIN").upper().split(","))
        kwargs["auth_exclude_mechanism"] = {"PLAIN", "LOGIN"} - offered

    handler = Handler(args.maildir, reject, args.reject_rcpt_to, args.hang_while, args.delay_data, args.delay_while)
    controller = Controller(handler, hostname="127.0.0.1",
                            port=args.port or free_port(), server_hostname="e911-test-smtp", **kwargs)
    controller.start()
    print(f"port={controller.port}", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
