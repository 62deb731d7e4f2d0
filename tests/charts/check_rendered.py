#!/usr/bin/env python3
"""Checks one `helm template` output as far as can be done offline: every
document a Kubernetes object of a kind the chart makes, named, rendered
once; the generated configuration files parse; every long-running pod
meets the restricted Pod Security Standard, has a writable /tmp, startup,
liveness and readiness probes and topology spread over its own pods; every
PodDisruptionBudget, NetworkPolicy and Service selects pods the chart makes,
on ports they declare; a PrometheusRule carries exactly the shipped rules
and the dashboard ConfigMap exactly the shipped dashboard. What a
component renders is checked against the values it was rendered with
(VALUES: the chart's values.yaml, then the value set, merged as helm
merges them): the location service's (check_locations.py), the audit
console's (check_audit_console.py).

Usage: check_rendered.py RENDERED NAME RULES_FILE DASHBOARD_FILE VALUES...
"""
import json
import sys

import yaml

from check_audit_console import check_audit_console
from check_locations import check_locations

KINDS = {"ConfigMap", "Deployment", "StatefulSet", "Service", "Ingress", "CronJob", "Secret",
         "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor", "PrometheusRule"}
WORKLOADS = ("Deployment", "StatefulSet", "CronJob")


def merged(base, over):
    """helm's merge of value files: maps key by key, anything else replaced."""
    out = dict(base)
    for key, value in (over or {}).items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def selects(selector, labels):
    return bool(selector) and selector.items() <= labels.items()


def pod_of(doc):
    spec = doc["spec"]
    if doc["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]


def check_pod(where, kind, template, claims=()):
    pod = template["spec"]
    labels = template["metadata"]["labels"]
    context = pod.get("securityContext") or {}
    assert context.get("runAsNonRoot") is True, where + ": pod without runAsNonRoot"
    assert context.get("runAsUser", 0) != 0, where + ": pod runs as root"
    assert (context.get("seccompProfile") or {}).get("type") == "RuntimeDefault", where + ": no RuntimeDefault seccomp"
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    assert "emptyDir" in volumes.get("tmp", {}), where + ": no emptyDir for /tmp"
    for c in pod["containers"]:
        at = "%s container %s" % (where, c["name"])
        assert c.get("image"), at + ": no image"
        sc = c.get("securityContext") or {}
        assert sc.get("allowPrivilegeEscalation") is False, at + ": privilege escalation allowed"
        assert sc.get("readOnlyRootFilesystem") is True, at + ": writable root file system"
        assert sc.get("capabilities", {}).get("drop") == ["ALL"], at + ": capabilities not all dropped"
        assert not sc.get("privileged"), at + ": privileged"
        mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
        assert mounts.get("/tmp") == "tmp", at + ": /tmp not on the emptyDir"
        for m in c.get("volumeMounts", []):
            assert m["name"] in volumes or m["name"] in claims, at + ": mounts %s, which the pod does not have" % m["name"]
        if kind != "CronJob":
            for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                assert c.get(probe), "%s without %s" % (at, probe)
            # The startup probe holds liveness off: no initial delay guesses.
            assert "initialDelaySeconds" not in c["livenessProbe"], at + ": liveness delay besides a startupProbe"
            ports = {p["name"] for p in c.get("ports", [])}
            for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                port = c[probe].get("httpGet", {}).get("port")
                assert port in ports, "%s: %s on port %s, which it does not declare" % (at, probe, port)
    if kind != "CronJob":
        spread = pod.get("topologySpreadConstraints")
        assert spread, where + ": no topologySpreadConstraints"
        for constraint in spread:
            assert selects(constraint["labelSelector"]["matchLabels"], labels), \
                where + ": a topology spread constraint that does not select its own pods"
    return labels


def main():
    path, name, rules_file, dashboard_file = sys.argv[1:5]
    values = {}
    for values_file in sys.argv[5:]:
        values = merged(values, yaml.safe_load(open(values_file)))
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    assert docs, "nothing rendered"
    seen = set()
    pods = []  # (labels, the ports the pod's containers declare)
    for d in docs:
        kind, meta = d.get("kind"), d.get("metadata", {})
        where = "%s: %s %s" % (name, kind, meta.get("name"))
        assert d.get("apiVersion"), where + ": no apiVersion"
        assert kind in KINDS, where + ": unexpected kind"
        assert meta.get("name") and len(meta["name"]) <= 63, where + ": name"
        assert (kind, meta["name"]) not in seen, where + ": rendered twice"
        seen.add((kind, meta["name"]))
        if kind == "ConfigMap":
            for key, text in (d.get("data") or {}).items():
                if key.endswith((".yaml", ".yml")):
                    yaml.safe_load(text)  # the generated configuration parses
        if kind in WORKLOADS:
            template = pod_of(d)
            if kind != "CronJob":
                assert selects(d["spec"]["selector"]["matchLabels"], template["metadata"]["labels"]), \
                    where + ": the selector does not select its pods"
            claims = [c["metadata"]["name"] for c in d["spec"].get("volumeClaimTemplates", [])]
            labels = check_pod(where, kind, template, claims)
            ports = {p["name"]: p.get("protocol", "TCP") for c in template["spec"]["containers"]
                     for p in c.get("ports", [])}
            pods.append((labels, ports, kind))

    def pods_selected(selector):
        return [p for p in pods if selects(selector, p[0])]

    for d in docs:
        kind, spec = d["kind"], d.get("spec", {})
        where = "%s: %s %s" % (name, kind, d["metadata"]["name"])
        if kind == "PodDisruptionBudget":
            matched = pods_selected(spec["selector"]["matchLabels"])
            assert matched and all(p[2] != "CronJob" for p in matched), where + ": selects no long-running pods"
            assert ("maxUnavailable" in spec) != ("minAvailable" in spec), where + ": one of maxUnavailable, minAvailable"
        elif kind == "NetworkPolicy":
            matched = pods_selected(spec["podSelector"]["matchLabels"])
            assert matched, where + ": selects no pods"
            assert "Ingress" in spec["policyTypes"], where + ": does not restrict traffic in"
            for rule in spec.get("ingress", []):
                for port in rule["ports"]:
                    for p in matched:
                        assert port["port"] in p[1], where + ": port %s, which the pods do not serve" % port["port"]
                        assert p[1][port["port"]] == port.get("protocol", "TCP"), where + ": protocol of " + port["port"]
            if "Egress" in spec["policyTypes"]:
                assert any(p.get("port") == 53 for r in spec["egress"] for p in r.get("ports", [])), \
                    where + ": egress restricted without DNS"
        elif kind == "Service":
            selector = spec.get("selector", {})
            if "statefulset.kubernetes.io/pod-name" not in selector:
                matched = pods_selected(selector)
                assert matched, where + ": selects no pods"
                for port in spec["ports"]:
                    assert any(port["targetPort"] in p[1] for p in matched), \
                        where + ": target port %s, which no pod declares" % port["targetPort"]
        elif kind == "ServiceMonitor":
            scraped = [s for s in docs if s["kind"] == "Service" and
                       selects(spec["selector"]["matchLabels"], s["metadata"]["labels"])]
            assert scraped, where + ": selects no Service"
            components = [s["metadata"]["labels"]["app.kubernetes.io/component"] for s in scraped]
            assert len(components) == len(set(components)), where + ": a component scraped twice: %s" % components
            workloads = {p[0]["app.kubernetes.io/component"] for p in pods if p[2] != "CronJob"}
            assert workloads <= set(components), where + ": not every component scraped"
            for s in scraped:
                assert any(p["name"] == "metrics" for p in s["spec"]["ports"]), where + ": no metrics port"
                assert s["metadata"]["labels"][spec["jobLabel"]].startswith("e911-"), where + ": job not e911-*"
        elif kind == "PrometheusRule":
            shipped = yaml.safe_load(open(rules_file))
            assert spec["groups"], where + ": no groups"
            for got, want in zip(spec["groups"], shipped["groups"]):
                for g, w in zip(got["rules"], want["rules"]):
                    if "runbook_url" in w.get("annotations", {}):
                        url = w["annotations"]["runbook_url"]
                        base = g["annotations"]["runbook_url"]
                        assert base.endswith(url[len("docs/"):]), where + ": runbook_url " + base
                        g["annotations"]["runbook_url"] = url
            assert spec == shipped, where + ": not the rules of " + rules_file
        elif kind == "ConfigMap" and "e911.json" in (d.get("data") or {}):
            assert json.loads(d["data"]["e911.json"]) == json.load(open(dashboard_file)), \
                where + ": not the dashboard of " + dashboard_file
    check_locations(docs, values, name)
    check_audit_console(docs, values, name)
    print("%s: %d documents (%s)" % (name, len(docs), ", ".join(sorted({d["kind"] for d in docs}))))


if __name__ == "__main__":
    main()
