{{- define "e911.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "e911.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- /* What every pod of the chart shares. Argument: dict "root" $
       "component" <name> "own" <the component's podSecurityContext or nil>. */}}

{{- /* The pod's securityContext: the restricted Pod Security Standard
       (podSecurityContext), with the component's own keys over it. */}}
{{- define "e911.podSecurityContext" -}}
{{- $context := deepCopy .root.Values.podSecurityContext }}
{{- with .own }}{{ $context = mergeOverwrite $context (deepCopy .) }}{{ end }}
{{- toYaml $context }}
{{- end -}}

{{- /* Every container's securityContext. */}}
{{- define "e911.containerSecurityContext" -}}
{{- toYaml .Values.containerSecurityContext }}
{{- end -}}

{{- /* The pod-level keys: securityContext and, for long-running workloads
       ("spread" true), topologySpreadConstraints selecting the
       component's own pods. */}}
{{- define "e911.podSpec" -}}
securityContext:
  {{- include "e911.podSecurityContext" . | nindent 2 }}
{{- if and .spread .root.Values.topologySpread.enabled .root.Values.topologySpread.constraints }}
{{- $selector := dict "matchLabels" (dict "app.kubernetes.io/instance" .root.Release.Name "app.kubernetes.io/component" .component) }}
{{- $constraints := list }}
{{- range .root.Values.topologySpread.constraints }}
{{- $constraints = append $constraints (merge (dict "labelSelector" $selector) (deepCopy .)) }}
{{- end }}
topologySpreadConstraints:
  {{- toYaml $constraints | nindent 2 }}
{{- end }}
{{- end -}}

{{- /* The root file system is read-only: temporary files (SQLite's among
       them) go to an emptyDir at /tmp. */}}
{{- define "e911.tmpVolume" -}}
- name: tmp
  emptyDir: {sizeLimit: {{ .Values.tmpSizeLimit | quote }}}
{{- end -}}
{{- define "e911.tmpMount" -}}
- {name: tmp, mountPath: /tmp}
{{- end -}}

{{- /* startupProbe: liveness waits until /healthz has answered once, for
       up to <component>.startupSeconds (the locator rebuilds its
       registered locations before it is healthy). Argument: dict "port"
       <port name> "seconds" <n>. */}}
{{- define "e911.startupProbe" -}}
startupProbe:
  httpGet: {path: /healthz, port: {{ .port }}}
  periodSeconds: 5
  failureThreshold: {{ max 1 (div (add (int .seconds) 4) 5) }}
{{- end -}}

{{- /* A PodDisruptionBudget for one component's pods. Argument: dict
       "root" $ "component" <name>. */}}
{{- define "e911.podDisruptionBudget" -}}
{{- if .root.Values.podDisruptionBudget.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "e911.fullname" .root }}-{{ .component }}
  labels:
    {{- include "e911.labels" .root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
spec:
  maxUnavailable: {{ .root.Values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      app.kubernetes.io/instance: {{ .root.Release.Name }}
      app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end -}}

{{- /* The labels of a Service that Prometheus scrapes (ServiceMonitor):
       one per component, so no pod is scraped twice; job e911-<component>. */}}
{{- define "e911.scrapedServiceLabels" -}}
e911-scrape: "true"
e911-job: e911-{{ .component }}
{{- end -}}
