#!/usr/bin/python3
"""A private Kannel SMS gateway on 127.0.0.1 for tests.

Writes a kannel.conf into --workdir and starts bearerbox (with a `fake`
SMSC), /usr/lib/kannel/test/fakesmsc (the other end of that SMSC) and
smsbox (the sendsms HTTP interface). Prints `port=N` (the sendsms port)
once smsbox can take messages and they can reach fakesmsc, then runs until
SIGTERM or SIGINT, which stops all three as a gateway stops: smsbox (no
message comes in), then bearerbox once it has sent what it queues, then
fakesmsc once it has read it all. The sendsms port is chosen free
unless --port gives it (a gateway started again where its clients expect
it); the other ports are always chosen.

Every message fakesmsc receives is written to --received as JSON lines, one
object per message (the file is replaced atomically, at most every 50 ms
while messages come, so a reader never sees half a line):

  {"from": "911", "to": "+15125550100", "kind": "text" | "ucs-2" | "udh" | "data",
   "parts": 1, "data_hex": "...", "received_at": 1796000000.25}

`received_at` is when fakesmsc had the whole message (its last part; a
"text" message's first line), in seconds since the epoch.

`data_hex` is the message as the SMSC got it: UTF-8 for GSM-7 messages
(Kannel keeps text as UTF-8 until an SMSC driver encodes it), UTF-16BE for
UCS-2 ones. Concatenated messages (kind "udh") are put back together from
their parts; the fake SMSC protocol does not say their coding, so the
reader decides how to decode them. A "text" message is sent raw, line
breaks included, and fakesmsc logs it line by line: its record grows as the
lines come, so a reader waits for the text it expects (with a deadline).

Uses the Debian packages kannel and kannel-extras; needs no system Kannel
service (everything runs from the temporary configuration).
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
READY_TIMEOUT_S = 25.0
DRAIN_TIMEOUT_S = 30.0  # bearerbox sending its queue to fakesmsc when stopped


def ephemeral_range():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low, high = (int(x) for x in f.read().split())
            return low, high
    except (OSError, ValueError):
        return 32768, 60999


def free_port(taken):
    """A loopback port nothing listens on, below the ephemeral range.

    Kannel binds its ports a while after we choose them; a port from the
    ephemeral range can meanwhile become the local end of some outgoing
    connection (fakesmsc's and smsbox's own, or another test's), and the
    box that wanted it then never comes up. Below the range only listeners
    take ports, and they bind at once.
    """
    low, _ = ephemeral_range()
    rng = random.SystemRandom()
    for _ in range(1000):
        port = rng.randrange(20000, max(20001, low))
        if port in taken:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        taken.add(port)
        return port
    raise RuntimeError("no free loopback port below the ephemeral range")


def binary(name):
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if not found:
        sys.exit(f"kannel.py: {name} not found (Debian package kannel)")
    return found


def write_config(path, workdir, ports, username, password):
    conf = f"""# Written by tests/notifier/peers/kannel.py: loopback only, no store.
group = core
admin-port = {ports['admin']}
admin-interface = 127.0.0.1
admin-password = {ports['admin_password']}
admin-allow-ip = 127.0.0.1
smsbox-port = {ports['smsbox']}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
log-file = "{workdir}/bearerbox.log"
log-level = 0
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = {ports['fake']}
our-host = 127.0.0.1
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {ports['smsbox']}
sendsms-port = {ports['sendsms']}
sendsms-interface = 127.0.0.1
log-file = "{workdir}/smsbox.log"
log-level = 0

group = sendsms-user
username = "{username}"
password = "{password}"
# Alerts run to 3 segments; Kannel's default (1) would cut them.
max-messages = 3
concatenation = true
"""
    with open(path, "w", encoding="utf-8") as f:
        f.write(conf)


# fakesmsc logs each line it reads from the SMSC:
#   ... DEBUG: Got message 7: <911 +15125550100 text Hello>
GOT = re.compile(r"Got message \d+: <(.*)>$")
# A message's first line: sender, receiver, kind. A "text" message with line
# breaks arrives as several lines; the later ones do not look like this.
HEADER = re.compile(r"^(\S+) (\+?[0-9]+) (text|data|ucs-2|udh) (.*)$", re.S)


def concat_info(udh):
    """(reference, total, sequence) of a concatenation UDH, or None."""
    i = 1
    while i + 1 < len(udh):
        iei, length = udh[i], udh[i + 1]
        value = udh[i + 2:i + 2 + length]
        if iei == 0x00 and length == 3:
            return value[0], value[1], value[2]
        if iei == 0x08 and length == 4:
            return (value[0] << 8) | value[1], value[2], value[3]
        i += 2 + length
    return None


class Received:
    """What fakesmsc received, kept as complete messages in a file.

    The file is written again at most every FLUSH_INTERVAL_S (by a thread
    of its own), not at every line: fakesmsc blocks on its log pipe while
    the file is written, and a file written again at every line of a busy
    gateway slows it to a crawl. Each message's JSON line is kept once
    made; a "text" message that grows is made again."""

    FLUSH_INTERVAL_S = 0.05

    def __init__(self, path):
        self.path = path
        self.messages = []
        self.lines = []  # each message's JSON line, None until made
        self.partial = {}  # (from, to, ref) -> {seq: bytes}
        self.last_text = None  # the last "text" message, which may continue
        self.lock = threading.Lock()
        self.dirty = False
        self.flush()
        threading.Thread(target=self.flush_while_running, daemon=True).start()

    def add(self, msg):
        msg["received_at"] = round(time.time(), 3)
        self.messages.append(msg)
        self.lines.append(None)

    def changed(self):
        with self.lock:
            self.dirty = True

    def flush(self):
        with self.lock:
            self.dirty = False
            for i, m in enumerate(self.messages):
                if self.lines[i] is None:
                    out = dict(m)
                    out["data_hex"] = out.pop("data").hex()
                    self.lines[i] = json.dumps(out) + "\n"
            text = "".join(self.lines)
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, self.path)

    def flush_while_running(self):
        while True:
            time.sleep(self.FLUSH_INTERVAL_S)  # the file's pace, not a wait for a condition
            if self.dirty:
                self.flush()

    def line(self, payload):
        with self.lock:
            self.read(payload)
        self.changed()

    def read(self, payload):
        m = HEADER.match(payload)
        if not m:
            if self.last_text is not None:
                self.last_text["data"] += b"\n" + payload.encode("utf-8", "surrogateescape")
                self.lines[-1] = None  # the last message (any other line ends a text)
            return
        sender, receiver, kind, rest = m.groups()
        self.last_text = None
        if kind == "text":
            msg = {"from": sender, "to": receiver, "kind": kind, "parts": 1,
                   "data": rest.encode("utf-8", "surrogateescape")}
            self.add(msg)
            self.last_text = msg
        elif kind in ("data", "ucs-2"):
            self.add({"from": sender, "to": receiver, "kind": kind, "parts": 1,
                      "data": urllib.parse.unquote_to_bytes(rest.replace("+", " "))})
        else:  # udh <udh> data <data>
            fields = rest.split(" ")
            udh = urllib.parse.unquote_to_bytes(fields[0].replace("+", " "))
            data = urllib.parse.unquote_to_bytes(fields[-1].replace("+", " ")) if len(fields) > 1 else b""
            info = concat_info(udh)
            if info is None:
                self.add({"from": sender, "to": receiver, "kind": kind, "parts": 1,
                          "udh_hex": udh.hex(), "data": data})
            else:
                ref, total, seq = info
                parts = self.partial.setdefault((sender, receiver, ref), {})
                parts[seq] = data
                if len(parts) == total:
                    del self.partial[(sender, receiver, ref)]
                    joined = b"".join(parts[i] for i in sorted(parts))
                    self.add({"from": sender, "to": receiver, "kind": kind,
                              "parts": total, "data": joined})


def follow_fakesmsc(proc, received, log_path):
    with open(log_path, "w", encoding="utf-8", errors="replace") as log:
        for raw in proc.stderr:
            text = raw.decode("utf-8", "surrogateescape").rstrip("\n")
            log.write(text + "\n")
            log.flush()
            m = GOT.search(text)
            if m:
                received.line(m.group(1))


# Straight to loopback, whatever http_proxy says.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_get(url):
    """Status of a GET, or None when nothing answers."""
    try:
        with OPENER.open(url, timeout=2) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except OSError:
        return None, ""


class StartFailed(Exception):
    pass


ATTEMPTS = 3


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workdir", required=True, help="where kannel.conf and the logs go")
    ap.add_argument("--received", required=True, help="JSON-lines file of the messages fakesmsc receives")
    ap.add_argument("--username", default="e911")
    ap.add_argument("--password", default="e911-test-password")
    ap.add_argument("--port", type=int, default=0, help="the sendsms port (default: a free one)")
    args = ap.parse_args()

    os.makedirs(args.workdir, exist_ok=True)
    workdir = os.path.abspath(args.workdir)
    received = Received(os.path.abspath(args.received))
    children = []

    def stop_children():
        # As a gateway stops: smsbox first (no message comes in any more),
        # then bearerbox, which sends what it still queues to fakesmsc before
        # it exits (it keeps no store: what it queues when killed is lost),
        # then fakesmsc. Each is killed when it takes longer than its time.
        rank = {"smsbox": 0, "bearerbox": 1}
        for p in sorted(children, key=lambda p: rank.get(os.path.basename(p.args[0]), 2)):
            if p.poll() is None and os.path.basename(p.args[0]) != "fakesmsc":
                p.terminate()
            try:
                p.wait(timeout=DRAIN_TIMEOUT_S if os.path.basename(p.args[0]) == "bearerbox" else 5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        children.clear()

    stopping = []

    def stop(code=0):
        # A second signal during the stop (timeout(1) forwards its own, for
        # one) must not re-enter Popen.wait, whose lock the first one holds.
        if stopping:
            return
        stopping.append(code)
        stop_children()
        received.flush()
        os._exit(code)

    signal.signal(signal.SIGTERM, lambda *_: stop(0))
    signal.signal(signal.SIGINT, lambda *_: stop(0))

    def fail(why):
        sys.stderr.write(f"kannel.py: {why} (logs in {workdir})\n")
        sys.stderr.flush()
        stop(1)

    def start(argv, name, attempt):
        out = open(os.path.join(workdir, f"{name}.{attempt}.out"), "w")
        p = subprocess.Popen(argv, cwd=workdir, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        children.append(p)
        return p

    def attempt(n, taken):
        ports = {"admin": free_port(taken), "smsbox": free_port(taken), "fake": free_port(taken),
                 "sendsms": args.port or free_port(taken), "admin_password": "admin-" + os.urandom(6).hex()}
        conf = os.path.join(workdir, "kannel.conf")
        write_config(conf, workdir, ports, args.username, args.password)
        status_url = f"http://127.0.0.1:{ports['admin']}/status.txt?password={ports['admin_password']}"
        deadline = time.monotonic() + READY_TIMEOUT_S

        def wait_until(what, ready):
            # Polled: Kannel tells nobody when it is ready. 50 ms keeps
            # start-up quick without spinning.
            while True:
                missing = ready()
                if not missing:
                    return
                for p in children:
                    if p.poll() is not None:
                        raise StartFailed(f"{os.path.basename(p.args[0])} exited with {p.returncode} "
                                          f"while waiting for {what}")
                if time.monotonic() > deadline:
                    raise StartFailed(f"not ready within {READY_TIMEOUT_S:.0f} s: {what} (still missing: {missing})")
                time.sleep(0.05)

        # -v 2: warnings and errors on the console (the .out files); the
        # full log goes to the log files.
        start([binary("bearerbox"), "-v", "2", conf], "bearerbox", n)
        wait_until("bearerbox admin port", lambda: "" if http_get(status_url)[0] == 200 else "admin port")

        fake = subprocess.Popen([FAKESMSC, "-H", "127.0.0.1", "-r", str(ports["fake"]), "-i", "1", "-m", "0",
                                 "0 0 text unused"],
                                cwd=workdir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        children.append(fake)
        threading.Thread(target=follow_fakesmsc, args=(fake, received, os.path.join(workdir, f"fakesmsc.{n}.log")),
                         daemon=True).start()
        start([binary("smsbox"), "-v", "2", conf], "smsbox", n)

        def ready():
            status, text = http_get(status_url)
            if status != 200:
                return "bearerbox status page"
            missing = []
            if re.search(r"FAKE:%d \(online" % ports["fake"], text) is None:
                missing.append("fake SMSC online")
            if re.search(r"smsbox:.*on-line", text) is None:
                missing.append("smsbox connected")
            if http_get(f"http://127.0.0.1:{ports['sendsms']}/cgi-bin/sendsms")[0] is None:
                missing.append("sendsms port answering")
            return ", ".join(missing)

        wait_until("fake SMSC online, smsbox connected, sendsms port answering", ready)
        return ports

    # A start that fails (a box that dies, or never gets ready on a loaded
    # machine) is retried from scratch on other ports; each failure is
    # reported, with its logs kept per attempt.
    taken = {args.port} if args.port else set()
    for n in range(1, ATTEMPTS + 1):
        try:
            ports = attempt(n, taken)
            break
        except StartFailed as e:
            sys.stderr.write(f"kannel.py: attempt {n} of {ATTEMPTS}: {e} (logs in {workdir})\n")
            sys.stderr.flush()
            stop_children()
            if n == ATTEMPTS:
                fail(f"Kannel did not start in {ATTEMPTS} attempts")
    print(f"port={ports['sendsms']}", flush=True)

    # Until a signal; a box that dies on its own is reported and ends the rest.
    pid, status = os.wait()
    names = {p.pid: os.path.basename(p.args[0]) for p in children}
    fail(f"{names.get(pid, pid)} exited (wait status {status})")


if __name__ == "__main__":
    main()
