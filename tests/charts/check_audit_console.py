"""What the chart renders for the audit console, checked against the values
it was rendered with (the chart's defaults under the value set): with
auditApi.enabled and auditApi.console.enabled, audit-api.yaml holds exactly
the auditor.console.* keys the values map onto (people.file,
identity_header and trusted_proxies comma-joined, both or neither,
session_minutes, cookie_key.file), and the audit-api container mounts every
file they name as a directory (no subPath), from the ConfigMap or Secret
and key the values name and nothing else of it; a cookie key whenever the
API runs more than one pod. Without the console, no auditor.console.* key
and no console volume. auditor.yaml and audit-purge.yaml never carry the
console's keys. The API's Ingress, when enabled, sends the whole host
(path / as a prefix) to the API's Service: /console/ is reached through it.
"""
import ipaddress
import posixpath

import yaml

from check_locations import flatten

API_FILE = "audit-api.yaml"
PEOPLE_DIR = "/etc/e911/console-people"
COOKIE_DIR = "/run/secrets/audit-console"
VOLUMES = ("console-people", "console-cookie-key")


def expected_keys(console):
    want = {
        "auditor.console.people.file": PEOPLE_DIR + "/" + console["people"]["key"],
        "auditor.console.session_minutes": console["sessionMinutes"],
    }
    if console["identityHeader"] or console["trustedProxies"]:
        want["auditor.console.identity_header"] = console["identityHeader"]
        want["auditor.console.trusted_proxies"] = ",".join(console["trustedProxies"])
    if console.get("secureCookies"):
        want["auditor.console.secure_cookies"] = True
    if console["cookieKey"]["secretName"]:
        want["auditor.console.cookie_key.file"] = COOKIE_DIR + "/" + console["cookieKey"]["key"]
    return want


def console_keys(text):
    return {k: v for k, v in flatten(yaml.safe_load(text) or {}).items() if k.startswith("auditor.console.")}


def api_container(docs):
    """(workload, pod spec, container) of the one container named audit-api."""
    found = []
    for d in docs:
        if d["kind"] in ("Deployment", "StatefulSet"):
            spec = d["spec"]["template"]["spec"]
            found += [(d, spec, c) for c in spec["containers"] if c["name"] == "audit-api"]
    assert len(found) == 1, "%d audit-api containers" % len(found)
    return found[0]


def check_file_mounted(where, path, spec, container, source):
    """PATH is a file of a directory mount (no subPath) of a volume that is
    SOURCE ("configMap" or "secret", its name) projecting exactly that key."""
    kind, name = source
    directory, key = posixpath.split(path)
    volumes = {v["name"]: v for v in spec["volumes"]}
    [mount] = [m for m in container["volumeMounts"] if m["mountPath"] == directory] or [None]
    assert mount, where + ": %s named, nothing mounted at %s" % (path, directory)
    assert "subPath" not in mount, where + ": %s mounted with a subPath (a changed file would not reach the pod)" % directory
    assert mount.get("readOnly") is True, where + ": %s mounted writable" % directory
    volume = volumes[mount["name"]]
    got = volume.get(kind) or {}
    assert got.get("name" if kind == "configMap" else "secretName") == name, \
        where + ": %s is not %s %s: %s" % (directory, kind, name, volume)
    assert got.get("items") == [{"key": key, "path": key}], where + ": %s projects %s, want key %s only" % (
        directory, got.get("items"), key)


def check_audit_console(docs, values, name):
    api = values["auditApi"]
    console = api["console"]
    where = name + ": the audit console"
    files = {}
    for d in docs:
        if d["kind"] == "ConfigMap" and d["metadata"]["name"].endswith("-auditor-config"):
            files = d["data"]
    extra = {"auditor." + k for k in values["auditor"]["extraConfig"] if k.startswith("console.")}
    for other in ("auditor.yaml", "audit-purge.yaml"):
        if other in files:
            assert set(console_keys(files[other])) == extra, where + ": %s has console keys" % other
    if not api["enabled"]:
        assert API_FILE not in files, where + ": audit-api.yaml without auditApi.enabled"
        return
    got = console_keys(files[API_FILE])
    workload, spec, container = api_container(docs)
    if not console["enabled"]:
        assert set(got) == extra, where + ": keys while disabled: %s" % got
        console_volumes = [v["name"] for v in spec["volumes"] if v["name"] in VOLUMES]
        assert not console_volumes, where + ": volumes while disabled: %s" % console_volumes
        return

    want = expected_keys(console)
    assert got == want, where + ": audit-api.yaml's auditor.console keys\n  got  %s\n  want %s" % (got, want)
    # What the server refuses to start with (auditor_config.cpp).
    assert ("auditor.console.identity_header" in got) == bool(got.get("auditor.console.trusted_proxies")), \
        where + ": identity_header and trusted_proxies, both or neither"
    assert 1 <= got["auditor.console.session_minutes"] <= 1440, where + ": session_minutes out of 1-1440"
    for item in got.get("auditor.console.trusted_proxies", "").split(","):
        if item:
            # IpPrefix::parse: an address or a prefix without host bits set.
            ipaddress.ip_network(item, strict=True)
    # The files they name, mounted.
    people = console["people"]
    source = ("configMap", people["configMap"]) if people["configMap"] else ("secret", people["secret"])
    check_file_mounted(where, got["auditor.console.people.file"], spec, container, source)
    if "auditor.console.cookie_key.file" in got:
        check_file_mounted(where, got["auditor.console.cookie_key.file"], spec, container,
                           ("secret", console["cookieKey"]["secretName"]))
    # More than one pod: one cookie key for all, or a session works on one pod only.
    if workload["spec"]["replicas"] > 1:
        assert "auditor.console.cookie_key.file" in got, \
            where + ": %d pods without a shared cookie key" % workload["spec"]["replicas"]
    if api["ingress"]["enabled"]:
        [ingress] = [d for d in docs if d["kind"] == "Ingress" and d["metadata"]["name"].endswith("-audit-api")] or [None]
        assert ingress, where + ": no Ingress with auditApi.ingress.enabled"
        [service] = [d for d in docs if d["kind"] == "Service" and d["metadata"]["name"].endswith("-audit-api")]
        routes = [(r["host"], p["path"], p["pathType"], p["backend"]["service"]["name"], p["backend"]["service"]["port"])
                  for r in ingress["spec"]["rules"] for p in r["http"]["paths"]]
        want = (api["ingress"]["host"], "/", "Prefix", service["metadata"]["name"], {"name": "api"})
        assert want in routes, where + ": /console/ not routed by the Ingress: %s" % routes
