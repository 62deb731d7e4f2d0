#!/usr/bin/env python3
"""The fault campaign (docs/reliability.md, "Fault campaign"): the whole
pipeline as real processes on loopback, a mixed load with a known set of
emergency calls, faults from a seeded random schedule, and the invariants
checked at the end of each trial.

Each trial starts from nothing:

- `e911 broker --brokers 3` (the embedded Kafka cluster), PostgreSQL
  (initdb into the trial's folder; as root through `runuser -u postgres`)
  behind a TCP proxy of the harness (the network between the components
  and the database), aiosmtpd (tests/notifier/peers/smtp_server.py, the
  relay), Kannel with fakesmsc (tests/notifier/peers/kannel.py, the SMS
  gateway);
- `e911 ingest` (HTTP: POST /v1/call-events, answered once Kafka has the
  events), two `e911 locator`, three `e911 notifier` (each its own state
  folder, a small tmpfs when mounting is permitted), two `e911 auditor` on
  one PostgreSQL journal; each with its own static group member id
  (E911_INSTANCE_ID), as in the chart.

The load: about 100 call events a second, 5 % of them emergency calls
(call.initiated to 911 or 999 from a site's network), the rest internal
calls, posted to the ingest in batches of ten. A call is in the known set once the ingest answered 202; a refused
post (the ingest killed or frozen, Kafka away) is sent again, as a PBX
does, and the event id absorbs a repeat. Each site's list alerts two
contacts by e-mail and by SMS; the caller's name is the call id, so an SMS
(which has no header to carry it) names its call.

Faults, drawn from the seed, while the load runs (the harness is the
supervisor: a killed process is started again, as Kubernetes would):
kill (SIGKILL of any component instance, restarted after a pause), freeze
(SIGSTOP, then SIGCONT: a long GC or a stalled VM), smtp-down (the relay
stopped, then started again), smtp-4xx (the relay answering 451 to every
recipient), smtp-slow (the relay answering the end of each message 20 s
late, after saving it), kannel-down (the SMS gateway stopped, then started
again on its port), postgres-restart (fast shutdown, then started again),
postgres-unreachable (the proxy black-holes every connection, open or new,
for about 30 s: a dropped network, PostgreSQL itself running), disk-full
(a notifier's state folder filled up, then freed; skipped, with the
reason logged, where tmpfs cannot be mounted) and registry-invalid (the
registry file replaced with one that does not load, then restored).

Kafka faults are commands to the broker's control pipe (`e911 broker
--control`, its standard input; class Brokers): broker-down (one of the
three brokers down for 25-35 s, then up; the broker moves the leadership
of its partitions and the coordination of the pipeline's groups to the
next live broker, as a controller would; never two brokers down at once),
leader-move (every leader and coordinator moved to a live broker drawn
from the seed) and kafka-errors (the next few Produce, Fetch, OffsetCommit
or Heartbeat requests fail with retriable errors a real cluster returns:
KAFKA_ERRORS).

Invariants, once the faults are healed and the load stopped (waited for
against a deadline):
- every emergency call accepted has an alert accepted by the servers for
  every contact of its site's list on every channel: an e-mail by the
  relay, an SMS by fakesmsc (through Kannel);
- duplicates stay within the bound of docs/reliability.md, per channel
  (per notifier instance killed or frozen, workers_per_channel attempts
  that were accepted but not yet recorded; per stop of the relay or the
  gateway, one per worker of every instance);
- every emergency call is journaled exactly once (one call.recorded
  entry), and `e911 audit verify` passes;
- nothing valid was dead-lettered (the dead-letter topic is empty);
- no process exited that the harness did not kill.

Each trial also measures the alert blackout: how long the slowest
emergency call waited for its first alert, beyond the median of the
calls of that trial.

Usage:
  campaign.py E911 --seeds 1,2           # CI: a fixed set of seeds
  campaign.py E911 --trials 100 --first-seed 1000 --seconds 90   # the long mode (ops/campaign.sh)
Prints one JSON line per trial (and writes them to --results FILE), and a
Markdown row for docs/reliability.md. Exit status 1 when a trial broke an
invariant (its folder is kept and named).
"""

import argparse
import errno
import hashlib
import json
import os
import pwd
import random
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from pg_proxy import PgProxy

HERE = os.path.dirname(os.path.abspath(__file__))
SMTP_SERVER = os.path.join(HERE, "..", "notifier", "peers", "smtp_server.py")
KANNEL = os.path.join(HERE, "..", "notifier", "peers", "kannel.py")
# Debian's interpreter, which has python3-aiosmtpd (ops/install-deps.sh).
PEER_PYTHON = "/usr/bin/python3"
START_DEADLINE_S = 90
SETTLE_DEADLINE_S = 240
WORKERS_PER_CHANNEL = 4
CHANNELS = ("email", "sms")
SMTP_SLOW_S = 20  # smtp-slow: how late the relay answers the end of a message
STATE_DISK = "8m"  # each notifier's state folder: a tmpfs this big

REGISTRY = """version: 1
defaults:
  fallback_list: corporate-soc
notification_lists:
  london-security:
    - {name: "London desk", email: "desk.london@example.com", sms: "+442079460001"}
    - {name: "London manager", email: "manager.london@example.com", sms: "+442079460002"}
  austin-security:
    - {name: "Austin desk", email: "desk.austin@example.com", sms: "+15125550101"}
    - {name: "Austin guard", email: "guard.austin@example.com", sms: "+15125550102"}
  corporate-soc:
    - {name: "SOC", email: "soc@example.com"}
sites:
  - id: london-hq
    name: "London HQ"
    notify: london-security
    timezone: Europe/London
    address: {country: GB, city: London, street: "Example Road", house_number: "1", postal_code: "EC1A 1AA"}
    subnets: ["10.40.0.0/16"]
  - id: austin-office
    name: "Austin Office"
    notify: austin-security
    timezone: America/Chicago
    address: {country: US, state: TX, city: Austin, street: "Congress Ave", house_number: "100", postal_code: "78701"}
    subnets: ["10.60.0.0/16"]
"""
SITES = [
    {"id": "london-hq", "net": "10.40", "dial": "999",
     "recipients": [("email", "desk.london@example.com"), ("email", "manager.london@example.com"),
                    ("sms", "+442079460001"), ("sms", "+442079460002")]},
    {"id": "austin-office", "net": "10.60", "dial": "911",
     "recipients": [("email", "desk.austin@example.com"), ("email", "guard.austin@example.com"),
                    ("sms", "+15125550101"), ("sms", "+15125550102")]},
]


class Setup:
    """What a trial runs with: the registry, the sites its calls come from
    (and whom each alerts, on which channel), the SMTP relay's program and
    how long the settle waits for the last alerts. The campaign uses the
    defaults above; the soak (soak.py) its own."""

    def __init__(self, registry=REGISTRY, sites=None, smtp_server=SMTP_SERVER, settle_deadline_s=SETTLE_DEADLINE_S):
        self.registry = registry
        self.sites = [dict(s, recipients=list(s["recipients"])) for s in (SITES if sites is None else sites)]
        self.smtp_server = smtp_server
        self.settle_deadline_s = settle_deadline_s


# A call id in an SMS's text (the caller's name): t<seed>-<batch>-<index>.
CALL_ID_IN_TEXT = re.compile(r"\bt\d+-(?:warm-up|\d+-\d+)\b")

COMPONENTS = {"ingest": 1, "locator": 2, "notifier": 3, "auditor": 2}
FAULTS = ["kill", "freeze", "smtp-down", "smtp-4xx", "postgres-restart", "registry-invalid",
          "kannel-down", "smtp-slow", "postgres-unreachable", "disk-full",
          "broker-down", "leader-move", "kafka-errors"]
# Kafka faults, through the broker's control pipe (class Brokers).
BROKER_FAULTS = ["broker-down", "leader-move", "kafka-errors"]
BROKERS = 3
# kafka-errors: per API, errors a real cluster answers and librdkafka
# retries (after a metadata refresh, a coordinator lookup or a rejoin); a
# burst of 1 to 8 of them.
KAFKA_ERRORS = {
    "Produce": ["NOT_LEADER_FOR_PARTITION", "REQUEST_TIMED_OUT", "NOT_ENOUGH_REPLICAS"],
    "Fetch": ["NOT_LEADER_FOR_PARTITION", "LEADER_NOT_AVAILABLE"],
    "OffsetCommit": ["NOT_COORDINATOR", "COORDINATOR_LOAD_IN_PROGRESS", "REQUEST_TIMED_OUT"],
    "Heartbeat": ["NOT_COORDINATOR", "COORDINATOR_NOT_AVAILABLE", "REBALANCE_IN_PROGRESS"],
}
CONTROL_DEADLINE_S = 60  # the mock serves some commands only after its 1 s poll


def log(message):
    print("campaign: " + message, file=sys.stderr, flush=True)


class TrialFailed(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening_port():
    """A free loopback port below the ephemeral range, for a peer that is
    started again on the same port: a port of that range can meanwhile
    become the local end of an outgoing connection (as kannel.py says)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    rng = random.SystemRandom()
    for _ in range(1000):
        port = rng.randrange(20000, max(20001, low))
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise TrialFailed("no free loopback port below the ephemeral range")


def wait_until(predicate, deadline_s, what):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)  # polling a condition, bounded by the deadline
    raise TrialFailed("no %s within %s s" % (what, deadline_s))


def rfc3339_ms(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)


class Process:
    """One supervised process: its command, its log, and whether the
    harness meant it to stop."""

    def __init__(self, name, argv, work, env=None, stdout=False, stdin=False):
        self.name, self.argv, self.work, self.env = name, argv, work, env or {}
        self.stdout, self.stdin = stdout, stdin
        self.p = None
        self.starts = 0
        self.start()

    def start(self):
        self.starts += 1
        err = open(os.path.join(self.work, "%s.%d.log" % (self.name, self.starts)), "wb")
        out = subprocess.PIPE if self.stdout else subprocess.DEVNULL
        self.p = subprocess.Popen(self.argv, stdin=subprocess.PIPE if self.stdin else None, stdout=out, stderr=err,
                                  env=dict(os.environ, **self.env))

    def first_line(self, prefix):
        line = self.p.stdout.readline().decode().strip()  # the peers print it at once, or exit
        if not line.startswith(prefix):
            raise TrialFailed("%s printed %r, not %s..." % (self.name, line, prefix))
        return line[len(prefix):]

    def running(self):
        return self.p.poll() is None

    def kill(self):
        if self.running():
            self.p.kill()
        self.p.wait()

    def stop(self):
        if self.running():
            try:
                os.kill(self.p.pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
            self.p.terminate()
            try:
                self.p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()

    def log_tail(self, chars=2000):
        path = os.path.join(self.work, "%s.%d.log" % (self.name, self.starts))
        with open(path, errors="replace") as f:
            return f.read()[-chars:]

    def refused_registry(self, registry):
        """Whether the process ended on its refusal of the registry file: its
        own last error line (`e911 <command>: ...`; a usage text may follow)
        says that file does not load. Not any error whose log mentions a
        registry (a component's configuration, logged at its start, does)."""
        errors = [line for line in self.log_tail(100000).splitlines() if line.startswith("e911 ")]
        return bool(errors) and registry in errors[-1] and \
            ("invalid registry" in errors[-1] or "does not load" in errors[-1])


class Postgres:
    """A throwaway PostgreSQL server (as tests/support/postgres_server.cpp)."""

    def __init__(self, work):
        versions = sorted((d for d in os.listdir("/usr/lib/postgresql") if d.isdigit()), key=int)
        if not versions:
            raise TrialFailed("no PostgreSQL server binaries (/usr/lib/postgresql)")
        self.bin = "/usr/lib/postgresql/%s/bin" % versions[-1]
        self.data = os.path.join(work, "pgdata")
        os.makedirs(self.data)
        self.as_postgres = []
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chmod(work, 0o755)
            os.chown(self.data, pw.pw_uid, pw.pw_gid)
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        subprocess.run(self.as_postgres + [self.bin + "/initdb", "-D", self.data, "-A", "trust", "-U", "e911",
                                           "-E", "UTF8"], check=True, capture_output=True)
        self.port = free_port()
        self.p = None
        self.start()
        for db in ("audit", "notifier"):
            subprocess.run(self.psql_argv("postgres") + ["-c", "CREATE DATABASE " + db], check=True,
                           capture_output=True)
        self.url = "postgresql://e911@127.0.0.1:%d/audit" % self.port
        self.notifier_url = "postgresql://e911@127.0.0.1:%d/notifier" % self.port

    def start(self):
        self.p = subprocess.Popen(self.as_postgres + [self.bin + "/postgres", "-D", self.data, "-k", self.data,
                                                      "-h", "127.0.0.1", "-p", str(self.port), "-c", "fsync=off"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: subprocess.run([self.bin + "/pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port),
                                           "-U", "e911", "-d", "postgres", "-t", "2"]).returncode == 0,
                   START_DEADLINE_S, "PostgreSQL accepting connections")

    def stop(self):
        if self.p and self.p.poll() is None:
            subprocess.run(self.as_postgres + [self.bin + "/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"],
                           capture_output=True, timeout=120)
            try:
                self.p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()

    def psql_argv(self, db):
        return ["psql", "-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-p", str(self.port), "-U", "e911", "-d", db]

    def query(self, sql):
        r = subprocess.run(self.psql_argv("audit") + ["-c", sql], capture_output=True, timeout=60)
        return r.stdout.decode() if r.returncode == 0 else None


class Brokers:
    """`e911 broker --brokers 3 --control`: the embedded Kafka cluster, and
    its control pipe (cli/broker_control.h): one command a line on its
    standard input, one answer a line on its standard output."""

    def __init__(self, e911, work):
        self.proc = Process("broker", [e911, "broker", "--brokers", str(BROKERS), "--control"], work,
                            stdout=True, stdin=True)
        self.bootstrap = self.proc.first_line("bootstrap.servers=")

    def command(self, line):
        """Its answer; a refusal ("error: ...") is a mistake of the harness,
        and an exit or silence a failure of the broker: said as such."""
        if not self.proc.running():
            raise TrialFailed("e911 broker exited (%s):\n%s" % (self.proc.p.returncode, self.proc.log_tail()))
        self.proc.p.stdin.write((line + "\n").encode())
        self.proc.p.stdin.flush()
        if not select.select([self.proc.p.stdout], [], [], CONTROL_DEADLINE_S)[0]:
            raise TrialFailed("e911 broker did not answer %r within %d s" % (line, CONTROL_DEADLINE_S))
        answer = self.proc.p.stdout.readline().decode().strip()
        if not answer.startswith("ok"):
            raise TrialFailed("e911 broker answered %r to %r" % (answer, line))
        log("broker: %s: %s" % (line, answer[:300]))
        return answer

    def stop(self):
        self.proc.stop()


class Relay:
    """aiosmtpd, stopped and started again on the same port; each start
    keeps its mail in a folder of its own (the server numbers files from 1).
    Slow (each message saved, its end of data answered SMTP_SLOW_S late)
    while its slow file exists: made slow and fast again without a stop."""

    def __init__(self, work, server=SMTP_SERVER):
        self.work = work
        self.server = server
        self.port = free_port()
        self.slow_file = os.path.join(work, "relay-slow")
        self.starts = 0
        self.proc = None
        self.start()

    def start(self, refuse=False):
        # Overlapping relay faults heal in any order: a start replaces the
        # running relay rather than leave it holding the port (seed 4058:
        # a refusing relay outlived its trial, and the next could not listen).
        self.stop()
        self.starts += 1
        maildir = os.path.join(self.work, "mail", str(self.starts))
        os.makedirs(maildir)
        argv = [PEER_PYTHON, self.server, "--port", str(self.port), "--maildir", maildir,
                "--delay-data", str(SMTP_SLOW_S), "--delay-while", self.slow_file]
        if refuse:
            argv += ["--reject-rcpt", "451 4.3.0 try again later"]
        for _ in range(50):  # the port of the last run may still be in TIME_WAIT for a moment
            self.proc = Process("smtp", argv, self.work, stdout=True)
            line = self.proc.p.stdout.readline().decode().strip()
            if line.startswith("port="):
                return
            self.proc.kill()
            time.sleep(0.1)  # a retry of a bind, bounded by the loop
        raise TrialFailed("the relay could not listen on its port again")

    def stop(self):
        if self.proc:
            self.proc.stop()

    def slow(self, on):
        if on:
            open(self.slow_file, "w").close()
        elif os.path.exists(self.slow_file):
            os.unlink(self.slow_file)

    def messages(self):
        """(recipient, call id, arrival time) of every message accepted."""
        out = []
        root = os.path.join(self.work, "mail")
        for run in os.listdir(root):
            for name in os.listdir(os.path.join(root, run)):
                if not name.endswith(".json"):
                    continue
                path = os.path.join(root, run, name)
                try:
                    with open(path) as f:
                        m = json.load(f)
                except (OSError, ValueError):
                    continue
                call = (m["message"]["headers"].get("x-e911-call-id") or [""])[0]
                for rcpt in m["rcpt_tos"]:
                    out.append((rcpt, call, os.stat(path).st_mtime))
        return out


class Gateway:
    """Kannel with fakesmsc (tests/notifier/peers/kannel.py), stopped and
    started again on the same sendsms port (the notifiers' configuration
    names it); each start records what fakesmsc received in a file of its
    own. A stop is the gateway's own: smsbox first, then bearerbox sending
    what it queues (kannel.py)."""

    USER, PASSWORD = "e911", "campaign-sms"

    def __init__(self, work):
        self.work = work
        self.port = listening_port()
        self.starts = 0
        self.proc = None
        self.error = None  # a start in the background that failed
        self.starting = None
        self.start()

    def start(self):
        self.starts += 1
        received = os.path.join(self.work, "sms", "%d.jsonl" % self.starts)
        os.makedirs(os.path.dirname(received), exist_ok=True)
        argv = [PEER_PYTHON, KANNEL, "--workdir", os.path.join(self.work, "kannel", str(self.starts)),
                "--received", received, "--port", str(self.port), "--username", self.USER,
                "--password", self.PASSWORD]
        self.proc = Process("kannel-%d" % self.starts, argv, self.work, stdout=True)
        # kannel.py prints the port once the gateway takes messages, or exits
        # (after up to three attempts of 25 s).
        line = self.proc.p.stdout.readline().decode().strip()
        if line != "port=%d" % self.port:
            raise TrialFailed("the SMS gateway did not start: %r\n%s" % (line, self.proc.log_tail()))

    def start_in_background(self):
        """Started again without holding the load (Kannel takes seconds)."""
        def run():
            try:
                self.start()
            except TrialFailed as e:
                self.error = str(e)
        self.starting = threading.Thread(target=run, daemon=True)
        self.starting.start()

    def stop(self):
        if self.starting:
            self.starting.join()
            self.starting = None
        if self.proc:
            self.proc.stop()
            self.proc = None

    def check(self):
        """A peer that failed is the harness's trouble, not the product's:
        said as such."""
        if self.error:
            raise TrialFailed(self.error)
        proc = self.proc
        if proc and not (self.starting and self.starting.is_alive()) and not proc.running():
            raise TrialFailed("the SMS gateway (kannel.py) exited on its own:\n" + proc.log_tail())

    def messages(self):
        """(number, call id, arrival time) of every SMS fakesmsc received."""
        out = []
        root = os.path.join(self.work, "sms")
        for name in os.listdir(root):
            if not name.endswith(".jsonl"):
                continue
            with open(os.path.join(root, name)) as f:  # replaced whole by kannel.py: never half a line
                for line in f:
                    m = json.loads(line)
                    data = bytes.fromhex(m["data_hex"])
                    text = data.decode("utf-16-be" if m["kind"] == "ucs-2" else "utf-8", errors="replace")
                    call = CALL_ID_IN_TEXT.search(text)
                    out.append((m["to"], call.group(0) if call else "", m.get("received_at", 0)))
        return out


class Trial:
    def __init__(self, e911, seed, seconds, work, setup=None):
        self.e911, self.seed, self.seconds, self.work = e911, seed, seconds, work
        self.setup = setup or Setup()
        self.rng = random.Random(seed)
        self.procs = {}
        self.expected_dead = set()  # (name, start number) the harness killed
        self.calls = {}  # call id -> (site, time accepted)
        self.faults = []  # (at, kind, target, seconds)
        self.notifier_kills = 0
        self.notifier_freezes = 0
        self.relay_stops = 0
        self.gateway_stops = 0
        self.registry_broken = False
        self.waiting_for_registry = []  # refused to start on the invalid registry
        self.disks = []  # state folders on a tmpfs of their own
        self.disk_refused = None  # why they are not (disk-full is then skipped)
        self.full_disks = set()

    # ---- set-up ----

    def start(self):
        self.relay = Relay(self.work, self.setup.smtp_server)
        self.gateway = Gateway(self.work)
        self.pg = Postgres(self.work)
        self.proxy = PgProxy(self.pg.port)
        self.broker = Brokers(self.e911, self.work)
        self.bootstrap = self.broker.bootstrap
        self.registry = os.path.join(self.work, "registry.yaml")
        with open(self.registry, "w") as f:
            f.write(self.setup.registry)
        token = hashlib.sha256(os.urandom(32)).hexdigest()
        self.token = token
        tokens = os.path.join(self.work, "ingest-tokens")
        with open(tokens, "w") as f:
            f.write("campaign %s\n" % hashlib.sha256(token.encode()).hexdigest())
        signing = os.path.join(self.work, "signing.secret")
        with open(signing, "w") as f:
            f.write(os.urandom(32).hex())
        self.ingest_port = free_port()
        self.config = os.path.join(self.work, "e911.yaml")
        with open(self.config, "w") as f:
            f.write("""kafka:
  bootstrap.servers: "%(bootstrap)s"
  fetch.wait.max.ms: "5"
metrics: {port: 0}
ingest:
  registry: %(registry)s
  sip: {udp: ""}
  http: {enabled: true, port: %(port)d, tokens_file: %(tokens)s, rate_limit: {per_second: 0}}
locator: {registry: %(registry)s}
notifier:
  registry: %(registry)s
  store: %(notifier_store)s
  store_lease: {ttl_ms: 6000}
  workers_per_channel: %(workers)d
  retry: {initial_delay_ms: 200, max_delay_ms: 2000, deadline_s: 3600}
  timeouts: {connect_ms: 2000, io_ms: 5000}
  email: {transport: smtp}
  smtp: {host: 127.0.0.1, port: %(smtp)d, tls: none, from: "E911 Alerts <e911@example.com>"}
  sms: {transport: kannel}
  kannel: {url: "http://127.0.0.1:%(kannel)d/cgi-bin/sendsms", username: %(kannel_user)s, password: %(kannel_password)s,
           from: "911"}
auditor:
  store: %(pg)s
  signing: {key_id: campaign, secret: {file: %(signing)s}}
""" % {"bootstrap": self.bootstrap, "registry": self.registry, "port": self.ingest_port, "tokens": tokens,
                "workers": WORKERS_PER_CHANNEL, "smtp": self.relay.port, "kannel": self.gateway.port,
                "kannel_user": Gateway.USER, "kannel_password": Gateway.PASSWORD,
                # Through the proxy: the components' network to the database.
                "pg": self.pg.url.replace(":%d/" % self.pg.port, ":%d/" % self.proxy.port),
                "notifier_store": self.pg.notifier_url.replace(":%d/" % self.pg.port, ":%d/" % self.proxy.port),
                "signing": signing})
        for component, n in COMPONENTS.items():
            for i in range(1, n + 1):
                name = "%s-%d" % (component, i)
                state = os.path.join(self.work, "state", name)
                os.makedirs(state)
                if component == "notifier":
                    self.mount_disk(state)
                self.procs[name] = Process(name, [self.e911, component, "--config", self.config], self.work,
                                           env={"E911_INSTANCE_ID": "campaign-" + name, "E911_STATE_DIR": state})
        wait_until(self.ingest_ready, START_DEADLINE_S, "ingest answering")

    def mount_disk(self, state):
        """The notifier's state folder on a small tmpfs of its own, for
        disk-full; where mounting is not permitted, it stays a folder and
        disk-full is skipped (the reason logged)."""
        if self.disk_refused:
            return
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0755" % STATE_DISK, "tmpfs", state],
                           capture_output=True)
        if r.returncode != 0:
            self.disk_refused = "mount -t tmpfs: %s" % (r.stderr.decode(errors="replace").strip() or r.returncode)
            log("state folders are not on tmpfs, disk-full is skipped: " + self.disk_refused)
            return
        self.disks.append(state)

    def clear_state(self, name):
        """The node is gone with its disk: the folder emptied (a mount point
        stays). A disk filled by disk-full stays full: the fault is on the
        disk, which the instance starts again on."""
        state = os.path.join(self.work, "state", name)
        for entry in os.listdir(state):
            if name in self.full_disks and entry == "filler":
                continue
            path = os.path.join(state, entry)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)

    def fill_disk(self, name):
        """Writes until the disk says it is full (ENOSPC)."""
        path = os.path.join(self.work, "state", name, "filler")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            size = 1 << 20
            while size >= 4096:  # the last pages in smaller writes
                try:
                    os.write(fd, b"\0" * size)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    size //= 4
        finally:
            os.close(fd)

    def ingest_ready(self):
        self.check_alive()
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/" % self.ingest_port, timeout=2)
            return True
        except urllib.error.HTTPError:
            return True  # it answers
        except (urllib.error.URLError, OSError):
            return False

    def check_alive(self):
        self.gateway.check()
        for name, p in self.procs.items():
            if not p.running() and (name, p.starts) not in self.expected_dead:
                if self.registry_broken and p.p.returncode > 0 and p.refused_registry(self.registry):
                    # Started while the registry file does not load: it refuses
                    # to start (fail fast on bad configuration), and its
                    # supervisor starts it again once the file is fixed.
                    self.expected_dead.add((name, p.starts))
                    self.waiting_for_registry.append(name)
                    continue
                raise TrialFailed("%s exited (%s) on its own:\n%s" % (name, p.p.returncode, p.log_tail()))

    # ---- load ----

    def post(self, events):
        body = "".join(json.dumps(e) + "\n" for e in events).encode()
        req = urllib.request.Request("http://127.0.0.1:%d/v1/call-events" % self.ingest_port, data=body,
                                     headers={"Content-Type": "application/x-ndjson",
                                              "Authorization": "Bearer " + self.token})
        try:
            with urllib.request.urlopen(req, timeout=15) as r:
                return r.status == 202
        except urllib.error.HTTPError as e:
            if e.code == 400:
                raise TrialFailed("the ingest refused a valid batch: %s" % e.read()[:500])
            return False
        except (urllib.error.URLError, OSError):
            return False

    def event(self, call_id, n, dialed, ip, user):
        return {"schema": "e911.call-event/v1", "event_id": "%s-e%d" % (call_id, n), "call_id": call_id,
                "type": "call.initiated", "occurred_at": rfc3339_ms(time.time()), "dialed": dialed,
                "caller": {"user_id": user, "extension": user[2:], "name": call_id},
                "device": {"id": "d-" + user, "kind": "softphone", "ip": ip}}

    def batch(self, k):
        events, emergency = [], []
        for j in range(10):
            site = self.rng.choice(self.setup.sites)
            ip = "%s.%d.%d" % (site["net"], self.rng.randint(1, 9), self.rng.randint(2, 250))
            user = "u-%d" % self.rng.randint(1000, 9999)
            call_id = "t%d-%d-%d" % (self.seed, k, j)
            if j == 0 and k % 2 == 0:  # one emergency call in twenty events (5 %)
                events.append(self.event(call_id, 0, site["dial"], ip, user))
                emergency.append((call_id, site))
            else:
                events.append(self.event(call_id, 0, str(self.rng.randint(2000, 2999)), ip, user))
        return events, emergency

    # ---- faults ----

    def schedule(self):
        """(start offset s, kind, target, duration s), from the seed. Faults
        overlap (several at once), but never two on one thing: a process,
        the relay, PostgreSQL, the registry file."""
        out = []
        busy = {}  # thing -> until
        notifiers = sorted(n for n in self.procs if n.startswith("notifier"))
        things = {"smtp-down": "relay", "smtp-4xx": "relay", "smtp-slow": "relay", "kannel-down": "gateway",
                  "postgres-restart": "postgres", "postgres-unreachable": "postgres"}
        t = self.rng.uniform(2, 5)
        while t < self.seconds - 8:
            for _ in range(5):
                kind = self.rng.choice(FAULTS)
                target = self.rng.choice(sorted(self.procs)) if kind in ("kill", "freeze") else \
                    self.rng.choice(notifiers) if kind == "disk-full" else self.kafka_fault(kind)
                # A broker fault's thing is the fault: one broker down at a time.
                thing = "disk " + target if kind == "disk-full" else \
                    kind if kind in BROKER_FAULTS else target or things.get(kind, kind)
                if busy.get(thing, 0) <= t:
                    break
            else:
                t += 1
                continue
            duration = {"kill": self.rng.uniform(0.5, 5), "freeze": self.rng.uniform(2, 15),
                        "postgres-unreachable": self.rng.uniform(25, 35), "broker-down": self.rng.uniform(25, 35),
                        "leader-move": self.rng.uniform(1, 3), "kafka-errors": self.rng.uniform(1, 3)}.get(
                kind, self.rng.uniform(5, 20))
            out.append((t, kind, target, duration))
            busy[thing] = t + duration
            t += self.rng.uniform(2, 8)
        return out

    def kafka_fault(self, kind):
        """The target of a Kafka fault, drawn from the seed: the broker, the
        shuffle's seed, or the API and its errors (a control command's
        arguments); None for the other faults."""
        if kind == "broker-down":
            return "broker-%d" % self.rng.randint(1, BROKERS)
        if kind == "leader-move":
            return str(self.rng.randrange(1 << 32))
        if kind == "kafka-errors":
            api = self.rng.choice(sorted(KAFKA_ERRORS))
            burst = [self.rng.choice(KAFKA_ERRORS[api]) for _ in range(self.rng.randint(1, 8))]
            return "%s %s" % (api, ",".join(burst))
        return None

    def inject(self, kind, target):
        if kind == "kill":
            p = self.procs[target]
            self.expected_dead.add((target, p.starts))
            p.kill()
            # The node is gone with its disk: the instance comes back on a
            # new one (the notifiers' state is in the shared store).
            self.clear_state(target)
            if target.startswith("notifier"):
                self.notifier_kills += 1
        elif kind == "freeze":
            os.kill(self.procs[target].p.pid, signal.SIGSTOP)
            if target.startswith("notifier"):
                self.notifier_freezes += 1
        elif kind == "smtp-down":
            self.relay_stops += 1
            self.relay.stop()
        elif kind == "smtp-4xx":
            self.relay_stops += 1
            self.relay.stop()
            self.relay.start(refuse=True)
        elif kind == "smtp-slow":
            self.relay.slow(True)
        elif kind == "kannel-down":
            self.gateway_stops += 1
            self.gateway.stop()
        elif kind == "postgres-restart":
            self.pg.stop()
        elif kind == "postgres-unreachable":
            self.proxy.black_hole()
        elif kind == "disk-full":
            state = os.path.join(self.work, "state", target)
            if state not in self.disks:
                log("disk-full on %s skipped: %s" % (target, self.disk_refused or "not a disk of its own"))
                return "skipped: " + (self.disk_refused or "not a disk of its own")
            self.full_disks.add(target)
            self.fill_disk(target)
        elif kind == "registry-invalid":
            self.registry_broken = True
            with open(self.registry + ".tmp", "w") as f:
                f.write("version: 1\nsites: [this is not a registry\n")
            os.rename(self.registry + ".tmp", self.registry)
        elif kind == "broker-down":
            self.broker.command("down " + target.split("-")[1])
        elif kind == "leader-move":
            self.broker.command("shuffle-leaders " + target)
        elif kind == "kafka-errors":
            self.broker.command("errors " + target)

    def heal(self, kind, target):
        if kind == "kill":
            self.procs[target].start()
        elif kind == "freeze":
            os.kill(self.procs[target].p.pid, signal.SIGCONT)
        elif kind == "smtp-down":
            self.relay.start()
        elif kind == "smtp-4xx":
            self.relay.stop()
            self.relay.start()
        elif kind == "smtp-slow":
            self.relay.slow(False)
        elif kind == "kannel-down":
            self.gateway.start_in_background()
        elif kind == "postgres-restart":
            self.pg.start()
        elif kind == "postgres-unreachable":
            self.proxy.heal()
        elif kind == "disk-full":
            if target in self.full_disks:
                self.full_disks.discard(target)
                os.unlink(os.path.join(self.work, "state", target, "filler"))
        elif kind == "registry-invalid":
            with open(self.registry + ".tmp", "w") as f:
                f.write(self.setup.registry)
            os.rename(self.registry + ".tmp", self.registry)
            self.registry_broken = False
            for name in self.waiting_for_registry:
                self.procs[name].start()
            self.waiting_for_registry = []
        elif kind == "broker-down":
            self.broker.command("up " + target.split("-")[1])

    # ---- the trial ----

    def warm_up(self):
        """One emergency call alerted and journaled before the clock starts:
        every consumer has its partitions, so the trial measures faults,
        not start-up."""
        site = self.setup.sites[0]
        call_id = "t%d-warm-up" % self.seed
        wait_until(lambda: self.post([self.event(call_id, 0, site["dial"], site["net"] + ".1.10", "u-1000")]),
                   START_DEADLINE_S, "the ingest accepting the first call")
        self.calls[call_id] = (site, time.time())
        wants_sms = any(channel == "sms" for channel, _ in site["recipients"])  # not in the soak's e-mail only
        wait_until(lambda: self.check_alive() or call_id in {c for _, c, _ in self.relay.messages()} and
                   (not wants_sms or call_id in {c for _, c, _ in self.gateway.messages()}),
                   START_DEADLINE_S, "the first call's alerts (e-mail and SMS)")
        wait_until(lambda: (self.pg.query("SELECT count(*) FROM audit_entries WHERE call_id = '%s'" % call_id)
                            or "0").strip() not in ("", "0"), START_DEADLINE_S, "the first call journaled")

    def run(self):
        self.start()
        self.warm_up()
        plan = self.schedule()
        began = time.monotonic()
        active = []  # (heal at, kind, target)
        k = 0
        pending = None  # a batch not yet accepted: sent again
        while time.monotonic() - began < self.seconds:
            now = time.monotonic() - began
            while plan and plan[0][0] <= now:
                at, kind, target, duration = plan.pop(0)
                self.faults.append({"at_s": round(at, 1), "fault": kind, "target": target,
                                    "seconds": round(duration, 1), "_from": time.time(),
                                    "_to": time.time() + duration})
                skipped = self.inject(kind, target)
                if skipped:
                    self.faults[-1]["skipped"] = skipped
                active.append((time.monotonic() + duration, kind, target))
            for item in [a for a in active if a[0] <= time.monotonic()]:
                self.heal(item[1], item[2])
                active.remove(item)
            self.check_alive()
            if pending is None:
                pending = self.batch(k)
                k += 1
            if self.post(pending[0]):
                accepted = time.time()
                for call_id, site in pending[1]:
                    self.calls[call_id] = (site, accepted)
                pending = None
            time.sleep(0.1)  # the load's pace: ten events per tenth of a second at most
        for item in active:
            self.heal(item[1], item[2])
        while pending is not None:  # the last batch, once the ingest is back
            if self.post(pending[0]):
                for call_id, site in pending[1]:
                    self.calls[call_id] = (site, time.time())
                pending = None
            else:
                self.check_alive()
                time.sleep(0.5)  # a PBX's retry, bounded by the settle deadline below
        return self.settle()

    def alerts(self):
        """(channel, address, call id) -> arrival times, of every alert the
        servers accepted: the relay's mail, fakesmsc's SMS."""
        got = {}
        for rcpt, call, at in self.relay.messages():
            got.setdefault(("email", rcpt, call), []).append(at)
        for number, call, at in self.gateway.messages():
            got.setdefault(("sms", number, call), []).append(at)
        return got

    def settle(self):
        expected = {(channel, address, call_id) for call_id, (site, _) in self.calls.items()
                    for channel, address in site["recipients"]}
        got = {}

        def alerted():
            got.clear()
            got.update(self.alerts())
            self.check_alive()
            return expected <= set(got)

        def journaled():
            rows = self.pg.query("SELECT call_id, count(*) FROM audit_entries WHERE kind = 'call.recorded' "
                                 "GROUP BY call_id")
            if rows is None:
                return False
            self.journal = dict((line.split("|")[0], int(line.split("|")[1])) for line in rows.split())
            return set(self.calls) <= set(self.journal)

        try:
            wait_until(alerted, self.setup.settle_deadline_s, "alert for every emergency call")
            wait_until(journaled, self.setup.settle_deadline_s, "journal entry for every emergency call")
        except TrialFailed as e:
            missing = sorted(expected - set(got))[:10]
            raise TrialFailed("%s; missing alerts (first 10): %s" % (e, missing))
        duplicates = {c: sum(len(v) - 1 for k, v in got.items() if k in expected and k[0] == c) for c in CHANNELS}
        # docs/reliability.md, per channel (each has its own workers): per
        # notifier instance killed or frozen, at most one attempt per worker
        # accepted by the server and not yet recorded; per stop of the
        # channel's server (the relay, the gateway), the message it had
        # taken but could not acknowledge, at most one per worker of every
        # instance.
        instances = COMPONENTS["notifier"]
        lost = self.notifier_kills + self.notifier_freezes
        bound = {"email": WORKERS_PER_CHANNEL * (lost + instances * self.relay_stops),
                 "sms": WORKERS_PER_CHANNEL * (lost + instances * self.gateway_stops)}
        over = ["%d %s, over the bound %d" % (duplicates[c], c, bound[c]) for c in CHANNELS if duplicates[c] > bound[c]]
        if over:
            raise TrialFailed("duplicate alerts: " + "; ".join(over))
        twice = {c: n for c, n in self.journal.items() if c in self.calls and n != 1}
        if twice:
            raise TrialFailed("calls journaled more than once: %s" % list(twice.items())[:10])
        verify = subprocess.run([self.e911, "audit", "verify", "--config", self.config, "--json"],
                                capture_output=True, timeout=300)
        if verify.returncode != 0:
            raise TrialFailed("e911 audit verify: %s %s" % (verify.stdout[-2000:], verify.stderr[-2000:]))
        dead = subprocess.run(["kcat", "-b", self.bootstrap, "-X", "fetch.wait.max.ms=5", "-C", "-t",
                               "e911.dead-letter", "-e", "-q", "-f", "%s\n"], capture_output=True, timeout=60)
        if dead.returncode != 0:
            raise TrialFailed("kcat: %s" % dead.stderr.decode(errors="replace"))
        if dead.stdout.strip():
            raise TrialFailed("valid events were dead-lettered: %s" % dead.stdout.decode(errors="replace")[:2000])
        self.check_alive()
        first = {c: min(min(got[(channel, address, c)]) for channel, address in site["recipients"]) - accepted
                 for c, (site, accepted) in self.calls.items() if not c.endswith("warm-up")}
        median = statistics.median(first.values()) if first else 0
        # The faults in force while the slowest call waited: what the blackout is owed to.
        worst = max(first, key=first.get) if first else None
        during = []
        if worst:
            since = self.calls[worst][1]
            until = since + first[worst]
            during = sorted({f["fault"] + (" " + f["target"] if f["target"] else "") for f in self.faults
                             if f["_from"] < until and f["_to"] > since and not f.get("skipped")})
        for f in self.faults:
            del f["_from"], f["_to"]
        return {"seed": self.seed, "faults": self.faults, "calls": len(self.calls),
                "notifier_kills": self.notifier_kills, "notifier_freezes": self.notifier_freezes,
                "gateway_stops": self.gateway_stops, "relay_stops": self.relay_stops,
                "alerts_expected": len(expected), "alerts_delivered": len(expected & set(got)),
                "alerts_duplicated": sum(duplicates.values()), "duplicates": duplicates, "duplicate_bound": bound,
                "journal_expected": len(self.calls),
                "journal_written": sum(n for c, n in self.journal.items() if c in self.calls),
                "first_alert_median_s": round(median, 2),
                "blackout_s": round(max(first.values()) - median, 2) if first else 0, "blackout_during": during,
                "result": "pass"}

    def stop(self):
        for p in self.procs.values():
            p.stop()
        for thing in (getattr(self, "broker", None), getattr(self, "relay", None), getattr(self, "gateway", None),
                      getattr(self, "proxy", None), getattr(self, "pg", None)):
            if thing:
                thing.stop()
        for disk in self.disks:
            if subprocess.run(["umount", disk], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", disk], capture_output=True)


def fault_target(f):
    """What a fault hit, as the docs' tables name it: kafka-errors as
    "API ×N" (the errors themselves are in the trial's JSON line)."""
    if not f["target"]:
        return ""
    if f["fault"] == "kafka-errors":
        api, _, errors = f["target"].partition(" ")
        return " %s ×%d" % (api, len(errors.split(",")))
    return " " + f["target"]


def fault_named(during):
    """A blackout_during entry ("kind target") named as fault_target names it."""
    kind, _, target = during.partition(" ")
    return kind + fault_target({"fault": kind, "target": target or None})


def markdown_row(r):
    faults = ", ".join("%s%s %ss%s" % (f["fault"], fault_target(f), f["seconds"], " (skipped)" if f.get("skipped") else "")
                       for f in r["faults"]) or "none"
    return "| %d | %s | %d | %d / %d / %d | %d / %d | %s s (%s) | %s |" % (
        r["seed"], faults, r["calls"], r["alerts_expected"], r["alerts_delivered"], r["alerts_duplicated"],
        r["journal_expected"], r["journal_written"], r["blackout_s"],
        ", ".join(fault_named(d) for d in r["blackout_during"]) or "no fault",
        r["result"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("e911")
    ap.add_argument("--seeds", help="comma-separated seeds (CI)")
    ap.add_argument("--trials", type=int, default=0, help="this many trials from --first-seed (long mode)")
    ap.add_argument("--first-seed", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=40, help="load and faults per trial")
    ap.add_argument("--results", help="append each trial's JSON line here")
    ap.add_argument("--keep", action="store_true", help="keep the folder of a trial that passed too")
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")] if args.seeds else \
        list(range(args.first_seed, args.first_seed + args.trials))
    if not seeds:
        ap.error("--seeds or --trials")
    failed = 0
    for seed in seeds:
        work = tempfile.mkdtemp(prefix="e911-campaign-%d-" % seed)
        trial = Trial(os.path.abspath(args.e911), seed, args.seconds, work)
        try:
            result = trial.run()
        except TrialFailed as e:
            faults = [{k: v for k, v in f.items() if not k.startswith("_")} for f in trial.faults]
            result = {"seed": seed, "faults": faults, "result": "FAIL", "reason": str(e)[:4000],
                      "folder": work}
            failed += 1
        finally:
            trial.stop()
        print(json.dumps(result), flush=True)
        if result["result"] == "pass":
            print(markdown_row(result), flush=True)
            if args.keep:
                log("seed %d passed; its folder: %s" % (seed, work))
            else:
                shutil.rmtree(work, ignore_errors=True)
        else:
            log("seed %d broke an invariant: %s (logs in %s)" % (seed, result["reason"][:2000], work))
        if args.results:
            with open(args.results, "a") as f:
                f.write(json.dumps(result) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
