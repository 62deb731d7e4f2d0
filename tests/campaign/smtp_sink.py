#!/usr/bin/env python3
"""A lean SMTP relay for the soak (tests/campaign/soak.py): it takes any
message and saves, for each one, N.json in --maildir with what the
campaign's checks read (the envelope and the X-E911-Call-Id header), under
a temporary name and renamed before it answers 250.

tests/notifier/peers/smtp_server.py (aiosmtpd) parses every message with
Python's e-mail package for the notifier's interoperability tests; at the
soak's 100 e-mails a second it needs about half a core and answers each
session in tens of milliseconds, so it, not the notifiers, sets the pace.
This one reads only the headers, on one asyncio loop, with the same
command line for what the campaign uses (--port, --maildir, --reject-rcpt,
--delay-data, --delay-while) and the same first line on standard output ("port=N"). It runs until
SIGTERM or SIGINT.
"""

import argparse
import asyncio
import json
import os
import signal
import socket
import sys

EHLO = b"250-e911-soak-sink\r\n250-SIZE 33554432\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 HELP\r\n"
MAX_LINE = 1 << 20


class Sink:
    def __init__(self, maildir, reject_rcpt, delay_data=0.0, delay_while=None):
        self.maildir = maildir
        self.reject_rcpt = reject_rcpt
        self.delay_data = delay_data
        self.delay_while = delay_while
        self.count = 0

    def save(self, mail_from, rcpt_tos, lines):
        self.count += 1
        headers = {}
        name = None
        for raw in lines:
            if raw in (b"\r\n", b"\n"):
                break
            text = raw.decode("utf-8", "replace").rstrip("\r\n")
            if text[:1] in (" ", "\t") and name:  # a folded header line
                headers[name][-1] += " " + text.strip()
                continue
            key, sep, value = text.partition(":")
            if sep:
                name = key.strip().lower()
                headers.setdefault(name, []).append(value.strip())
        summary = {"mail_from": mail_from, "rcpt_tos": rcpt_tos,
                   "message": {"headers": {k: v for k, v in headers.items()
                                           if k in ("x-e911-call-id", "subject", "message-id")}}}
        path = os.path.join(self.maildir, "%d.json" % self.count)
        with open(path + ".tmp", "w") as f:
            json.dump(summary, f)
        os.rename(path + ".tmp", path)
        return self.count

    async def session(self, reader, writer):
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        writer.write(b"220 e911-soak-sink ESMTP\r\n")
        mail_from, rcpt_tos = None, []
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    writer.write(EHLO if verb == b"EHLO" else b"250 e911-soak-sink\r\n")
                elif verb == b"MAIL":
                    mail_from, rcpt_tos = line.decode(errors="replace").split(":", 1)[1].strip(), []
                    writer.write(b"250 OK\r\n")
                elif verb == b"RCPT":
                    if self.reject_rcpt:
                        writer.write(self.reject_rcpt.encode() + b"\r\n")
                    else:
                        addr = line.decode(errors="replace").split(":", 1)[1].strip()
                        rcpt_tos.append(addr.split(">", 1)[0].lstrip("<"))
                        writer.write(b"250 OK\r\n")
                elif verb == b"DATA":
                    if not rcpt_tos:
                        writer.write(b"503 5.5.1 no valid recipients\r\n")
                        continue
                    writer.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    lines = []
                    while True:
                        data = await reader.readline()
                        if not data:
                            return
                        if data in (b".\r\n", b".\n"):
                            break
                        lines.append(data[1:] if data.startswith(b"..") else data)
                    n = self.save(mail_from, rcpt_tos, lines)
                    mail_from, rcpt_tos = None, []
                    if self.delay_data > 0 and (not self.delay_while or os.path.exists(self.delay_while)):
                        await asyncio.sleep(self.delay_data)  # saved, answered late: a slow relay
                    writer.write(b"250 2.0.0 Ok: queued as E911S%d\r\n" % n)
                elif verb == b"RSET":
                    mail_from, rcpt_tos = None, []
                    writer.write(b"250 OK\r\n")
                elif verb == b"NOOP":
                    writer.write(b"250 OK\r\n")
                elif verb == b"QUIT":
                    writer.write(b"221 Bye\r\n")
                    await writer.drain()
                    break
                else:
                    writer.write(b"502 5.5.2 not implemented\r\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()


async def serve(args):
    sink = Sink(args.maildir, args.reject_rcpt, args.delay_data, args.delay_while)
    server = await asyncio.start_server(sink.session, "127.0.0.1", args.port, limit=MAX_LINE, backlog=256)
    print("port=%d" % server.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0, help="0 or absent: a free port")
    p.add_argument("--maildir", required=True, help="save each message's envelope and headers here as N.json")
    p.add_argument("--reject-rcpt", metavar="REPLY", help='answer RCPT TO with this, e.g. "451 4.3.0 try again"')
    p.add_argument("--delay-data", type=float, default=0.0, metavar="S",
                   help="answer the end of each message's data S seconds after saving it")
    p.add_argument("--delay-while", metavar="FILE", help="only while FILE exists (default: always)")
    args = p.parse_args()
    try:
        asyncio.run(serve(args))
    except OSError as e:  # the port is taken: the caller tries again
        print("error=%s" % e, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
