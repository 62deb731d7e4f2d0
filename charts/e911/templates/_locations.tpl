{{- /* The location service (locations.yaml) and its reminders
       (locations-reminders.yaml) share these. */}}

{{- /* Render-time checks for everything locations-related; fails with a
       message naming the value. Included by locations.yaml. */}}
{{- define "e911.locations.check" -}}
{{- $l := .Values.locations }}
{{- if and $l.secret.files (not $l.secret.name) }}
{{- fail "locations.secret.files is set but locations.secret.name is empty: name the Secret that holds those files" }}
{{- end }}
{{- if not (or $l.identity.trustedProxies $l.secret.files.linkSecret) }}
{{- fail "locations.identity.trustedProxies or locations.secret.files.linkSecret is required with locations.enabled: without the SSO proxy's addresses or a personal link secret no user could sign in, and the service refuses to start (docs/locations.md, \"Who is asking\")" }}
{{- end }}
{{- if and $l.secret.files.validationToken (not $l.validation.url) }}
{{- fail "locations.secret.files.validationToken is set but locations.validation.url is empty: the token is for the address validation provider" }}
{{- end }}
{{- if and $l.service.externalTrafficPolicy (eq $l.service.type "ClusterIP") }}
{{- fail "locations.service.externalTrafficPolicy is for a NodePort or LoadBalancer Service, not ClusterIP" }}
{{- end }}
{{- if eq (int $l.http.port) (int $l.metricsPort) }}
{{- fail "locations.http.port and locations.metricsPort must differ" }}
{{- end }}
{{- if $l.reminders.enabled }}
{{- if not $l.publicUrl }}
{{- fail "locations.publicUrl is required with locations.reminders.enabled: the reminder e-mails link to the page there (locations.public_url)" }}
{{- end }}
{{- if not $l.secret.files.linkSecret }}
{{- fail "locations.secret.files.linkSecret is required with locations.reminders.enabled: it signs the personal links the e-mails carry (locations.link_secret)" }}
{{- end }}
{{- if not $l.smtp.host }}
{{- fail "locations.smtp.host is required with locations.reminders.enabled: the SMTP relay the reminders go through" }}
{{- end }}
{{- if not $l.smtp.from }}
{{- fail "locations.smtp.from is required with locations.reminders.enabled: the reminders' sender, e.g. \"E911 <e911@example.com>\"" }}
{{- end }}
{{- if and $l.smtp.username (eq $l.smtp.tls "none") }}
{{- fail "locations.smtp.username needs locations.smtp.tls starttls or implicit: AUTH over none would send the password in clear, and the service refuses it" }}
{{- end }}
{{- end }}
{{- end -}}

{{- /* The pod template of `e911 locations` on the generated e911.yaml.
       Argument: dict "root" $ "component" <its component label> "env"
       <extra env entries, a list of dicts name/value> "http" <true: the
       container declares port http>. */}}
{{- define "e911.locations.pod" -}}
{{- $root := .root }}
{{- $l := $root.Values.locations -}}
metadata:
  labels:
    {{- include "e911.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
  annotations:
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    {{- if $root.Values.prometheusAnnotations }}
    prometheus.io/scrape: "true"
    prometheus.io/port: {{ $l.metricsPort | quote }}
    prometheus.io/path: /metrics
    {{- end }}
spec:
  # SIGTERM: stop listening, answer the requests in hand, wait for Kafka
  # to acknowledge what was produced.
  terminationGracePeriodSeconds: 30
  {{- include "e911.podSpec" (dict "root" $root "component" .component "spread" true) | nindent 2 }}
  containers:
    - name: locations
      image: "{{ $root.Values.image.repository }}:{{ $root.Values.image.tag }}"
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      args: ["locations", "--config", "/etc/e911/e911.yaml"]
      env:
        - name: E911_LOG_LEVEL
          value: {{ $l.logLevel | quote }}
        - name: E911_METRICS_PORT
          value: {{ $l.metricsPort | quote }}
        {{- range .env }}
        - name: {{ .name }}
          value: {{ .value | quote }}
        {{- end }}
      ports:
        - name: metrics
          containerPort: {{ $l.metricsPort }}
        {{- if .http }}
        - name: http
          containerPort: {{ $l.http.port }}
        {{- end }}
      # /healthz is on the metrics port: healthy once e911.location-updates
      # has been read to its end.
      {{- include "e911.startupProbe" (dict "port" "metrics" "seconds" $l.startupSeconds) | nindent 6 }}
      livenessProbe:
        httpGet: {path: /healthz, port: metrics}
        periodSeconds: 10
        failureThreshold: 6
      readinessProbe:
        httpGet: {path: /healthz, port: metrics}
        periodSeconds: 5
      securityContext:
        {{- include "e911.containerSecurityContext" $root | nindent 8 }}
      resources:
        {{- toYaml $l.resources | nindent 8 }}
      volumeMounts:
        {{- include "e911.tmpMount" $root | nindent 8 }}
        - {name: config, mountPath: /etc/e911/e911.yaml, subPath: e911.yaml, readOnly: true}
        - {name: registry, mountPath: /etc/e911/registry, readOnly: true}
        {{- if $root.Values.kafkaSecret.name }}
        - {name: kafka-secret, mountPath: /run/secrets/kafka, readOnly: true}
        {{- end }}
        {{- if $l.secret.name }}
        # A directory, not subPaths: an edited admin tokens file reaches
        # the running service.
        - {name: locations-secret, mountPath: /run/secrets/locations, readOnly: true}
        {{- end }}
  volumes:
    {{- include "e911.tmpVolume" $root | nindent 4 }}
    - name: config
      configMap: {name: {{ include "e911.fullname" $root }}-config}
    - name: registry
      configMap: {name: {{ include "e911.fullname" $root }}-registry}
    {{- if $root.Values.kafkaSecret.name }}
    - name: kafka-secret
      secret: {secretName: {{ $root.Values.kafkaSecret.name }}}
    {{- end }}
    {{- if $l.secret.name }}
    - name: locations-secret
      secret: {secretName: {{ $l.secret.name }}}
    {{- end }}
{{- end -}}
