#!/usr/bin/env python3
"""The soak (docs/reliability.md, "Soak"): the whole pipeline of the fault
campaign (campaign.py's Trial: 3-broker embedded Kafka, PostgreSQL, an SMTP
relay, ingest, 2 locators, 3 notifiers on a shared store, 2 auditors), no
faults, a steady load for a long time, and every process's resident
memory, open file descriptors and threads sampled at a fixed interval.

The relay is smtp_sink.py, which reads only what the checks need
(--relay aiosmtpd: the campaign's peer, which parses every message and
falls behind at the soak's 100 e-mails a second on two cores).

The load: --rate call events a second (default 1,000), 5 % of them
emergency calls (911 or 999 from a site's network), posted to the ingest
in batches of --batch events (default 100) on a fixed schedule (batch k is
due at k * batch / rate seconds) by a few sender threads. A refused post
is sent again, as a PBX does; a batch the senders could not start on time
is sent late, and what the schedule still held when the time was up is
not sent at all: the rate reported is the rate the ingest accepted.

Each sample (every --sample-s seconds) records, per process (broker,
ingest, each locator, notifier and auditor, PostgreSQL's postmaster and
its backends summed, the relay): VmRSS and RssAnon (/proc/PID/status),
open file descriptors (/proc/PID/fd), threads (Threads:; for PostgreSQL
the processes are counted too) and CPU time; and end to end: events
accepted, emergency calls accepted, alerted (an e-mail to every recipient)
and journaled (call.recorded) so far, the notifiers' pending alerts and
the consumers' lag (from each process's /metrics), how far the senders are
behind their schedule, and the ingest's answer times.

At the end: the load stops, the pipeline is drained (every emergency call
alerted and journaled, against --drain-s), the campaign's invariants are
checked (Trial.settle: every recipient alerted, no duplicate, journaled
once, `e911 audit verify`, nothing dead-lettered, no process exited), and
each process's figures are judged flat or not: the median of the last
third of the samples against the median of the middle third (the first
third is the warm-up). Flat: RSS grows less than 10 % and less than
20 MB, file descriptors by at most 2 (or 5 %), threads by at most 2.
PostgreSQL is judged on its summed RssAnon (every backend's VmRSS counts
the shared buffers it has touched), its client backends' file
descriptors (the checkpointer and background writer keep open the
relation files they write, up to max_files_per_process each) and its
number of processes, its autovacuum workers apart (they come and go);
its whole figures are recorded too.

Usage:
  soak.py E911 --minutes 60 --rate 1000 --results soak.json --markdown soak.md
Exit status 1 when an invariant broke, the drain did not finish or a
figure is not flat; the trial's folder is kept and named when something
broke.
"""

import argparse
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import campaign  # noqa: E402  (the pipeline, the load's events, the invariants)

SINK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "smtp_sink.py")
EMERGENCY_EVERY = 20  # one event in twenty (5 %) is an emergency call
RSS_GROWTH_RATIO = 0.10
RSS_GROWTH_MB = 20
FD_GROWTH = 2
FD_GROWTH_RATIO = 0.05
THREAD_GROWTH = 2
# A client backend's process title: "postgres: USER DATABASE HOST(PORT) STATE".
CLIENT_BACKEND = re.compile(r" \d+\.\d+\.\d+\.\d+\(\d+\)")
METRICS_LINE = re.compile(r'serving /metrics.*?"port":\s*"?(\d+)')


def log(message):
    print("soak: " + message, file=sys.stderr, flush=True)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


# ---- /proc ----

def proc_figures(pid):
    """VmRSS and RssAnon in kB, threads, open file descriptors and CPU
    seconds of one process, or None once it is gone."""
    try:
        status = {}
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                key, _, value = line.partition(":")
                status[key] = value.strip()
        fds = len(os.listdir("/proc/%d/fd" % pid))
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return {"rss_kb": int(status.get("VmRSS", "0 kB").split()[0]),
                "anon_kb": int(status.get("RssAnon", "0 kB").split()[0]),
                "threads": int(status.get("Threads", "0")), "fds": fds,
                "cpu_s": (int(fields[11]) + int(fields[12])) / ticks, "procs": 1}
    except (OSError, ValueError, IndexError):
        return None


def children(ppid):
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) == ppid:
                    out.append(int(name))
        except (OSError, ValueError, IndexError):
            continue
    return out


def process_title(pid):
    try:
        with open("/proc/%d/cmdline" % pid) as f:
            return f.read().replace("\0", " ").strip()
    except OSError:
        return ""


def summed(pids):
    total = None
    for pid in pids:
        fig = proc_figures(pid)
        if fig is None:
            continue
        if total is None:
            total = fig
        else:
            for k in total:
                total[k] += fig[k]
    return total


# ---- the relay's mail, read as it arrives ----

def emails_of(site):
    """The e-mail addresses a site's calls alert."""
    return {address for channel, address in site["recipients"] if channel == "email"}


def soak_setup(relay):
    """The campaign's registry and sites without their SMS numbers: the
    soak alerts by e-mail alone. The campaign's SMS gateway (Kannel's
    bearerbox and smsbox, fakesmsc) does not carry 100 messages a second
    beside the pipeline on two cores: a 2-minute run with SMS had the
    notifiers' backlog grow from the first minute. `relay`: "sink" for
    smtp_sink.py (started as the campaign starts its peer, same arguments
    and first line), "aiosmtpd" for the campaign's. The drain is waited
    for by the soak; the settle after it finds everything delivered."""
    default = campaign.Setup()
    return campaign.Setup(
        registry=re.sub(r', sms: "[^"]*"', "", default.registry),
        sites=[dict(s, recipients=[r for r in s["recipients"] if r[0] == "email"]) for s in default.sites],
        smtp_server=SINK if relay == "sink" else default.smtp_server,
        settle_deadline_s=max(default.settle_deadline_s, 300))


class Inbox:
    """The relay's messages, each file read once: which recipients each
    call reached, and how many e-mails came twice."""

    def __init__(self, relay):
        self.root = os.path.join(relay.work, "mail")
        self.seen = set()
        self.reached = {}  # call id -> recipients
        self.duplicates = 0

    def update(self):
        for run in os.listdir(self.root):
            folder = os.path.join(self.root, run)
            for name in os.listdir(folder):
                key = (run, name)
                if not name.endswith(".json") or key in self.seen:
                    continue
                try:
                    with open(os.path.join(folder, name)) as f:
                        m = json.load(f)
                except (OSError, ValueError):
                    continue  # written under a temporary name and renamed: a later look reads it
                self.seen.add(key)
                call = (m["message"]["headers"].get("x-e911-call-id") or [""])[0]
                got = self.reached.setdefault(call, set())
                for rcpt in m["rcpt_tos"]:
                    if rcpt in got:
                        self.duplicates += 1
                    got.add(rcpt)

    def alerted(self, calls):
        """Calls whose every recipient has an e-mail."""
        return sum(1 for c, (site, _) in calls.items() if self.reached.get(c, set()) >= emails_of(site))

    def first_alerted(self, calls):
        """Calls with an e-mail to at least one recipient (the notifier sends
        each call's first alert before the other alerts of earlier calls)."""
        return sum(1 for c in calls if self.reached.get(c))


# ---- the load ----

class Load:
    """Sender threads posting batch k at its due time, t0 + k * batch / rate."""

    def __init__(self, trial, rate, batch, seconds, senders, seed):
        self.trial, self.rate, self.batch, self.seconds, self.seed = trial, rate, batch, seconds, seed
        self.lock = threading.Lock()
        self.next_k = 0
        self.events = 0
        self.refused = {}  # reason -> posts refused
        self.latencies = []  # seconds per accepted post, since the last sample
        self.late = []  # seconds behind schedule at each batch's first post, since the last sample
        self.error = None
        self.stopping = False
        self.t0 = None
        self.threads = [threading.Thread(target=self.sender, daemon=True) for _ in range(senders)]

    def start(self):
        self.t0 = time.monotonic()
        for t in self.threads:
            t.start()

    def due(self, k):
        return self.t0 + k * self.batch / self.rate

    def behind_s(self):
        """How far the next batch not yet started is behind its due time."""
        with self.lock:
            k = self.next_k
        if self.due(k) >= self.t0 + self.seconds:
            return 0.0  # every batch of the schedule started
        return max(0.0, time.monotonic() - self.due(k))

    def make(self, k):
        rng = random.Random(self.seed * 1_000_003 + k)
        events, emergency = [], []
        for j in range(self.batch):
            site = rng.choice(self.trial.setup.sites)
            ip = "%s.%d.%d" % (site["net"], rng.randint(1, 9), rng.randint(2, 250))
            user = "u-%d" % rng.randint(1000, 9999)
            call_id = "s%d-%d-%d" % (self.seed, k, j)
            if (k * self.batch + j) % EMERGENCY_EVERY == 0:
                events.append(self.trial.event(call_id, 0, site["dial"], ip, user))
                emergency.append((call_id, site))
            else:
                events.append(self.trial.event(call_id, 0, str(rng.randint(2000, 2999)), ip, user))
        return events, emergency

    def post(self, events):
        """None when the ingest accepted the batch (202), else why not."""
        body = "".join(json.dumps(e) + "\n" for e in events).encode()
        req = urllib.request.Request("http://127.0.0.1:%d/v1/call-events" % self.trial.ingest_port, data=body,
                                     headers={"Content-Type": "application/x-ndjson",
                                              "Authorization": "Bearer " + self.trial.token})
        try:
            with urllib.request.urlopen(req, timeout=15) as r:
                return None if r.status == 202 else "http %d" % r.status
        except urllib.error.HTTPError as e:
            if e.code == 400:
                raise campaign.TrialFailed("the ingest refused a valid batch: %s" % e.read()[:500])
            return "http %d" % e.code
        except (urllib.error.URLError, OSError) as e:
            return type(getattr(e, "reason", e)).__name__

    def sender(self):
        try:
            while True:
                with self.lock:
                    k = self.next_k
                    if self.stopping or self.due(k) >= self.t0 + self.seconds:
                        return
                    self.next_k += 1
                wait = self.due(k) - time.monotonic()
                if wait > 0:
                    time.sleep(wait)  # the schedule's pace
                late = time.monotonic() - self.due(k)
                events, emergency = self.make(k)
                refusals = 0
                while True:
                    began = time.monotonic()
                    why = self.post(events)
                    if why is None:
                        break
                    refusals += 1
                    with self.lock:
                        self.refused[why] = self.refused.get(why, 0) + 1
                    if refusals > 600:  # ten minutes of refusals: the ingest is not coming back
                        raise campaign.TrialFailed("the ingest refused one batch 600 times (last: %s)" % why)
                    time.sleep(1)  # a PBX's retry
                accepted = time.time()
                with self.lock:
                    self.events += len(events)
                    self.latencies.append(time.monotonic() - began)
                    self.late.append(late)
                    for call_id, site in emergency:
                        self.trial.calls[call_id] = (site, accepted)
        except Exception as e:  # noqa: BLE001  (reported by the main thread)
            self.error = e

    def take_interval(self):
        with self.lock:
            lat, late = self.latencies, self.late
            self.latencies, self.late = [], []
        return lat, late

    def join(self, deadline_s):
        end = time.monotonic() + deadline_s
        for t in self.threads:
            t.join(max(0.0, end - time.monotonic()))
        if any(t.is_alive() for t in self.threads):
            raise campaign.TrialFailed("the senders did not finish their last batches within %d s" % deadline_s)


def quantile(values, q):
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


# ---- the soak ----

class Soak:
    def __init__(self, e911, args, work):
        self.args = args
        self.trial = campaign.Trial(e911, args.seed, args.minutes * 60, work, soak_setup(args.relay))
        self.samples = []
        self.metric_ports = {}
        self.last_cpu = {}
        self.autovacuum = []  # PostgreSQL's autovacuum workers at the last sample

    def groups(self):
        """name -> pids whose figures are summed."""
        t = self.trial
        out = {"broker": [t.broker.proc.p.pid]}
        for name in sorted(t.procs, key=lambda n: (list(campaign.COMPONENTS).index(n.rsplit("-", 1)[0]), n)):
            out[name] = [t.procs[name].p.pid]
        try:
            with open(os.path.join(t.pg.data, "postmaster.pid")) as f:
                postmaster = int(f.readline())
            kids = children(postmaster)
        except (OSError, ValueError):
            postmaster, kids = None, []
        # Autovacuum workers come and go (one per table to vacuum, each with
        # up to maintenance_work_mem of its own): counted apart.
        vacuum = [pid for pid in kids if "autovacuum worker" in process_title(pid)]
        out["postgres"] = ([postmaster] if postmaster else []) + [pid for pid in kids if pid not in vacuum]
        self.autovacuum = vacuum
        out["relay"] = [t.relay.proc.p.pid]
        return out

    def metrics(self, name):
        """The process's /metrics, summed by metric name ({} if unreachable)."""
        p = self.trial.procs[name]
        key = (name, p.starts)
        if key not in self.metric_ports:
            try:
                with open(os.path.join(self.trial.work, "%s.%d.log" % key), errors="replace") as f:
                    m = METRICS_LINE.search(f.read())
            except OSError:
                m = None
            if not m:
                return {}
            self.metric_ports[key] = int(m.group(1))
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.metric_ports[key], timeout=5) as r:
                text = r.read().decode()
        except (urllib.error.URLError, OSError):
            return {}
        out = {}
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            name_labels, _, value = line.rpartition(" ")
            metric = name_labels.split("{", 1)[0]
            try:
                out[metric] = out.get(metric, 0.0) + float(value)
                # A few series by one label, e.g. e911_notifier_alerts_total{result="sent"}.
                for label in re.findall(r'(?:result|outcome)="[^"]*"', name_labels):
                    out[metric + "{" + label + "}"] = out.get(metric + "{" + label + "}", 0.0) + float(value)
            except ValueError:
                pass
        return out

    def postgres_roles(self, pids):
        """PostgreSQL's open file descriptors by process role (checkpointer,
        background writer, the backends of each user and database, ...),
        and those of the client backends together."""
        out, backends = {}, 0
        for pid in pids:
            title = process_title(pid)
            try:
                fds = len(os.listdir("/proc/%d/fd" % pid))
            except OSError:
                continue
            if "-D" in title.split():
                role = "postmaster"
            else:
                role = CLIENT_BACKEND.split(title.replace("postgres: ", "", 1))[0].strip()
            out[role] = out.get(role, 0) + fds
            if CLIENT_BACKEND.search(title):
                backends += fds
        return out, backends

    def journaled(self):
        rows = self.trial.pg.query("SELECT count(DISTINCT call_id) FROM audit_entries WHERE kind = 'call.recorded'")
        try:
            return int(rows.strip())
        except (AttributeError, ValueError):
            return None

    def sample(self, load, inbox, at_s, after_drain=False):
        now = time.monotonic()
        procs = {}
        groups = self.groups()
        for name, pids in groups.items():
            fig = summed(pids)
            if fig is None:
                procs[name] = None
                continue
            last = self.last_cpu.get(name)
            fig["cpu_pct"] = round(100 * (fig["cpu_s"] - last[1]) / (now - last[0]), 1) if last else None
            self.last_cpu[name] = (now, fig["cpu_s"])
            procs[name] = fig
        roles, backend_fds = self.postgres_roles(groups.get("postgres", []) + self.autovacuum)
        if procs.get("postgres"):
            procs["postgres"]["backend_fds"] = backend_fds
        harness = proc_figures(os.getpid())
        last = self.last_cpu.get("harness")
        harness_cpu = round(100 * (harness["cpu_s"] - last[1]) / (now - last[0]), 1) if last else None
        self.last_cpu["harness"] = (now, harness["cpu_s"])
        pending, lag, notifier = 0, {}, {}
        for name in self.trial.procs:
            m = self.metrics(name)
            component = name.rsplit("-", 1)[0]
            if component == "notifier":
                pending += int(m.get("e911_notifier_retry_queue_alerts", 0))
                for key in ('e911_notifier_alerts_total{result="sent"}', 'e911_notifier_alerts_total{result="retried"}',
                            'e911_notifier_alerts_total{result="failed"}',
                            "e911_notifier_alert_attempt_duration_seconds_sum",
                            "e911_notifier_alert_attempt_duration_seconds_count"):
                    notifier[key] = notifier.get(key, 0.0) + m.get(key, 0.0)
            if component in ("locator", "notifier", "auditor"):
                lagging = int(m.get("e911_%s_kafka_consumer_lag_messages" % component, 0))
                lag[component] = lag.get(component, 0) + lagging
        attempts = {r: int(notifier.get('e911_notifier_alerts_total{result="%s"}' % r, 0))
                    for r in ("sent", "retried", "failed")}
        before = self.samples[-1] if self.samples else None
        count = notifier.get("e911_notifier_alert_attempt_duration_seconds_count", 0.0)
        total = notifier.get("e911_notifier_alert_attempt_duration_seconds_sum", 0.0)
        attempt_ms = None
        if before and count > before["_attempt_count"]:
            attempt_ms = round(1000 * (total - before["_attempt_sum"]) / (count - before["_attempt_count"]), 1)
        # What the ingest accepted first, then how far the pipeline got with it.
        with load.lock:
            calls = dict(self.trial.calls)
            events = load.events
            refused = sum(load.refused.values())
        inbox.update()
        journaled = self.journaled()
        latencies, late = load.take_interval()
        previous = self.samples[-1] if self.samples else None
        s = {"t_s": round(at_s, 1), "events_accepted": events, "posts_refused": refused,
             "rate_eps": round((events - previous["events_accepted"]) / (at_s - previous["t_s"]), 1)
             if previous and at_s > previous["t_s"] and not after_drain else None,
             "behind_schedule_s": round(load.behind_s(), 2) if load.t0 else 0.0,
             "post_p50_ms": round(1000 * quantile(latencies, 0.5), 1) if latencies else None,
             "post_p99_ms": round(1000 * quantile(latencies, 0.99), 1) if latencies else None,
             "late_max_s": round(max(late), 2) if late else None,
             "emergency_accepted": len(calls), "first_alerted": inbox.first_alerted(calls),
             "alerted": inbox.alerted(calls), "journaled": journaled,
             "duplicate_emails": inbox.duplicates, "pending_alerts": pending, "consumer_lag": lag,
             "alert_attempts": attempts, "attempt_mean_ms": attempt_ms, "_attempt_count": count,
             "_attempt_sum": total, "harness_cpu_pct": harness_cpu,
             "postgres_fds_by_role": roles, "postgres_autovacuum": summed(self.autovacuum), "procs": procs}
        if after_drain:
            s["after_drain"] = True
        self.samples.append(s)
        log("t=%5.0fs %6.1f ev/s behind %5.1fs post p99 %s ms | emergency %d alerted %d/%d journaled %s pending %d "
            "(attempt %s ms) lag %s | RSS %.0f MB, %d fds, %d threads" % (
                at_s, s["rate_eps"] or 0, s["behind_schedule_s"], s["post_p99_ms"], s["emergency_accepted"],
                s["first_alerted"], s["alerted"], s["journaled"], pending, attempt_ms, lag, total_rss_kb(procs) / 1024,
                sum(p["fds"] for p in procs.values() if p), sum(p["threads"] for p in procs.values() if p)))
        return s

    def run(self):
        t, args = self.trial, self.args
        t.start()
        t.warm_up()
        inbox = Inbox(t.relay)
        load = Load(t, args.rate, args.batch, args.minutes * 60, args.senders, args.seed)
        self.sample(load, inbox, 0.0)  # before the load
        load.start()
        began = load.t0
        next_sample = began + args.sample_s
        while time.monotonic() < began + args.minutes * 60:
            time.sleep(min(1.0, max(0.0, next_sample - time.monotonic())))  # the sampling's pace
            if load.error:
                raise load.error
            t.check_alive()
            if time.monotonic() >= next_sample:
                self.sample(load, inbox, next_sample - began)
                next_sample += args.sample_s
        load.join(660)
        if load.error:
            raise load.error
        load_s = time.monotonic() - began
        # The drain: every emergency call accepted alerted and journaled.
        drain_began = time.monotonic()
        drained = False
        while time.monotonic() - drain_began < args.drain_s:
            t.check_alive()
            inbox.update()
            j = self.journaled()
            if inbox.alerted(t.calls) == len(t.calls) and j is not None and j >= len(t.calls):
                drained = True
                break
            time.sleep(2)  # polling the drain, bounded by --drain-s
        drain_s = time.monotonic() - drain_began
        self.sample(load, inbox, time.monotonic() - began, after_drain=True)
        summary = {"rate_target_eps": args.rate, "load_s": round(load_s, 1), "events_accepted": load.events,
                   "rate_achieved_eps": round(load.events / (args.minutes * 60), 1),
                   "posts_refused": dict(load.refused), "emergency_accepted": len(t.calls),
                   "drained": drained, "drain_s": round(drain_s, 1)}
        if not drained:
            raise campaign.TrialFailed("not drained within %d s: %d emergency calls, %d alerted, %s journaled" % (
                args.drain_s, len(t.calls), inbox.alerted(t.calls), self.journaled()))
        verify_began = time.monotonic()
        invariants = t.settle()  # the campaign's invariants (no faults: no duplicate allowed)
        summary["settle_s"] = round(time.monotonic() - verify_began, 1)
        for k in ("alerts_expected", "alerts_delivered", "alerts_duplicated", "journal_expected", "journal_written",
                  "first_alert_median_s", "blackout_s"):
            summary[k] = invariants[k]
        return summary


# ---- the verdict ----

def thirds(samples):
    """(warm-up, middle, last) of the samples taken under load."""
    n = len(samples)
    k = n // 3
    return samples[:n - 2 * k], samples[n - 2 * k:n - k], samples[n - k:]


def basis(name):
    """The figures judged for a process: its own, except PostgreSQL's.
    There, every backend's VmRSS counts the shared buffers it has touched
    (RssAnon does not), and the checkpointer and background writer keep
    each relation file they write open (up to max_files_per_process each):
    the file descriptors judged are its client backends', the connections
    the pipeline holds."""
    if name == "postgres":
        return {"rss": "anon_kb", "fds": "backend_fds", "threads": "procs"}
    return {"rss": "rss_kb", "fds": "fds", "threads": "threads"}


def judge(samples):
    """Per process: its figures first, in the middle and last thirds, and
    whether each stays flat."""
    under_load = [s for s in samples if s["t_s"] > 0 and not s.get("after_drain")]
    _, middle, last = thirds(under_load)
    out = {}
    if not middle or not last:
        return out, False
    all_flat = True
    for name in under_load[0]["procs"]:
        keys = basis(name)
        shown = sorted(set(keys.values()) | {"rss_kb", "fds", "threads", "cpu_pct"})

        def med(part, key):
            values = [s["procs"][name].get(key) for s in part if s["procs"].get(name)]
            values = [v for v in values if v is not None]
            return statistics.median(values) if values else None
        first = next((s["procs"][name] for s in under_load if s["procs"].get(name)), None)
        r = {"basis": keys, "first": {k: first.get(k) for k in shown} if first else None,
             "middle": {k: med(middle, k) for k in shown}, "last": {k: med(last, k) for k in shown}}
        verdicts = {}
        for metric, key in keys.items():
            mid, end = r["middle"][key], r["last"][key]
            if mid is None or end is None:
                verdicts[metric] = False
                continue
            grow = end - mid
            r[metric + "_growth"] = grow
            if metric == "rss":
                verdicts[metric] = grow < RSS_GROWTH_RATIO * mid and grow < RSS_GROWTH_MB * 1024
            elif metric == "fds":
                verdicts[metric] = grow <= max(FD_GROWTH, FD_GROWTH_RATIO * mid)
            else:
                verdicts[metric] = grow <= THREAD_GROWTH
        # Trend over every sample after the warm-up (least squares), MB per hour.
        pts = [(s["t_s"], s["procs"][name][keys["rss"]]) for s in middle + last if s["procs"].get(name)]
        if len(pts) >= 2:
            mt = statistics.mean(p[0] for p in pts)
            mv = statistics.mean(p[1] for p in pts)
            den = sum((p[0] - mt) ** 2 for p in pts)
            r["rss_trend_mb_per_h"] = round(sum((p[0] - mt) * (p[1] - mv) for p in pts) / den * 3600 / 1024, 1) \
                if den else 0.0
        r["flat"] = verdicts
        all_flat = all_flat and all(verdicts.values())
        out[name] = r
    return out, all_flat


def keeping_up(samples):
    """Whether the pipeline kept up: the backlog (accepted, not yet alerted
    or journaled) in the last third is not above the middle third's by more
    than one sample interval of emergency calls, and the senders were not
    falling further behind their schedule."""
    under_load = [s for s in samples if s["t_s"] > 0 and not s.get("after_drain")]
    _, middle, last = thirds(under_load)
    if not middle or not last:
        return {"verdict": None}
    interval = under_load[1]["t_s"] - under_load[0]["t_s"] if len(under_load) > 1 else under_load[0]["t_s"]
    per_interval = under_load[-1]["emergency_accepted"] / under_load[-1]["t_s"] * interval

    def backlog(s, key):
        return s["emergency_accepted"] - (s[key] or 0)

    out = {}
    for key in ("first_alerted", "alerted", "journaled"):
        mid = statistics.median(backlog(s, key) for s in middle)
        end = statistics.median(backlog(s, key) for s in last)
        out[key + "_backlog"] = {"middle": mid, "last": end, "growing": end - mid > per_interval}
    mid = statistics.median(s["behind_schedule_s"] for s in middle)
    end = statistics.median(s["behind_schedule_s"] for s in last)
    out["senders_behind_s"] = {"middle": mid, "last": end, "growing": end - mid > interval / 2}
    out["verdict"] = not any(v["growing"] for v in out.values() if isinstance(v, dict))
    return out


def total_rss_kb(procs):
    """Every process's RSS as judged (PostgreSQL's RssAnon), summed."""
    return sum(p[basis(n)["rss"]] for n, p in procs.items() if p)


def mb(kb):
    return "%.0f" % (kb / 1024) if kb is not None else "-"


def markdown(result):
    lines = []
    s = result["summary"]
    lines.append("Load: target %s events/s, achieved %s events/s (%d events accepted in %s s; refused posts: %s); "
                 "%d emergency calls, drained in %s s after the load." % (
                     s["rate_target_eps"], s["rate_achieved_eps"], s["events_accepted"], s["load_s"],
                     s["posts_refused"] or "none", s["emergency_accepted"], s["drain_s"]))
    lines.append("")
    lines.append("| process | RSS MB first / middle / last third | growth | trend MB/h | FDs first / middle / last "
                 "| threads first / middle / last | CPU % (last third) | flat |")
    lines.append("|---|---|---|---|---|---|---|---|")
    notes = []
    for name, r in result["processes"].items():
        keys = r["basis"]
        first = r["first"] or {}
        label = name
        if name == "postgres":
            label = "postgres ¹"
            vacuum = [x["postgres_autovacuum"] for x in result["samples"] if x.get("postgres_autovacuum")]
            notes.append(
                "¹ PostgreSQL: the postmaster and every backend summed, its autovacuum workers apart (present at "
                "%d of %d samples, up to %s MB RssAnon); RSS is the RssAnon (each backend's VmRSS counts the "
                "shared buffers it touched: %s / %s / %s MB summed); FDs are the client backends' (all its "
                "processes: %s / %s / %s; the checkpointer and background writer keep the relation files they "
                "write open, up to max_files_per_process each); threads are processes." % (
                    len(vacuum), len(result["samples"]), mb(max([v["anon_kb"] for v in vacuum], default=0)),
                    mb(first.get("rss_kb")), mb(r["middle"]["rss_kb"]), mb(r["last"]["rss_kb"]),
                    fmt(first.get("fds")), fmt(r["middle"]["fds"]), fmt(r["last"]["fds"])))
        lines.append("| %s | %s / %s / %s | %+.1f MB | %s | %s / %s / %s | %s / %s / %s | %s | %s |" % (
            label, mb(first.get(keys["rss"])), mb(r["middle"][keys["rss"]]), mb(r["last"][keys["rss"]]),
            (r.get("rss_growth") or 0) / 1024, r.get("rss_trend_mb_per_h", "-"),
            fmt(first.get(keys["fds"])), fmt(r["middle"][keys["fds"]]), fmt(r["last"][keys["fds"]]),
            fmt(first.get(keys["threads"])), fmt(r["middle"][keys["threads"]]), fmt(r["last"][keys["threads"]]),
            fmt(r["last"]["cpu_pct"]),
            "yes" if all(r["flat"].values()) else "NO (%s)" % ", ".join(k for k, v in r["flat"].items() if not v)))
    lines.extend([""] + notes if notes else [])
    lines.append("")
    lines.append("| t (s) | events/s | behind schedule (s) | post p99 (ms) | emergency accepted / first alerted / "
                 "all alerted / journaled | pending alerts | consumer lag (loc / notif / aud) "
                 "| RSS MB (all; PostgreSQL RssAnon) | FDs (all) | threads (all) |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|")
    for x in result["samples"]:
        procs = [p for p in x["procs"].values() if p]
        rss = total_rss_kb(x["procs"])
        lag = x["consumer_lag"]
        lines.append("| %s%s | %s | %s | %s | %d / %d / %d / %s | %d | %s / %s / %s | %s | %d | %d |" % (
            x["t_s"], " (drained)" if x.get("after_drain") else "", fmt(x["rate_eps"]), x["behind_schedule_s"],
            fmt(x["post_p99_ms"]), x["emergency_accepted"], x["first_alerted"], x["alerted"], x["journaled"],
            x["pending_alerts"], lag.get("locator", "-"), lag.get("notifier", "-"), lag.get("auditor", "-"),
            mb(rss), sum(p["fds"] for p in procs), sum(p["threads"] for p in procs)))
    return "\n".join(lines) + "\n"


def fmt(v):
    if v is None:
        return "-"
    return ("%.1f" % v).rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("e911")
    ap.add_argument("--minutes", type=float, default=60, help="load duration (default 60)")
    ap.add_argument("--rate", type=float, default=1000, help="call events a second (default 1000; 5 %% emergency)")
    ap.add_argument("--batch", type=int, default=100, help="events per POST (default 100)")
    ap.add_argument("--senders", type=int, default=4, help="threads posting (default 4)")
    ap.add_argument("--sample-s", type=float, default=60, help="seconds between samples (default 60)")
    ap.add_argument("--drain-s", type=float, default=900, help="deadline for the drain after the load (default 900)")
    ap.add_argument("--relay", choices=("sink", "aiosmtpd"), default="sink",
                    help="the SMTP relay: smtp_sink.py (default), or the campaign's aiosmtpd peer, which "
                         "parses every message and does not keep up with 100 e-mails a second")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--results", help="write the results (JSON) here")
    ap.add_argument("--markdown", help="write the tables for docs/reliability.md here")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="e911-soak-")
    soak = Soak(os.path.abspath(args.e911), args, work)
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    result = {"started": started, "cpu": cpu_model(), "cores": os.cpu_count(),
              "config": {"minutes": args.minutes, "rate": args.rate, "batch": args.batch, "senders": args.senders,
                         "sample_s": args.sample_s, "seed": args.seed, "relay": args.relay}}
    try:
        result["summary"] = soak.run()
        result["result"] = "pass"
    except campaign.TrialFailed as e:
        result["result"] = "FAIL"
        result["reason"] = str(e)[:4000]
        result["folder"] = work
    finally:
        soak.trial.stop()
    result["samples"] = soak.samples
    result["processes"], result["flat"] = judge(soak.samples)
    result["keeping_up"] = keeping_up(soak.samples)
    if args.results:
        with open(args.results, "w") as f:
            json.dump(result, f, indent=1)
    if result["result"] == "pass":
        table = markdown(result)
        print(table, end="", flush=True)
        if args.markdown:
            with open(args.markdown, "w") as f:
                f.write(table)
        log("flat: %s; kept up: %s" % (result["flat"], result["keeping_up"].get("verdict")))
        if result["flat"]:
            shutil.rmtree(work, ignore_errors=True)
        else:
            result["folder"] = work
            log("not flat (logs in %s)" % work)
    else:
        log("%s (logs in %s)" % (result["reason"][:2000], work))
    return 0 if result["result"] == "pass" and result["flat"] else 1


if __name__ == "__main__":
    sys.exit(main())
