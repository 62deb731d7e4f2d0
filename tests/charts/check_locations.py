"""What the chart renders for the location service, checked against the
values it was rendered with (the chart's defaults under the value set):
with locations.enabled, one Deployment running `e911 locations` on the
generated e911.yaml, its Service (http and metrics, scraped as job
e911-locations), PodDisruptionBudget and NetworkPolicy (http from
networkPolicy.locationsFrom, metrics from networkPolicy.metricsFrom), and
exactly the locations.* keys the values map onto, every file they name
mounted; without it, none of these.
"""
import yaml

CONFIG = "/etc/e911/e911.yaml"
REGISTRY_DIR = "/etc/e911/registry"
SECRETS = "/run/secrets/locations"


def flatten(node, prefix=""):
    """Nested maps as the service's configuration loader reads them: keys joined with '.'."""
    out = {}
    for key, value in node.items():
        name = prefix + "." + key if prefix else key
        if isinstance(value, dict):
            out.update(flatten(value, name))
        else:
            out[name] = value
    return out


def expected_keys(loc):
    files = loc["secret"]["files"]
    want = {
        "registry": REGISTRY_DIR + "/registry.yaml",
        "http.bind": "0.0.0.0",
        "http.port": loc["http"]["port"],
        "identity.header": loc["identity"]["header"],
        "identity.trusted_proxies": ",".join(loc["identity"]["trustedProxies"]),
        "stale_after_hours": loc["staleAfterHours"],
    }
    if files.get("linkSecret"):
        want["link_secret.file"] = SECRETS + "/" + files["linkSecret"]
    if files.get("adminTokens"):
        want["admin.tokens_file"] = SECRETS + "/" + files["adminTokens"]
    if loc["publicUrl"]:
        want["public_url"] = loc["publicUrl"]
    if loc["backupMethod"]:
        want["backup_method"] = loc["backupMethod"]
    if loc["held"]["enabled"]:
        want["held.enabled"] = True
        want["held.path"] = loc["held"]["path"]
        want["held.allowed_clients"] = ",".join(loc["held"]["allowedClients"])
    if loc["validation"]["url"]:
        want["validation.url"] = loc["validation"]["url"]
        want["validation.timeout_ms"] = loc["validation"]["timeoutMs"]
        if files.get("validationToken"):
            want["validation.token_file"] = SECRETS + "/" + files["validationToken"]
    return want


def component(doc):
    return doc["metadata"].get("labels", {}).get("app.kubernetes.io/component")


def check_locations(docs, values, name):
    loc = values["locations"]
    where = name + ": the location service"
    config = None
    for d in docs:
        if d["kind"] == "ConfigMap" and "e911.yaml" in (d.get("data") or {}):
            config = yaml.safe_load(d["data"]["e911.yaml"])
    assert config is not None, where + ": no e911.yaml"
    ours = [d for d in docs if component(d) == "locations"]
    if not loc["enabled"]:
        assert not ours, where + ": rendered while disabled: %s" % [d["kind"] for d in ours]
        assert "locations" not in config, where + ": a locations section while disabled"
        return

    # The configuration: exactly the keys the values map onto.
    got = flatten(config.get("locations") or {})
    want = expected_keys(loc)
    assert got == want, where + ": e911.yaml's locations section\n  got  %s\n  want %s" % (got, want)

    by_kind = {}
    for d in ours:
        by_kind.setdefault(d["kind"], []).append(d)
    deployments = by_kind.get("Deployment", [])
    assert len(deployments) == 1, where + ": %d Deployments" % len(deployments)
    deployment = deployments[0]
    assert deployment["spec"]["replicas"] == loc["replicas"], where + ": replicas"
    pod = deployment["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["args"] == ["locations", "--config", CONFIG], where + ": args %s" % container["args"]
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    assert env.get("E911_METRICS_PORT") == str(loc["metricsPort"]), where + ": E911_METRICS_PORT"
    assert env.get("E911_LOG_LEVEL") == loc["logLevel"], where + ": E911_LOG_LEVEL"
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": loc["http"]["port"], "metrics": loc["metricsPort"]}, where + ": ports %s" % ports
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": "metrics"}, where + ": " + probe

    # Every file the configuration names is mounted: e911.yaml, the
    # registry's directory, the Secret's keys.
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: volumes[m["name"]] for m in container["volumeMounts"]}
    assert mounts[CONFIG]["configMap"]["name"].endswith("-config"), where + ": e911.yaml not mounted"
    assert mounts[REGISTRY_DIR]["configMap"]["name"].endswith("-registry"), where + ": registry not mounted"
    secret_paths = [v for v in got.values() if isinstance(v, str) and v.startswith(SECRETS + "/")]
    if secret_paths:
        assert mounts.get(SECRETS, {}).get("secret", {}).get("secretName") == loc["secret"]["name"], \
            where + ": %s named, Secret %s not mounted there" % (secret_paths, loc["secret"]["name"])

    [service] = by_kind.get("Service", [None])
    assert service, where + ": no Service"
    assert service["spec"]["type"] == loc["service"]["type"], where + ": Service type"
    policy = loc["service"].get("externalTrafficPolicy")
    assert service["spec"].get("externalTrafficPolicy", "") == policy, where + ": externalTrafficPolicy"
    sports = {p["name"]: (p["port"], p["targetPort"]) for p in service["spec"]["ports"]}
    assert sports == {"http": (loc["http"]["port"], "http"), "metrics": (loc["metricsPort"], "metrics")}, \
        where + ": Service ports %s" % sports
    assert service["metadata"]["labels"].get("e911-job") == "e911-locations", where + ": job label"
    assert service["metadata"].get("annotations", {}) == loc["service"]["annotations"], where + ": annotations"

    if values["podDisruptionBudget"]["enabled"]:
        assert len(by_kind.get("PodDisruptionBudget", [])) == 1, where + ": no PodDisruptionBudget"

    np = values["networkPolicy"]
    if np["enabled"]:
        [netpol] = by_kind.get("NetworkPolicy", [None])
        assert netpol, where + ": no NetworkPolicy"
        rules = {tuple(p["port"] for p in r["ports"]): r.get("from", []) for r in netpol["spec"]["ingress"]}
        want_rules = {("http",): np["locationsFrom"], ("metrics",): np["metricsFrom"]}
        assert rules == want_rules, where + ": NetworkPolicy ingress %s, want %s" % (rules, want_rules)
