#!/usr/bin/python3
"""Checks the e911 message schemas (schemas/*.schema.json) against examples,
the shared fixtures and what the C++ code emits.

Run with Debian's /usr/bin/python3 (python3-jsonschema 4.10, RefResolver).
Everything resolves offline: the schemas use relative $id/$ref and are loaded
into a local store, so no $ref is ever fetched.

  validate.py examples
      Every schema is a valid draft 2020-12 schema and all its $refs resolve;
      every schemas/examples/<name>/*.json validates against <name>.v1; every
      case of INVALID_CASES (a valid example with one change) is rejected, at
      the place the change was made.
  validate.py fixtures --shared DIR
      Every line of DIR/fixtures/events.jsonl validates against the schema its
      "schema" field names; every line of bad-events.jsonl is rejected except
      those in BAD_EVENTS_SCHEMA_VALID.
  validate.py emitted --e911 BIN --shared DIR [--default-emitted-dir DIR]
      Runs `e911 resolve` over the fixtures and validates every output line as
      an emergency call; then validates every line of every *.jsonl file under
      $E911_EMITTED_DIR (else the default dir), chosen by its "schema" field.
  validate.py agreement --e911 BIN --shared DIR
      Feeds the examples, the bad fixtures and the invalid cases to
      `e911 resolve`: the decoder must accept what the schemas accept and
      reject what they reject (documented leniencies aside).

Exit status: 0 when every check passed, 1 otherwise (each failure is printed).
"""

import argparse
import copy
import datetime
import json
import os
import pathlib
import re
import subprocess
import sys

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker, RefResolver

SCHEMAS_DIR = pathlib.Path(__file__).resolve().parents[2] / "schemas"
RESOLVE_TIMEOUT_S = 120


# ---------------------------------------------------------------- JSON input

class JsonInputError(ValueError):
    pass


def _no_duplicate_keys(pairs):
    # A repeated key means two readers may see two different documents.
    keys = [k for k, _ in pairs]
    dups = sorted({k for k in keys if keys.count(k) > 1})
    if dups:
        raise JsonInputError("duplicate key(s): " + ", ".join(dups))
    return dict(pairs)


def _no_special_numbers(name):
    raise JsonInputError(f"{name} is not JSON")


def parse_json(text):
    """Strict JSON: no NaN/Infinity (Python accepts them), no duplicate keys."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_special_numbers)
    except json.JSONDecodeError as e:
        raise JsonInputError(f"not JSON: {e}") from None


def load_json_file(path):
    return parse_json(pathlib.Path(path).read_text(encoding="utf-8"))


def pointer(path):
    """JSON Pointer of an error path, for messages."""
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)


# ---------------------------------------------------------------- formats

_RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})")


def is_rfc3339_date_time(value):
    """RFC 3339 section 5.6 date-time, calendar checked (no Feb 30).

    Debian's jsonschema has no date-time checker without rfc3339-validator,
    so the schemas' pattern would be the only check; this adds the calendar.
    """
    if not isinstance(value, str):
        return True
    m = _RFC3339.fullmatch(value)
    if not m:
        return False
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    try:
        datetime.datetime(year, month, day, hour, minute, min(second, 59))  # leap second :60 allowed
    except ValueError:
        return False
    offset = m.group(8)
    if offset not in ("Z", "z") and (int(offset[1:3]) > 23 or int(offset[4:6]) > 59):
        return False
    return hour <= 23 and minute <= 59 and second <= 60


def make_format_checker():
    checker = FormatChecker()  # ipv4, ipv6, email, regex... (whatever is installed)
    checker.checks("date-time")(is_rfc3339_date_time)
    return checker


# ---------------------------------------------------------------- schemas

class SchemaUnusable(Exception):
    """A schema is missing, is not a valid schema, or has a $ref that does not resolve."""


class SchemaSet:
    """The schemas of one directory, resolvable offline by their relative $id.

    `failures` lists what is wrong with the schemas themselves; a schema with
    a failure is not used (asking for it raises SchemaUnusable).
    """

    def __init__(self, directory, assert_formats=True):
        self.directory = pathlib.Path(directory)
        self.store = {}
        self.failures = []
        self.broken = set()
        for path in sorted(self.directory.glob("*.schema.json")):
            try:
                schema = load_json_file(path)
            except (OSError, JsonInputError) as e:
                self.failures.append(f"{path.name}: {e}")
                continue
            sid = schema.get("$id") if isinstance(schema, dict) else None
            # $id equal to the file name: relative $refs then resolve the same
            # from this store, from disk, or from wherever the files are served.
            if sid != path.name:
                self.failures.append(f"{path.name}: $id is {sid!r}, expected {path.name!r}")
                continue
            self.store[sid] = schema
            if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
                self.failures.append(f"{path.name}: $schema is not draft 2020-12")
            try:
                Draft202012Validator.check_schema(schema)
            except jsonschema.SchemaError as e:
                self.failures.append(f"{path.name} is not a valid 2020-12 schema: {e.message} "
                                     f"at {pointer(e.absolute_schema_path)}")
                self.broken.add(sid)
        # Many validators ignore "format" unless told otherwise; the schemas'
        # patterns must hold the line without it.
        self.format_checker = make_format_checker() if assert_formats else None
        self._validators = {}

    def names(self):
        return sorted(self.store)

    def validator(self, name):
        if name not in self.store or name in self.broken:
            raise SchemaUnusable(f"schema {name} is missing or broken")
        if name not in self._validators:
            schema = self.store[name]
            resolver = RefResolver.from_schema(schema, store=self.store)
            self._validators[name] = Draft202012Validator(
                schema, resolver=resolver, format_checker=self.format_checker)
        return self._validators[name]

    def for_message(self, doc):
        """Schema file for a message, from its "schema" field; None if unknown.

        Only message schemas count: those whose "schema" property is a const
        (so civic-address and common, which are parts, never match).
        """
        tag = doc.get("schema") if isinstance(doc, dict) else None
        for name, schema in self.store.items():
            const = schema.get("properties", {}).get("schema", {}).get("const")
            if isinstance(tag, str) and const == tag:
                return name
        return None

    def problems(self, name, doc):
        """Reasons `doc` is not a valid `name` message: [(path, message)]; empty if valid.

        Schema errors come first; then the checks JSON Schema cannot express
        (EXTRA_CHECKS), run only on schema-valid documents.
        """
        try:
            errors = sorted(self.validator(name).iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
        except jsonschema.RefResolutionError as e:
            raise SchemaUnusable(f"{name}: a $ref does not resolve: {e}") from None
        if errors:
            return [(tuple(e.absolute_path), e.message) for e in errors]
        check = EXTRA_CHECKS.get(name)
        return check(doc) if check else []

    def error_paths(self, name, doc):
        """Every path any error (including anyOf/oneOf branch errors) points at."""
        paths = set()
        try:
            stack = list(self.validator(name).iter_errors(doc))
        except jsonschema.RefResolutionError as e:
            raise SchemaUnusable(f"{name}: a $ref does not resolve: {e}") from None
        while stack:
            e = stack.pop()
            paths.add(tuple(e.absolute_path))
            stack.extend(e.context or [])
        check = EXTRA_CHECKS.get(name)
        if check and not paths:
            paths.update(p for p, _ in check(doc))
        return paths


def describe(problems, limit=3):
    shown = "; ".join(f"{pointer(p)}: {m}" for p, m in problems[:limit])
    more = len(problems) - limit
    return shown + (f" (+{more} more)" if more > 0 else "")


# ---------------------------------------------------------------- beyond JSON Schema

WARNING_ORDER = ["vpn", "missing-unit", "stale-location", "unknown-network", "site-mismatch", "dial-prefix",
                 "callback-missing", "callback-shared", "elin-reused"]


def check_emergency_call(doc):
    # Warnings are emitted in a fixed order so records diff and compare cleanly.
    warnings = doc["warnings"]
    if warnings != sorted(warnings, key=WARNING_ORDER.index):
        return [(("warnings",), f"{warnings} not in the documented order {WARNING_ORDER}")]
    return []


def check_dead_letter(doc):
    # payload_bytes is the original size: equal to what is kept unless truncated.
    if "payload" in doc:
        kept = len(doc["payload"].encode("utf-8", "surrogatepass"))
    else:
        import base64
        kept = len(base64.b64decode(doc["payload_base64"]))
    truncated = doc.get("payload_truncated", False)
    if (not truncated and kept != doc["payload_bytes"]) or (truncated and kept >= doc["payload_bytes"]):
        return [(("payload_bytes",), f"{doc['payload_bytes']} does not fit a kept payload of {kept} bytes "
                                      f"(payload_truncated={str(truncated).lower()})")]
    return []


EXTRA_CHECKS = {
    "emergency-call.v1.schema.json": check_emergency_call,
    "dead-letter.v1.schema.json": check_dead_letter,
}


# ---------------------------------------------------------------- invalid cases

DELETE = object()


class Case:
    """A valid example with one change that must make it invalid.

    `at`: where an error must point (default: the changed field, or its parent
    for a deletion). `decoder`: what the C++ decoder does with it, checked by
    the agreement command for input events: "rejects", or None for a
    documented leniency where the decoder is deliberately laxer.
    `format_only`: only format assertion catches it (not the patterns); every
    other case must also be rejected with format assertion off.
    """

    def __init__(self, example, path, value=DELETE, at=None, decoder="rejects", format_only=False, why=""):
        self.example = example
        self.path = tuple(int(p) if p.isdigit() else p for p in path.split(".")) if path else ()
        self.value = value
        if at is None:
            at = self.path[:-1] if value is DELETE else self.path
        self.at = tuple(at)
        self.decoder = decoder
        self.format_only = format_only
        self.why = why

    @property
    def schema(self):
        return self.example.split("/")[0] + ".v1.schema.json"

    def title(self):
        change = "delete" if self.value is DELETE else f"= {json.dumps(self.value)[:40]}"
        return f"{self.example} {pointer(self.path)} {change}" + (f" ({self.why})" if self.why else "")

    def apply(self, doc):
        if not self.path:
            return copy.deepcopy(self.value)
        doc = copy.deepcopy(doc)
        parent = doc
        for key in self.path[:-1]:
            parent = parent[key]  # KeyError: the case no longer fits its example
        if self.value is DELETE:
            del parent[self.path[-1]]
        else:
            parent[self.path[-1]] = self.value
        return doc


CE_MIN = "call-event/minimal.json"
CE_FULL = "call-event/every-device-field.json"
LU = "location-update/home-multi-dwelling.json"
EC = "emergency-call/switch-port-full.json"
EC_NONE = "emergency-call/no-location-ecrc-nulls.json"
NO = "notification/email-sent.json"
DL = "dead-letter/text-payload.json"
DL_B64 = "dead-letter/binary-payload-no-key.json"
LR = "location-reminder/stale.json"
LR_MISSING = "location-reminder/missing.json"
LS = "location-sighting/another-network.json"

INVALID_CASES = [
    # call event: the shared bad fixtures, one change each
    Case(CE_MIN, "schema", "e911.call-event/v9", why="unsupported version"),
    Case(CE_MIN, "call_id", why="required"),
    Case(CE_MIN, "event_id", ""),
    Case(CE_MIN, "event_id", "   ", why="blank"),
    Case(CE_MIN, "type", "call.ringing"),
    Case(CE_MIN, "dialed", 911, why="a number, not a string"),
    Case(CE_MIN, "occurred_at", "yesterday"),
    Case(CE_MIN, "occurred_at", "2026-11-21T10:00:00", why="no offset"),
    Case(CE_MIN, "occurred_at", "2026-02-30T10:00:00Z", format_only=True, why="no such day"),
    Case(CE_MIN, "occurred_at", "2026-11-21T24:00:00Z"),
    Case(CE_MIN, "occurred_at", "2026-11-21 10:00:00Z", decoder=None,
         why="space separator: the decoder accepts it, RFC 3339 date-time does not"),
    Case(CE_MIN, "caller", why="required"),
    Case(CE_MIN, "caller.user_id", at=("caller",), why="no user_id and no device.id"),
    Case(CE_MIN, "caller", "u-1", why="an object, not a string"),
    Case(CE_FULL, "device.ip", "10.40.1.999"),
    Case(CE_FULL, "device.ip", "10.40.01.23", why="leading zero"),
    Case(CE_FULL, "device.ip", "2001:db8::1::2", why="two ::"),
    Case(CE_FULL, "device.ip", "fe80::1%eth0", why="zone id"),
    Case(CE_FULL, "device.ip", "[2001:db8::1]", why="brackets"),
    Case(CE_FULL, "device.ip", "", decoder=None, why="the decoder reads an empty ip as absent"),
    Case(CE_FULL, "device.mac", "00:04:f2:15:c2", why="5 octets"),
    Case(CE_FULL, "device.mac", "00:04-f2:15:c2:85", why="mixed separators"),
    Case(CE_FULL, "device.mac", "000.4f2.15c.285", why="dots in the wrong places"),
    Case(CE_FULL, "device.bssid", "00:11:22:33:44:5g"),
    Case(CE_FULL, "device.vpn", "false", why="a string, not a boolean"),
    Case(CE_FULL, "device.geo.lat", 90.5),
    Case(CE_FULL, "device.geo.lon", -180.5),
    Case(CE_FULL, "device.geo.lon", why="lat without lon"),
    Case(CE_FULL, "device.geo.accuracy_m", -1),
    Case(CE_FULL, "device.lldp.port_id", why="a chassis alone matches nothing"),
    Case(CE_FULL, "device.lldp.chassis_id", " "),
    Case(CE_FULL, "caller.name", "John\u0007Smith", why="control character"),
    Case(CE_FULL, "device.kind", "desk\u007f", why="DEL"),
    Case(CE_FULL, "", ["not", "an", "object"], why="an array"),
    # location update
    Case(LU, "address.country", "Narnia"),
    Case(LU, "address.country", "USA"),
    Case(LU, "address.country", "us", decoder=None, why="lower case: the decoder upper-cases it"),
    Case(LU, "address.country", why="required in a location update"),
    Case(LU, "address", why="required"),
    Case(LU, "address.multi_dwelling", "yes"),
    Case(LU, "address.unit", 4, why="a number, not a string"),
    Case(LU, "address.street", "Example\u0000Ave", why="NUL"),
    Case(LU, "user_id", why="required"),
    Case(LU, "validated", "true"),
    Case(LU, "network.ip", "198.51.100.300"),
    Case(LU, "network.bssid", "aa:bb:cc:dd:ee"),
    # civic address on its own
    Case("civic-address/every-field.json", "country", "GBR"),
    Case("civic-address/every-field.json", "floor", 4, why="text: floors are \"4\", \"G\", \"B2\""),
    # emergency call
    Case(EC, "schema", "e911.call-event/v1"),
    Case(EC, "class", "drill"),
    Case(EC, "country", "Great Britain"),
    Case(EC, "country", why="required: null when unknown"),
    Case(EC, "caller", why="required"),
    Case(EC, "location.source", "gps"),
    Case(EC, "location.dispatchable", why="required"),
    Case(EC, "location.dispatchable", "yes"),
    Case(EC, "location.address.country", "gb"),
    Case(EC, "location.registered_at", "2026-11-21"),
    Case(EC, "location.validated", True, at=("location",), why="validated is for registered locations only"),
    Case("emergency-call/registered-remote-vpn.json", "location.validated", "yes"),
    Case(EC, "device.mac", "not-a-mac"),
    Case(EC, "device.lldp", {"chassis_id": "00:1b:54:aa:00:01"}, at=("device", "lldp")),
    Case(EC, "routing", "911"),
    Case(EC, "warnings", "vpn", why="an array, not a string"),
    Case(EC, "warnings", ["low-battery"], at=("warnings", 0)),
    Case(EC, "warnings", ["vpn", "vpn"]),
    Case(EC, "warnings", ["dial-prefix", "vpn"], why="out of the documented order"),
    Case(EC, "warnings", why="required, [] when none"),
    Case(EC, "notify", why="required, null when none"),
    Case(EC, "notify", ""),
    Case(EC, "pidf_lo", why="required"),
    Case(EC, "pidf_lo", "", why="not XML"),
    Case(EC, "resolved_at", "2026-11-21T11:05:00.004"),
    Case(EC_NONE, "routing", "psap", why="no location must go to the relay centre"),
    Case(EC_NONE, "location.dispatchable", True, why="no location cannot be dispatchable"),
    Case(EC_NONE, "location.geo", {"lat": 100, "lon": 0}, at=("location", "geo", "lat")),
    # notification
    Case(NO, "schema", "e911.notification/v2"),
    Case(NO, "notification_id", why="required"),
    Case(NO, "call_id", ""),
    Case(NO, "channel", "pager"),
    Case(NO, "status", "bounced"),
    Case(NO, "attempt", 0),
    Case(NO, "attempt", 1.5),
    Case(NO, "attempt", "1"),
    Case(NO, "at", why="required"),
    Case(NO, "at", "10:15:00Z"),
    Case(NO, "latency_ms", -0.5),
    Case(NO, "class", "drill"),
    Case(NO, "recipient", "security.london@example.com", why="an object, not a string"),
    # dead letter
    Case(DL, "payload", why="neither payload nor payload_base64"),
    Case(DL, "payload_base64", "e30=", at=(), why="both payload and payload_base64"),
    Case(DL_B64, "payload_base64", "not base64!"),
    Case(DL_B64, "payload_base64", "//79AAECAw", why="unpadded"),
    Case(DL, "payload_bytes", why="required"),
    Case(DL, "payload_bytes", 5, why="does not match the payload kept"),
    Case(DL, "payload_truncated", "no"),
    Case(DL, "component", ""),
    Case(DL, "reason", why="required"),
    Case(DL, "source", why="required"),
    Case(DL, "source.offset", why="required"),
    Case(DL, "source.partition", -1),
    Case(DL, "source.key", 5),
    Case(DL, "at", "2026-13-01T00:00:00Z"),
    # location reminder
    Case(LR, "user_id", why="required"),
    Case(LR, "user_id", ""),
    Case(LR, "reason", "overdue"),
    Case(LR, "sent_at", "last week"),
    Case(LR, "registered_at", at=(), why="required unless the reason is missing"),
    Case(LR_MISSING, "registered_at", "2026-11-21T09:00:00Z", at=(), why="a missing registration has no time"),
    # location sighting
    Case(LS, "user_id", why="required"),
    Case(LS, "seen_at", why="required"),
    Case(LS, "seen_at", "just now"),
    Case(LS, "network.ip", "999.1.1.1"),
    Case(LS, "network", "203.0.113.9"),
]

# Lines of fixtures/bad-events.jsonl (1-based) that are valid as far as the
# schemas can tell: b-8 is well-formed; it is in the file to show that the
# lines after bad ones are still processed.
BAD_EVENTS_SCHEMA_VALID = {8}


# ---------------------------------------------------------------- commands

class Report:
    def __init__(self, title):
        self.title = title
        self.failures = 0
        self.passed = 0

    def fail(self, what):
        self.failures += 1
        print(f"FAIL {what}", file=sys.stderr)

    def ok(self):
        self.passed += 1

    def check(self, condition, what):
        if condition:
            self.passed += 1
        else:
            self.fail(what)
        return condition

    def guarded(self, what, fn, *args):
        """Runs one check; a schema that cannot be used fails the check, not the run."""
        try:
            return fn(*args)
        except SchemaUnusable as e:
            self.fail(f"{what}: {e}")
            return None

    def finish(self):
        print(f"{self.title}: {self.passed} checks passed, {self.failures} failed")
        return 1 if self.failures else 0


def open_schemas(report):
    schemas = SchemaSet(SCHEMAS_DIR)
    for f in schemas.failures:
        report.fail(f)
    return schemas


def load_examples(report):
    """{"call-event/minimal.json": doc}, for every example that parses."""
    examples = {}
    for path in sorted((SCHEMAS_DIR / "examples").glob("*/*.json")):
        key = f"{path.parent.name}/{path.name}"
        try:
            examples[key] = load_json_file(path)
        except JsonInputError as e:
            report.fail(f"example {key}: {e}")
    return examples


def check_refs_resolve(schemas, report):
    """Every $ref in every schema resolves offline (not only those the examples reach)."""
    for name in schemas.names():
        if name in schemas.broken:
            continue
        resolver = schemas.validator(name).resolver
        stack = [schemas.store[name]]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    try:
                        resolver.resolve(ref)
                        report.ok()
                    except jsonschema.RefResolutionError as e:
                        report.fail(f"{name}: $ref {ref!r} does not resolve offline: {e}")
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)


EXPECTED_SCHEMAS = {
    "common.v1.schema.json", "civic-address.v1.schema.json", "call-event.v1.schema.json",
    "location-update.v1.schema.json", "emergency-call.v1.schema.json", "notification.v1.schema.json",
    "dead-letter.v1.schema.json", "elin-assignment.v1.schema.json", "elin-lookup.v1.schema.json",
    "location-reminder.v1.schema.json", "location-sighting.v1.schema.json",
}
MIN_EXAMPLES = 3


def check_example(schemas, report, key, doc):
    name = key.split("/")[0] + ".v1.schema.json"
    problems = schemas.problems(name, doc)
    report.check(not problems, f"example {key} is not valid: {describe(problems)}")


def check_invalid_case(schemas, report, case, examples, schemas_without_formats):
    base = examples.get(case.example)
    if base is None:
        report.fail(f"invalid case {case.title()}: no example {case.example}")
        return
    try:
        doc = case.apply(base)
    except (KeyError, IndexError, TypeError) as e:
        report.fail(f"invalid case {case.title()}: does not fit its example ({e!r})")
        return
    if not schemas.problems(case.schema, doc):
        report.fail(f"invalid case {case.title()}: was accepted")
        return
    if not case.format_only:
        report.check(bool(schemas_without_formats.problems(case.schema, doc)),
                     f"invalid case {case.title()}: accepted when formats are not asserted (pattern missing?)")
    # Rejected for the right reason: an error points where the change was made.
    paths = schemas.error_paths(case.schema, doc)
    report.check(case.at in paths, f"invalid case {case.title()}: rejected, but no error at {pointer(case.at)} "
                                   f"(errors at {', '.join(sorted(pointer(p) for p in paths))})")


def cmd_examples(_args):
    report = Report("schemas_examples")
    schemas = open_schemas(report)
    for missing in sorted(EXPECTED_SCHEMAS - set(schemas.names())):
        report.fail(f"schema {missing} is missing")
    check_refs_resolve(schemas, report)

    examples = load_examples(report)
    counts = {}
    for key, doc in examples.items():
        name = key.split("/")[0] + ".v1.schema.json"
        counts[name] = counts.get(name, 0) + 1
        report.guarded(f"example {key}", check_example, schemas, report, key, doc)
    for name in sorted(EXPECTED_SCHEMAS - {"common.v1.schema.json"}):
        report.check(counts.get(name, 0) >= MIN_EXAMPLES,
                     f"{name} has {counts.get(name, 0)} examples in schemas/examples/, expected {MIN_EXAMPLES} or more")
    for name in sorted(set(counts) - EXPECTED_SCHEMAS):
        report.fail(f"schemas/examples/{name.split('.')[0]}/ has no schema {name}")

    without_formats = SchemaSet(SCHEMAS_DIR, assert_formats=False)
    for case in INVALID_CASES:
        report.guarded(f"invalid case {case.title()}", check_invalid_case, schemas, report, case, examples,
                       without_formats)
    return report.finish()


def schema_verdict(schemas, line):
    """(schema file or None, [problems]) for one JSON line; raises SchemaUnusable."""
    try:
        doc = parse_json(line)
    except JsonInputError as e:
        return None, [((), str(e))]
    name = schemas.for_message(doc)
    if name is None:
        tag = doc.get("schema") if isinstance(doc, dict) else None
        return None, [(("schema",), f"no schema for message type {tag!r}")]
    return name, schemas.problems(name, doc)


def read_lines(path):
    """[(line number, text)] of the non-blank lines of a JSON lines file."""
    text = pathlib.Path(path).read_text(encoding="utf-8")
    return [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


INPUT_SCHEMAS = {"call-event.v1.schema.json", "location-update.v1.schema.json"}


def check_fixture_line(schemas, report, n, line):
    name, problems = schema_verdict(schemas, line)
    if name is not None and name not in INPUT_SCHEMAS:
        problems = [(("schema",), f"{name} is not an input event")]
    report.check(not problems, f"events.jsonl line {n}: {describe(problems)}")


def check_bad_fixture_line(schemas, report, n, line):
    _, problems = schema_verdict(schemas, line)
    if n in BAD_EVENTS_SCHEMA_VALID:
        report.check(not problems, f"bad-events.jsonl line {n} should be schema-valid: {describe(problems)}")
    else:
        report.check(bool(problems), f"bad-events.jsonl line {n} was accepted by the schemas")


def cmd_fixtures(args):
    report = Report("schemas_fixtures")
    schemas = open_schemas(report)
    fixtures = pathlib.Path(args.shared) / "fixtures"
    lines = read_lines(fixtures / "events.jsonl")
    report.check(len(lines) > 0, "events.jsonl has no lines")
    for n, line in lines:
        report.guarded(f"events.jsonl line {n}", check_fixture_line, schemas, report, n, line)
    for n, line in read_lines(fixtures / "bad-events.jsonl"):
        report.guarded(f"bad-events.jsonl line {n}", check_bad_fixture_line, schemas, report, n, line)
    return report.finish()


def run_resolve(e911, registry, stdin_text):
    """`e911 resolve` over stdin_text; raises RuntimeError when it cannot run."""
    if not os.access(e911, os.X_OK):
        raise RuntimeError(f"{e911} is not an executable: build the e911 target first")
    try:
        return subprocess.run([str(e911), "resolve", "--registry", str(registry)], input=stdin_text,
                              capture_output=True, text=True, timeout=RESOLVE_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise RuntimeError(str(e)) from None


def check_emitted_line(schemas, report, where, line, only=None):
    name, problems = schema_verdict(schemas, line)
    if name is not None and only is not None and name != only:
        problems = [(("schema",), f"expected {only}, got {name}")]
    report.check(not problems, f"{where}: {describe(problems)}")


def check_resolve_output(schemas, report, e911, fixtures, input_name, expect_status):
    proc = run_resolve(e911, fixtures / "registry.yaml", (fixtures / input_name).read_text(encoding="utf-8"))
    report.check(proc.returncode in expect_status,
                 f"e911 resolve < {input_name} exited {proc.returncode}: {proc.stderr.strip()[:2000]}")
    out = [(n, line) for n, line in enumerate(proc.stdout.splitlines(), 1) if line.strip()]
    report.check(len(out) > 0, f"e911 resolve < {input_name} wrote nothing")
    for n, line in out:
        report.guarded(f"e911 resolve < {input_name}, output line {n}", check_emitted_line, schemas, report,
                       f"e911 resolve < {input_name}, output line {n}", line, "emergency-call.v1.schema.json")


def check_demo_traffic(schemas, report, e911):
    """Every emergency scenario the demo registry supports (ELIN pools, shared
    numbers, every warning), simulated and resolved, is a valid emergency call."""
    registry = pathlib.Path(__file__).resolve().parents[2] / "ops" / "demo" / "registry.yaml"
    simulated = subprocess.run([str(e911), "simulate", "--registry", str(registry), "--events", "200",
                                "--emergency-share", "1"], capture_output=True, text=True,
                               timeout=RESOLVE_TIMEOUT_S, check=False)
    report.check(simulated.returncode == 0, f"e911 simulate exited {simulated.returncode}: {simulated.stderr[:2000]}")
    proc = run_resolve(e911, registry, simulated.stdout)
    report.check(proc.returncode == 0, f"e911 resolve < simulated demo traffic exited {proc.returncode}")
    out = [(n, line) for n, line in enumerate(proc.stdout.splitlines(), 1) if line.strip()]
    seen = {w for _, line in out for w in json.loads(line)["warnings"]}
    report.check(any('"elin"' in line for _, line in out), "no ELIN in the demo's resolved calls")
    report.check("callback-shared" in seen, f"no callback-shared among the demo's warnings {sorted(seen)}")
    for n, line in out:
        where = f"e911 resolve < simulated demo traffic, output line {n}"
        report.guarded(where, check_emitted_line, schemas, report, where, line, "emergency-call.v1.schema.json")


def cmd_emitted(args):
    report = Report("schemas_emitted")
    schemas = open_schemas(report)
    fixtures = pathlib.Path(args.shared) / "fixtures"
    try:
        # events.jsonl is all valid (the contract: accepted as it is): exit 0.
        check_resolve_output(schemas, report, args.e911, fixtures, "events.jsonl", (0,))
        # bad-events.jsonl: bad lines reported, exit 1; the good ones still resolved.
        check_resolve_output(schemas, report, args.e911, fixtures, "bad-events.jsonl", (1,))
        check_demo_traffic(schemas, report, args.e911)
    except RuntimeError as e:
        report.fail(f"e911 resolve: {e}")

    emitted = os.environ.get("E911_EMITTED_DIR") or args.default_emitted_dir
    root = pathlib.Path(emitted) if emitted else None
    files = sorted(root.rglob("*.jsonl")) if root and root.is_dir() else []
    print(f"emitted messages dir: {emitted or '(none: E911_EMITTED_DIR not set)'}, {len(files)} .jsonl file(s)")
    for path in files:
        for n, line in read_lines(path):
            report.guarded(f"{path} line {n}", check_emitted_line, schemas, report, f"{path} line {n}", line)
    return report.finish()


def agreement_stream(schemas, report, examples, fixtures):
    """[(line, what the decoder must do: "accepts" or "rejects", label)]."""
    inputs = ("location-update", "call-event")
    stream = []
    for kind in inputs:  # registrations first, so the calls find them
        for key, doc in examples.items():
            if key.startswith(kind + "/"):
                stream.append((json.dumps(doc), "accepts", f"example {key}"))
    for n, line in read_lines(fixtures / "bad-events.jsonl"):
        _, problems = schema_verdict(schemas, line)
        stream.append((line, "rejects" if problems else "accepts", f"bad-events.jsonl line {n}"))
    for i, case in enumerate(INVALID_CASES):
        if case.example.split("/")[0] not in inputs or case.decoder is None:
            continue
        doc = case.apply(examples[case.example])
        if isinstance(doc, dict):  # fresh ids: a repeated event_id is a duplicate, not an error
            if case.path[:1] != ("event_id",):
                doc["event_id"] = f"agree-{i}"
            if "call_id" in doc and case.path[:1] != ("call_id",):
                doc["call_id"] = f"c-agree-{i}"
        stream.append((json.dumps(doc), case.decoder, f"invalid case {case.title()}"))
    return stream


def cmd_agreement(args):
    """The decoder and the schemas draw the line between valid and invalid input in the same place."""
    report = Report("schemas_decoder_agreement")
    schemas = open_schemas(report)
    fixtures = pathlib.Path(args.shared) / "fixtures"
    examples = load_examples(report)
    stream = report.guarded("building the input", agreement_stream, schemas, report, examples, fixtures)
    if stream is None:
        return report.finish()
    try:
        proc = run_resolve(args.e911, fixtures / "registry.yaml", "".join(t + "\n" for t, _, _ in stream))
    except RuntimeError as e:
        report.fail(f"e911 resolve: {e}")
        return report.finish()
    report.check(proc.returncode == 1, f"e911 resolve exited {proc.returncode}, expected 1 (some lines are bad)")
    rejected = {}
    for line in proc.stderr.splitlines():  # "line N: reason" (CONTRACT.md, e911 resolve --help)
        m = re.match(r"line ([0-9]+): (.*)", line)
        if m:
            rejected[int(m.group(1))] = m.group(2)
    for n, (_, expect, label) in enumerate(stream, 1):
        if expect == "rejects":
            report.check(n in rejected, f"input line {n}, {label}: the schemas reject it, the decoder accepted it")
        else:
            report.check(n not in rejected,
                         f"input line {n}, {label}: the schemas accept it, the decoder said: {rejected.get(n)}")
    out = [line for line in proc.stdout.splitlines() if line.strip()]
    report.check(len(out) > 0, "e911 resolve wrote no emergency call for the examples")
    for n, line in enumerate(out, 1):
        report.guarded(f"output line {n}", check_emitted_line, schemas, report, f"e911 resolve output line {n}",
                       line, "emergency-call.v1.schema.json")
    return report.finish()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("examples")
    p = sub.add_parser("fixtures")
    p.add_argument("--shared", required=True, help="the shared directory (CONTRACT.md, fixtures/)")
    for command in ("emitted", "agreement"):
        p = sub.add_parser(command)
        p.add_argument("--e911", required=True, help="path of the e911 binary")
        p.add_argument("--shared", required=True, help="the shared directory (CONTRACT.md, fixtures/)")
        if command == "emitted":
            p.add_argument("--default-emitted-dir", help="used when $E911_EMITTED_DIR is not set")
    args = parser.parse_args(argv)
    return {"examples": cmd_examples, "fixtures": cmd_fixtures,
            "emitted": cmd_emitted, "agreement": cmd_agreement}[args.command](args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
