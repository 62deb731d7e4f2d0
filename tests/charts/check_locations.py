"""What the chart renders for the location service, checked against the
values it was rendered with (the chart's defaults under the value set):
with locations.enabled, one Deployment running `e911 locations` on the
generated e911.yaml, its Service (http and metrics, scraped as job
e911-locations), PodDisruptionBudget and NetworkPolicy (http from
networkPolicy.locationsFrom, metrics from networkPolicy.metricsFrom), and
exactly the locations.* keys the values map onto, every file they name
mounted; without it, none of these.

With locations.reminders.enabled besides, the reminders run in exactly one
pod (docs/locations.md: two would both remind): a second Deployment
<fullname>-locations-reminders, 1 replica, strategy Recreate, whose
environment turns the file's locations.reminders.enabled: false into true
(the configuration loader's E911_<KEY> overrides, common/config.cpp),
binds its HTTP listener to the loopback address and names the SMTP
password file; the user-facing Service does not select it; its own
metrics Service (job e911-locations-reminders), PodDisruptionBudget and
NetworkPolicy (metrics only). Without reminders, none of these.
"""
import yaml

CONFIG = "/etc/e911/e911.yaml"
REGISTRY_DIR = "/etc/e911/registry"
SECRETS = "/run/secrets/locations"
REMINDERS = "locations-reminders"  # the reminders' component label and name suffix
# Keys only the environment sets (the reminders pod's), besides those of the file.
ENV_ONLY_KEYS = ("locations.reminders.enabled", "locations.http.bind", "locations.smtp.password")


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


def env_name(key):
    """common/config.cpp env_name_of: E911_ + the key upper-cased, '.' -> '_'."""
    return "E911_" + key.upper().replace(".", "_")


def parse_bool(text):
    """common/config.cpp parse_bool."""
    return {"true": True, "yes": True, "on": True, "1": True,
            "false": False, "no": False, "off": False, "0": False}.get(str(text).lower())


def effective_keys(file_keys, env):
    """The locations.* keys a container sees: e911.yaml's (FILE_KEYS,
    flattened, without the prefix) with its environment over them, as the
    configuration loader applies E911_<KEY> and E911_<KEY>_FILE (a layer
    above the file; <key>.file and <key> are one key)."""
    out = {"locations." + k: v for k, v in file_keys.items()}
    bases = {k[:-len(".file")] if k.endswith(".file") else k for k in out} | set(ENV_ONLY_KEYS)
    for base in sorted(bases):
        name = env_name(base)
        for env_var, key in ((name, base), (name + "_FILE", base + ".file")):
            if env_var in env:
                out.pop(base, None)
                out.pop(base + ".file", None)
                out[key] = env[env_var]
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
    rem, smtp = loc["reminders"], loc["smtp"]
    if rem["enabled"]:
        # Off in the file: only the reminders pod's environment turns it on.
        want["reminders.enabled"] = False
        want["reminders.after_hours"] = rem["afterHours"]
        want["reminders.interval_hours"] = rem["intervalHours"]
        want["reminders.check_interval_s"] = rem["checkIntervalS"]
        want["reminders.link_days"] = rem["linkDays"]
        if rem["emailDomain"]:
            want["reminders.email_domain"] = rem["emailDomain"]
        # No password.file: the reminders pod's environment names it.
        want["smtp.host"] = smtp["host"]
        want["smtp.port"] = smtp["port"]
        want["smtp.tls"] = smtp["tls"]
        want["smtp.verify_certificate"] = smtp["verifyCertificate"]
        want["smtp.from"] = smtp["from"]
        for value, key in (("caFile", "ca_file"), ("username", "username"), ("heloName", "helo_name")):
            if smtp[value]:
                want["smtp." + key] = smtp[value]
    return want


def component(doc):
    return doc["metadata"].get("labels", {}).get("app.kubernetes.io/component")


def check_container(where, deployment, loc):
    """The one container of a pod running `e911 locations` on e911.yaml:
    args, the common environment, probes, the configuration, registry and
    Secret mounted. Returns the container and its mounts (path -> volume)."""
    pod = deployment["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["args"] == ["locations", "--config", CONFIG], where + ": args %s" % container["args"]
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    assert env.get("E911_METRICS_PORT") == str(loc["metricsPort"]), where + ": E911_METRICS_PORT"
    assert env.get("E911_LOG_LEVEL") == loc["logLevel"], where + ": E911_LOG_LEVEL"
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": "metrics"}, where + ": " + probe
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: volumes[m["name"]] for m in container["volumeMounts"]}
    assert mounts[CONFIG]["configMap"]["name"].endswith("-config"), where + ": e911.yaml not mounted"
    assert mounts[REGISTRY_DIR]["configMap"]["name"].endswith("-registry"), where + ": registry not mounted"
    return container, env, mounts


def check_secret_mounted(where, keys, mounts, loc):
    """Every file of the Secret the keys name is in the mounted Secret."""
    secret_paths = [v for v in keys.values() if isinstance(v, str) and v.startswith(SECRETS + "/")]
    if secret_paths:
        assert mounts.get(SECRETS, {}).get("secret", {}).get("secretName") == loc["secret"]["name"], \
            where + ": %s named, Secret %s not mounted there" % (secret_paths, loc["secret"]["name"])


def check_policy(where, netpol, want_rules, np):
    rules = {tuple(p["port"] for p in r["ports"]): r.get("from", []) for r in netpol["spec"]["ingress"]}
    assert rules == want_rules, where + ": NetworkPolicy ingress %s, want %s" % (rules, want_rules)
    if np["egress"]:
        # Kafka and, for the reminders, the SMTP relay: networkPolicy.egress, after DNS.
        assert netpol["spec"]["egress"][1:] == np["egress"], where + ": NetworkPolicy egress"
    else:
        assert "egress" not in netpol["spec"], where + ": egress restricted without networkPolicy.egress"


def check_budget_and_policy(where, by_kind, values, sources):
    """The workload's PodDisruptionBudget and NetworkPolicy, where the values
    turn them on; sources: the networkPolicy value allowed in, by port name."""
    if values["podDisruptionBudget"]["enabled"]:
        assert len(by_kind.get("PodDisruptionBudget", [])) == 1, where + ": no PodDisruptionBudget"
    np = values["networkPolicy"]
    if np["enabled"]:
        [netpol] = by_kind.get("NetworkPolicy", [None])
        assert netpol, where + ": no NetworkPolicy"
        check_policy(where, netpol, {(port,): np[key] for port, key in sources.items()}, np)


def check_locations(docs, values, name):
    loc = values["locations"]
    where = name + ": the location service"
    config = None
    for d in docs:
        if d["kind"] == "ConfigMap" and "e911.yaml" in (d.get("data") or {}):
            config = yaml.safe_load(d["data"]["e911.yaml"])
    assert config is not None, where + ": no e911.yaml"
    ours = [d for d in docs if component(d) == "locations"]
    reminding = [d for d in docs if component(d) == REMINDERS]
    if not loc["enabled"]:
        assert not ours, where + ": rendered while disabled: %s" % [d["kind"] for d in ours]
        assert not reminding, where + ": reminders rendered while disabled: %s" % [d["kind"] for d in reminding]
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
    container, env, mounts = check_container(where, deployment, loc)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": loc["http"]["port"], "metrics": loc["metricsPort"]}, where + ": ports %s" % ports
    # The user-facing replicas never remind, and listen on every address.
    keys = effective_keys(got, env)
    assert parse_bool(keys.get("locations.reminders.enabled", "false")) is False, where + ": the replicas remind"
    assert keys["locations.http.bind"] == "0.0.0.0", where + ": http.bind"
    assert not any(k.startswith("locations.smtp.password") for k in keys), where + ": the replicas read the SMTP password"
    # Every file the configuration names is mounted: e911.yaml, the
    # registry's directory, the Secret's keys.
    check_secret_mounted(where, got, mounts, loc)

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

    check_budget_and_policy(where, by_kind, values, {"http": "locationsFrom", "metrics": "metricsFrom"})

    check_reminders(docs, values, name, got, service, reminding)


def check_reminders(docs, values, name, file_keys, service, reminding):
    loc = values["locations"]
    where = name + ": the location reminders"
    # Whatever the values, exactly one pod may remind: count every
    # workload's replicas whose environment switches reminders on.
    reminder_pods = 0
    for d in docs:
        if d["kind"] == "Deployment" and component(d) in ("locations", REMINDERS):
            [c] = d["spec"]["template"]["spec"]["containers"]
            env = {e["name"]: e.get("value") for e in c.get("env", [])}
            if parse_bool(effective_keys(file_keys, env).get("locations.reminders.enabled", "false")):
                reminder_pods += d["spec"]["replicas"]
    if not loc["reminders"]["enabled"]:
        assert not reminding, where + ": rendered while disabled: %s" % [d["kind"] for d in reminding]
        assert reminder_pods == 0, where + ": %d pods remind while disabled" % reminder_pods
        return
    assert reminder_pods == 1, where + ": %d pods remind, want exactly 1" % reminder_pods

    by_kind = {}
    for d in reminding:
        by_kind.setdefault(d["kind"], []).append(d)
    [deployment] = by_kind.get("Deployment", [None])
    assert deployment, where + ": no Deployment"
    assert deployment["metadata"]["name"].endswith("-" + REMINDERS), where + ": Deployment name"
    assert deployment["spec"]["replicas"] == 1, where + ": replicas %s" % deployment["spec"]["replicas"]
    assert deployment["spec"].get("strategy") == {"type": "Recreate"}, \
        where + ": strategy %s, want Recreate (no two pods during a rollout)" % deployment["spec"].get("strategy")
    container, env, mounts = check_container(where, deployment, loc)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"metrics": loc["metricsPort"]}, where + ": ports %s" % ports

    # The file's keys, with the reminders switched on, the HTTP listener on
    # the loopback address and the SMTP password file: nothing else differs.
    keys = effective_keys(file_keys, env)
    want = effective_keys(file_keys, {})
    want["locations.reminders.enabled"] = "true"
    want["locations.http.bind"] = "127.0.0.1"
    password = loc["secret"]["files"].get("smtpPassword")
    if password:
        want["locations.smtp.password.file"] = SECRETS + "/" + password
    assert keys == want, where + ": its configuration\n  got  %s\n  want %s" % (keys, want)
    assert parse_bool(keys["locations.reminders.enabled"]) is True, where + ": not a boolean the service reads"
    # What the service requires with reminders (locations_config.cpp).
    for key in ("locations.public_url", "locations.link_secret.file", "locations.smtp.host", "locations.smtp.from"):
        assert keys.get(key), where + ": %s not set" % key
    check_secret_mounted(where, keys, mounts, loc)

    # No user reaches it: the user-facing Service does not select it.
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert labels.get("app.kubernetes.io/component") == REMINDERS, where + ": component label"
    assert not service["spec"]["selector"].items() <= labels.items(), where + ": the locations Service selects it"

    [metrics] = by_kind.get("Service", [None])
    assert metrics, where + ": no metrics Service"
    sports = {p["name"]: (p["port"], p["targetPort"]) for p in metrics["spec"]["ports"]}
    assert sports == {"metrics": (loc["metricsPort"], "metrics")}, where + ": Service ports %s" % sports
    assert metrics["spec"]["selector"].items() <= labels.items(), where + ": the metrics Service does not select it"
    assert metrics["metadata"]["labels"].get("e911-job") == "e911-" + REMINDERS, where + ": job label"

    check_budget_and_policy(where, by_kind, values, {"metrics": "metricsFrom"})
