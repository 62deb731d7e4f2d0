#!/usr/bin/env python3
"""Writes the decoders_fuzz seed corpus (tests/fuzz/corpus/decoders/<mode>/)
from the project's fixtures and test data: each file is a mode letter
(decoders/decoders_fuzz.cpp) and one input. Seeds only; inputs the fuzzer
finds worth keeping are merged in beside them (tests/fuzz/run.sh decoders
--merge DIR). Run from anywhere; ../shared is the shared fixtures checkout.

    python3 tests/fuzz/make_seeds.py
"""
import base64
import hashlib
import hmac
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "fixtures"
OUT = ROOT / "tests" / "fuzz" / "corpus" / "decoders"
EXAMPLES = ROOT / "schemas" / "examples"

# The secrets the fuzz target is built with (decoders/*_modes.cpp).
LINK_SECRET = b"fuzz-link-secret-of-at-least-32-bytes"
ACK_KEY = b"fuzz-ack-key-fuzz-ack-key-fuzz-ack"
ZOOM_SECRET = b"fuzz-zoom-secret-token"
CLIENT_STATE = "fuzz-client-state"
NOW_S = 1_790_000_000


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def write(mode: str, letter: str, name: str, body) -> None:
    if isinstance(body, str):
        body = body.encode()
    folder = OUT / mode
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(letter.encode() + body)


def examples(kind: str):
    for path in sorted((EXAMPLES / kind).glob("*.json")):
        yield path.stem, path.read_text()


def jsonl(path: pathlib.Path):
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if line.strip():
            yield f"{path.stem}-{i}", line


def cpp_raw_strings(path: pathlib.Path, names):
    text = path.read_text()
    for name in names:
        m = re.search(r"constexpr const char\* " + name + r' = R"\((.*?)\)";', text, re.S)
        yield name, m.group(1)


# e: call events and location updates
for kind in ("call-event", "location-update"):
    for stem, text in examples(kind):
        write("call-events", "e", f"{kind}-{stem}.json", text)
for name, line in jsonl(SHARED / "events.jsonl"):
    write("call-events", "e", name + ".json", line)
for name, line in jsonl(SHARED / "bad-events.jsonl"):
    write("call-events", "e", name + ".json", line)

# x: PIDF-LO, as endpoints convey them and as the locator renders them
for name, text in cpp_raw_strings(ROOT / "tests/common/pidf_lo_test.cpp", ["kEndpointCivic", "kEndpointCircle"]):
    write("pidf-lo", "x", name + ".xml", text)
ELLIPSE = ('<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" '
           'xmlns:gml="http://www.opengis.net/gml" xmlns:gs="http://www.opengis.net/pidflo/1.0" entity="pres:x@y">'
           '<tuple id="t"><status><gp:geopriv><gp:location-info>{}</gp:location-info><gp:method>GPS</gp:method>'
           '</gp:geopriv></status></tuple></presence>')
write("pidf-lo", "x", "ellipse.xml", ELLIPSE.format(
    '<gs:Ellipse srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>42.5463 -73.2512</gml:pos>'
    '<gs:semiMajorAxis uom="urn:ogc:def:uom:EPSG::9001">1275</gs:semiMajorAxis>'
    '<gs:semiMinorAxis uom="urn:ogc:def:uom:EPSG::9001">670</gs:semiMinorAxis>'
    '<gs:orientation uom="urn:ogc:def:uom:EPSG::9102">43.2</gs:orientation></gs:Ellipse>'))
write("pidf-lo", "x", "point-3d.xml", ELLIPSE.format(
    '<gml:Point srsName="urn:ogc:def:crs:EPSG::4979"><gml:pos>-34.407 +150.883 24.8</gml:pos></gml:Point>'))
write("pidf-lo", "x", "legacy-civicloc.xml", ELLIPSE.format(
    '<cl:civicAddress xmlns:cl="urn:ietf:params:xml:ns:pidf:geopriv10:civicLoc"><cl:country>DE</cl:country>'
    '<cl:A3>Berlin</cl:A3><cl:A6>Unter den Linden</cl:A6><cl:HNO>77</cl:HNO></cl:civicAddress>'))
for kind in ("call-event", "emergency-call"):
    for stem, text in examples(kind):
        pidf = json.loads(text).get("pidf_lo")
        if pidf:
            write("pidf-lo", "x", f"{kind}-{stem}.xml", pidf)

# A: ELIN assignments
for stem, text in examples("elin-assignment"):
    write("elin-assignment", "A", stem + ".json", text)

# h: HTTP request heads, one with a chunked body
write("http-head", "h", "get-query.txt",
      "GET /v1/calls?from=2026-11-21&limit=50 HTTP/1.1\r\nHost: auditor.example.com\r\n"
      "Authorization: Bearer abc\r\nAccept: application/json\r\n\r\n")
write("http-head", "h", "post-length.txt",
      "POST /v1/call-events HTTP/1.1\r\nHost: ingest\r\nContent-Type: application/json\r\n"
      "Content-Length: 2\r\nExpect: 100-continue\r\n\r\n{}")
write("http-head", "h", "post-chunked.txt",
      "POST /ack/x HTTP/1.1\r\nHost: n\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n"
      "7;ext=1\r\ncomment\r\n3\r\n=hi\r\n0\r\nX-Trailer: t\r\n\r\nGET / HTTP/1.1\r\n\r\n")
write("http-head", "h", "http10.txt", "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")

# z: Zoom webhooks (timestamp line, signature line, body)
alert = re.search(r'kZoomAlert = R"\((.*?)\)";', (ROOT / "tests/ingest/webhook_test.cpp").read_text(), re.S).group(1)
validation = ('{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,'
              '"event":"endpoint.url_validation"}')
for name, body in (("emergency-alert", alert), ("url-validation", validation),
                   ("other-event", '{"event":"phone.callee_answered","payload":{"object":{}}}')):
    ts = str(NOW_S)
    sig = "v0=" + hmac.new(ZOOM_SECRET, f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    write("zoom-webhook", "z", name + ".txt", f"{ts}\n{sig}\n{body}")

# t, g: Microsoft Graph (Teams) resources and notification batches
resource = ('{"@odata.id":"communications/calls/getEmergencyEventsByPolicy(policyName=\'EmergencyPolicy\')",'
            '"@odata.type":"#microsoft.graph.emergencyCallEvent","id":"e-1","emergencyCallEvent":{"id":"e-1",'
            '"callEventType":"callStarted","policyName":"EmergencyPolicy",'
            '"eventDateTime":"2026-11-26T12:35:00.1234567+00:00","emergencyNumberDialed":"911",'
            '"callerInfo":{"displayName":"Ana Lima","upn":"ana.lima@example.com","phoneNumber":"+15125550102",'
            '"tenantId":"00000000-0000-0000-0000-000000000000","location":{"address":{"street":"Congress",'
            '"city":"Austin","state":"TX","countryOrRegion":"United States","postalCode":"78701",'
            '"additionalData":{"companyName":"Example Corp","additionalInfo":"Floor 1","houseNumber":"100",'
            '"county":"Travis","streetSuffix":"Ave"}},"coordinates":{"latitude":"30.2642","longitude":"-97.7448"}}}}}')
write("teams-resource", "t", "call-started.json", resource)
write("teams-resource", "t", "call-ended.json", resource.replace("callStarted", "callEnded"))
write("teams-resource", "t", "top-level-numbers.json",
      '{"id":"e-2","callEventType":"callStarted","emergencyNumberDialed":"112","callerInfo":{"phoneNumber":"+4420",'
      '"location":{"coordinates":{"latitude":51.5,"longitude":-0.12,"accuracy":30}}}}')
envelope = ('{{"value":[{{"subscriptionId":"s-1","clientState":"{state}","changeType":"updated",'
            '"resource":"communications/calls/getEmergencyEventsByPolicy(policyName=\'EmergencyPolicy\')",'
            '{extra}}}],"validationTokens":["eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.c2ln"]}}')
write("teams-webhook", "g", "encrypted.json", "\n" + envelope.format(
    state=CLIENT_STATE, extra='"encryptedContent":{"data":"AAAA","dataKey":"AAAA","dataSignature":"AAAA",'
                              '"encryptionCertificateId":"e911-test-cert"}'))
write("teams-webhook", "g", "lifecycle.json", "\n" + envelope.format(
    state=CLIENT_STATE, extra='"lifecycleEvent":"reauthorizationRequired"'))
write("teams-webhook", "g", "foreign-state.json", "\n" + envelope.format(state="someone-else", extra='"x":1'))
write("teams-webhook", "g", "validation.txt", "validationToken=Validation%3a+Testing+client+application\n")

# H: HELD location requests
HELD = ('<?xml version="1.0" encoding="UTF-8"?><locationRequest xmlns="urn:ietf:params:xml:ns:geopriv:held"{a}>'
        '{t}<device xmlns="urn:ietf:params:xml:ns:geopriv:held:id">{d}</device></locationRequest>')
write("held-request", "H", "ip-civic-exact.xml", HELD.format(
    a="", t='<locationType exact="true">civic geodetic</locationType>', d='<ip v="4">10.40.1.23</ip>'))
write("held-request", "H", "ipv6-response-time.xml", HELD.format(
    a=' responseTime="8000"', t="", d='<ip v="6">2001:db8:40:1::17</ip>'))
write("held-request", "H", "mac-and-ip.xml", HELD.format(
    a="", t="", d='<mac>00-04-F2-15-C2-85</mac><ip v="4">10.40.1.23</ip>'))
write("held-request", "H", "sip-uri.xml", HELD.format(
    a=' responseTime="emergencyRouting"', t="<locationType>locationURI any</locationType>",
    d="<uri>sip:5001@10.40.1.23:5060;transport=udp</uri>"))
write("held-request", "H", "unknown-network.xml", HELD.format(a="", t="", d='<ip v="4">192.0.2.200</ip>'))

# r: registrations a user posts
for stem, text in examples("civic-address"):
    write("registration-request", "r", stem + ".json", json.dumps({"address": json.loads(text)}))
write("registration-request", "r", "with-network.json",
      '{"address":{"country":"US","state":"TX","city":"Austin","street":"Example Ave","house_number":"500",'
      '"unit":"3B","postal_code":"78701","multi_dwelling":true},"network":{"ip":"10.60.1.44","bssid":"00:11:22:33:44:66"}}')
write("registration-request", "r", "london.json",
      '{"address":{"country":"GB","city":"London","street":"Example Road","house_number":"1","postal_code":"EC1A 1AA"}}')

# l: the user endpoints' identity (Authorization, X-Forwarded-User, client, query, X-Forwarded-For)
def personal_link(user: str, expires: int) -> str:
    body = "v1." + b64url(user.encode()) + "." + str(expires)
    return body + "." + b64url(hmac.new(LINK_SECRET, body.encode(), hashlib.sha256).digest())

write("personal-link", "l", "link.txt", f"Bearer {personal_link('u-5001', NOW_S + 86400)}\n\n203.0.113.7\nip=10.60.1.44\n")
write("personal-link", "l", "expired-link.txt", f"Bearer {personal_link('u-5002', NOW_S - 1)}\n\n203.0.113.7\n\n")
write("personal-link", "l", "proxy.txt", "\nu-7001\n10.9.0.5\nbssid=00:11:22:33:44:66\n198.51.100.4, 10.9.0.5")
write("personal-link", "l", "untrusted-proxy.txt", "\nu-7001\n192.0.2.1\n\n")

# R: reminder records
for stem, text in examples("location-reminder"):
    write("reminder-record", "R", stem + ".json", text)

# n, a: emergency calls (the locator's output) as the notifier and the auditor read them
for stem, text in examples("emergency-call"):
    write("notifier-emergency-call", "n", stem + ".json", text)
    write("auditor-emergency-call", "a", stem + ".json", text)
for name, line in jsonl(SHARED / "expected.jsonl"):
    if '"e911.emergency-call/v1"' in line:
        write("notifier-emergency-call", "n", name + ".json", line)

# k: the acknowledgement endpoint (method, target, Content-Type, body)
def ack_token(raw: bytes) -> str:
    ident = b64url(raw)
    return ident + b64url(hmac.new(ACK_KEY, ident.encode(), hashlib.sha256).digest()[:16])

token = ack_token(bytes(range(16)))
write("ack-request", "k", "get.txt", f"GET\n/ack/{token}\n\n")
write("ack-request", "k", "post-comment.txt",
      f"POST\n/notifier-1/ack/{token}?x=1\napplication/x-www-form-urlencoded; charset=utf-8\n"
      "comment=On+my+way+%3Cb%3E%26+co&other=1")
write("ack-request", "k", "forged.txt", f"GET\n/ack/{token[:-1]}A\n\n")
write("ack-request", "k", "bad-form.txt", f"POST\n/ack/{token}\napplication/x-www-form-urlencoded\ncomment=%zz")

# N, u, L: records the auditor journals
for stem, text in examples("notification"):
    write("auditor-notification", "N", stem + ".json", text)
for stem, text in examples("location-update"):
    write("auditor-location-update", "u", stem + ".json", text)
for stem, text in examples("elin-lookup"):
    write("auditor-elin-lookup", "L", stem + ".json", text)

# q: audit API request targets
call_cursor = b64url(b"t:1795219200000:sim-c-28")
for name, target in (
        ("calls", "/v1/calls?from=2026-11-21&to=2026-11-21T12:00:00.500Z&site=austin-hq&caller=Jane+O%27Brien"
                  "&class=emergency&dispatchable=yes&notified=no&limit=50&format=csv&cursor=" + call_cursor),
        ("calls-elin", "/v1/calls?elin=%2B15125550190&from=2026-11-21T10:00:00%2B01:00"),
        ("call", "/v1/calls/c%2F1%20x"),
        ("report", "/v1/report?from=2026-11-01&to=2026-12-01&site=london-hq&format=json"),
        ("registrations", "/v1/registrations?user_id=u-5001&since=2026-11-01&limit=10&cursor="
                          + b64url(b"r:7:u-5001")),
        ("verify", "/v1/verify"),
        ("healthz", "/healthz?probe=1")):
    write("audit-api-request", "q", name + ".txt", target)

# c: cursors
for name, text in (("call-timed", b"t:1795219200000:sim-c-28"), ("call-untimed", b"n:teams-e-1"),
                   ("registration", b"r:7:u-5001"), ("negative-time", b"t:-5:c")):
    write("audit-cursor", "c", name + ".txt", b64url(text))

# y: registry YAML
write("registry-yaml", "y", "demo.yaml", (ROOT / "ops/demo/registry.yaml").read_text())
write("registry-yaml", "y", "shared-fixture.yaml", (SHARED / "registry.yaml").read_text())
write("registry-yaml", "y", "pipeline.yaml", (ROOT / "tests/ingest/pipeline-registry.yaml").read_text())

# p: PureConnect phone exports
csv = (ROOT / "tests/registry/data/pureconnect-phones.csv").read_text()
write("pureconnect-csv", "p", "phones.csv", csv)
lines = csv.splitlines(keepends=True)
write("pureconnect-csv", "p", "two-rows.csv", "".join(lines[:3]))
write("pureconnect-csv", "p", "minimal-columns.csv",
      "NetworkID;Extension;Site;Zone\r\n00:04:f2:aa:00:01;6001;london-hq;london-l2\r\n")


# The dictionary libFuzzer splices into inputs (tests/fuzz/decoders.dict):
# the formats' member names and enum values (from the JSON Schemas), the
# XML elements and namespaces of PIDF-LO and HELD, the registry's YAML
# keys, PureConnect's columns, and the HTTP, form and query syntax.
def schema_words(node, words):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                words.update(value.keys())
            if key in ("enum", "const"):
                for v in value if isinstance(value, list) else [value]:
                    if isinstance(v, str):
                        words.add(v)
            schema_words(value, words)
    elif isinstance(node, list):
        for item in node:
            schema_words(item, words)


words = set()
for path in sorted((ROOT / "schemas").glob("*.schema.json")):
    schema_words(json.loads(path.read_text()), words)
loader = (ROOT / "registry/registry_loader.cpp").read_text()
words.update(re.findall(r'"([a-z_]{2,})"', loader))
words.update(["presence", "tuple", "status", "timestamp", "dm:device", "dm:deviceID", "dm:timestamp", "gp:geopriv",
               "gp:location-info", "gp:usage-rules", "gp:method", "ca:civicAddress", "cl:civicAddress", "gml:Point",
               "gml:pos", "gs:Circle", "gs:radius", "gs:Ellipse", "gs:semiMajorAxis", "gs:semiMinorAxis",
               "gs:orientation", "gs:Sphere", "gs:Ellipsoid", "gs:semiVerticalAxis", "srsName", "uom",
               "urn:ietf:params:xml:ns:pidf", "urn:ietf:params:xml:ns:pidf:data-model",
               "urn:ietf:params:xml:ns:pidf:geopriv10", "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr",
               "urn:ietf:params:xml:ns:pidf:geopriv10:civicLoc", "http://www.opengis.net/gml",
               "http://www.opengis.net/pidflo/1.0", "urn:ogc:def:crs:EPSG::4326", "urn:ogc:def:crs:EPSG::4979",
               "urn:ogc:def:uom:EPSG::9001", "urn:ogc:def:uom:EPSG::9102", "country", "A1", "A2", "A3", "A4", "A5",
               "A6", "PRD", "POD", "STS", "HNO", "HNS", "LMK", "LOC", "FLR", "NAM", "PC", "BLD", "UNIT", "ROOM",
               "SEAT", "RD", "RDSEC", "RDBR", "RDSUBBR", "PRM", "POM", "PCN", "POBOX", "ADDCODE", "xml:lang",
               "locationRequest", "locationType", "responseTime", "exact", "device", "ip", "mac", "uri",
               "emergencyRouting", "emergencyDispatch", "locationURI", "civic", "geodetic",
               "urn:ietf:params:xml:ns:geopriv:held", "urn:ietf:params:xml:ns:geopriv:held:id", "<?xml",
               "<!DOCTYPE", "<![CDATA[", "]]>", "&amp;", "&#x", "encoding=\"UTF-8\"", "xmlns",
               "NetworkID", "IdentificationAddress", "DisplayName", "Extension", "PhoneManufacturer", "PhoneModel",
               "SiteId", "ZoneId", "Building", "Floor", "Room", "Street", "HouseNumber", "City", "State",
               "PostalCode", "ZipCode", "Country", "SEP",
               "GET", "POST", "HTTP/1.1", "HTTP/1.0", "Content-Length:", "Transfer-Encoding: chunked",
               "Connection: close", "Expect: 100-continue", "Host:", "\r\n", "\r\n\r\n", "Bearer ", "v1.",
               "/ack/", "/v1/calls", "/v1/calls/", "/v1/report", "/v1/registrations", "/v1/verify", "/healthz",
               "application/x-www-form-urlencoded", "comment=", "cursor=", "limit=", "from=", "to=", "since=",
               "until=", "format=csv", "dispatchable=", "notified=", "class=", "elin=", "caller=", "site=",
               "user_id=", "validationToken=", "%2B", "%00", "%zz",
               "phone.emergency_alert", "endpoint.url_validation", "payload", "object", "plainToken", "callee",
               "caller", "emergency_address", "ringing_start_time", "value", "clientState", "lifecycleEvent",
               "encryptedContent", "dataKey", "dataSignature", "encryptionCertificateId", "emergencyCallEvent",
               "callEventType", "callStarted", "callEnded", "eventDateTime", "emergencyNumberDialed", "callerInfo",
               "upn", "displayName", "phoneNumber", "countryOrRegion", "additionalData", "coordinates",
               "latitude", "longitude", "accuracy",
               "2026-11-21T10:15:00Z", "2026-11-21T10:15:00.120+01:00", "2026-11-21", "+15125550190",
               "00:04:f2:15:c2:85", "10.40.1.23", "2001:db8::1", "::ffff:10.0.0.1", "1e308", "-0", "null",
               "true", "false", "[]", "{}"])
with open(ROOT / "tests" / "fuzz" / "decoders.dict", "w") as dictionary:
    dictionary.write("# Written by tests/fuzz/make_seeds.py: tokens of the decoders' formats.\n")
    for word in sorted(words):
        escaped = "".join(c if 0x20 <= ord(c) < 0x7f and c not in '"\\' else "\\x%02x" % ord(c) for c in word)
        dictionary.write('"%s"\n' % escaped)
