{{- /* The auditor, its HTTP API and the retention purge (auditor.yaml,
       audit-api.yaml, audit-purge.yaml) share these. */}}

{{- /* "true" when auditor.store is PostgreSQL, "" for SQLite (store ""). */}}
{{- define "e911.auditor.postgres" -}}
{{- if .Values.auditor.store }}true{{ end -}}
{{- end -}}

{{- /* Render-time checks for everything auditor-related; fails with a
       message naming the value. Included by auditor.yaml. */}}
{{- define "e911.auditor.check" -}}
{{- $a := .Values.auditor }}
{{- $api := .Values.auditApi }}
{{- $purge := .Values.auditPurge }}
{{- $pg := include "e911.auditor.postgres" . }}
{{- $stores := list (list "auditor.store" $a.store) (list "auditApi.store" $api.store) (list "auditPurge.store" $purge.store) }}
{{- range $stores }}
{{- $name := index . 0 }}
{{- $url := index . 1 | default "" }}
{{- if $url }}
{{- if not (regexMatch "^(postgres(ql)?://|[a-z_]+\\s*=)" $url) }}
{{- fail (printf "%s: expected \"\" (SQLite on the chart's volume; auditor.store only) or a PostgreSQL URL (postgresql://user@host:5432/db, or libpq key=value), got %q" $name $url) }}
{{- end }}
{{- if or (regexMatch "^postgres(ql)?://[^@/?#]*:[^@/?#]*@" $url) (regexMatch "(^|[?&\\s])password\\s*=" $url) }}
{{- fail (printf "%s: the URL holds a password, and it would be written into a ConfigMap: give it in the storePassword Secret instead (PGPASSWORD)" $name) }}
{{- end }}
{{- end }}
{{- end }}
{{- if and (not $pg) (or $api.store $purge.store) }}
{{- fail "auditApi.store and auditPurge.store are for PostgreSQL (another role on auditor.store's database); with SQLite (auditor.store \"\") leave them empty" }}
{{- end }}
{{- if and $a.secret.files (not $a.secret.name) }}
{{- fail "auditor.secret.files is set but auditor.secret.name is empty: name the Secret that holds those files" }}
{{- end }}
{{- if and $a.keyring.configMap $a.keyring.secret }}
{{- fail "auditor.keyring: set configMap or secret, not both" }}
{{- end }}
{{- $alg := $a.signing.algorithm | default "HS256" }}
{{- if not (has $alg (list "HS256" "ES256" "RS256")) }}
{{- fail (printf "auditor.signing.algorithm: expected HS256, ES256 or RS256, got %q" $alg) }}
{{- end }}
{{- if not (regexMatch "^[A-Za-z0-9._:-]{1,64}$" (toString $a.signing.keyId)) }}
{{- fail (printf "auditor.signing.keyId: %q is not 1-64 characters of [A-Za-z0-9._:-]" (toString $a.signing.keyId)) }}
{{- end }}
{{- if eq $alg "HS256" }}
{{- if hasKey $a.secret.files "signing.private_key" }}
{{- fail "auditor.secret.files.signing.private_key is set but auditor.signing.algorithm is HS256 (which signs with signing.secret): set the algorithm to ES256 or RS256" }}
{{- end }}
{{- if and (or $a.enabled $purge.enabled) (not (hasKey $a.secret.files "signing.secret")) }}
{{- fail "auditor.secret.files needs signing.secret (HS256: the auditor and the purge sign every entry with a secret of 32+ bytes), e.g. {signing.secret: signing-secret} with auditor.secret.name" }}
{{- end }}
{{- else }}
{{- if hasKey $a.secret.files "signing.secret" }}
{{- fail (printf "auditor.secret.files.signing.secret is set but auditor.signing.algorithm is %s (which signs with signing.private_key)" $alg) }}
{{- end }}
{{- if and (or $a.enabled $purge.enabled) (not (hasKey $a.secret.files "signing.private_key")) }}
{{- fail (printf "auditor.secret.files needs signing.private_key (%s: the auditor and the purge sign with a PEM private key), e.g. {signing.private_key: signing-key.pem} with auditor.secret.name" $alg) }}
{{- end }}
{{- end }}
{{- if and $a.enabled (not $pg) (ne (int $a.replicas) 1) }}
{{- fail (printf "auditor.replicas is %d, but with SQLite (auditor.store \"\") the journal is one file on one ReadWriteOnce volume: replicas must be 1 (or use PostgreSQL)" (int $a.replicas)) }}
{{- end }}
{{- if $api.enabled }}
{{- if not $api.tokens.secretName }}
{{- fail "auditApi.tokens.secretName is required with auditApi.enabled: an existing Secret whose key auditApi.tokens.key holds lines \"NAME SHA256HEX\" (e911 audit serve --hash-token)" }}
{{- end }}
{{- if and (ne $alg "HS256") (not (or $a.keyring.configMap $a.keyring.secret)) }}
{{- fail (printf "auditApi with auditor.signing.algorithm %s verifies with public keys, and the chart does not give it the private key: set auditor.keyring (a ConfigMap with \"%s %s <public key file>\" and that file)" $alg (toString $a.signing.keyId) $alg) }}
{{- end }}
{{- if and (eq $alg "HS256") (not (hasKey $a.secret.files "signing.secret")) (not (or $a.keyring.configMap $a.keyring.secret)) }}
{{- fail "auditApi needs a verification key for /v1/verify: auditor.secret.files.signing.secret (HS256) or auditor.keyring" }}
{{- end }}
{{- if eq (int $api.port) (int $api.metricsPort) }}
{{- fail "auditApi.port and auditApi.metricsPort must differ" }}
{{- end }}
{{- if not $pg }}
{{- if not $a.enabled }}
{{- fail "auditApi with SQLite (auditor.store \"\") runs in the auditor's pod, next to the journal's volume: set auditor.enabled, or use PostgreSQL" }}
{{- end }}
{{- if ne (int $api.replicas) 1 }}
{{- fail "auditApi.replicas must be 1 with SQLite (auditor.store \"\"): the API runs as a second container in the auditor's single pod; use PostgreSQL for more" }}
{{- end }}
{{- if has (int $a.metricsPort) (list (int $api.port) (int $api.metricsPort)) }}
{{- fail "auditApi.port and auditApi.metricsPort must differ from auditor.metricsPort: with SQLite the API shares the auditor's pod" }}
{{- end }}
{{- end }}
{{- if and $api.ingress.enabled (not $api.ingress.host) }}
{{- fail "auditApi.ingress.host is required with auditApi.ingress.enabled" }}
{{- end }}
{{- with $api.console }}
{{- if .enabled }}
{{- if and .people.configMap .people.secret }}
{{- fail "auditApi.console.people: set configMap or secret, not both" }}
{{- end }}
{{- if not (or .people.configMap .people.secret) }}
{{- fail "auditApi.console.people.configMap or auditApi.console.people.secret is required with auditApi.console.enabled: an existing ConfigMap or Secret whose key auditApi.console.people.key holds the people file (lines \"IDENTITY ROLE [SITES]\", docs/auditor.md \"Who may sign in\")" }}
{{- end }}
{{- if and .identityHeader (not .trustedProxies) }}
{{- fail "auditApi.console.identityHeader is set but auditApi.console.trustedProxies is empty: the header would be believed from no one, and the server refuses to start; list the SSO proxy's addresses, or leave both empty (sign-in with an API token)" }}
{{- end }}
{{- if and .trustedProxies (not .identityHeader) }}
{{- fail "auditApi.console.trustedProxies is set but auditApi.console.identityHeader is empty: name the header the SSO proxy puts the identity in (the server refuses one without the other)" }}
{{- end }}
{{- if and (gt (int $api.replicas) 1) (not .cookieKey.secretName) }}
{{- fail (printf "auditApi.console.cookieKey.secretName is required with auditApi.console.enabled and auditApi.replicas %d: without it each pod makes up its own cookie key, and a session signed by one pod is refused by the others (an existing Secret whose key auditApi.console.cookieKey.key holds 32+ bytes)" (int $api.replicas)) }}
{{- end }}
{{- range $key, $_ := $a.extraConfig }}
{{- if or (eq $key "console") (hasPrefix "console." $key) }}
{{- fail (printf "auditor.extraConfig.%s: the console is set with auditApi.console (auditApi.console.enabled is true); leave console.* out of auditor.extraConfig" $key) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- if and $purge.enabled (not $pg) (not $a.enabled) }}
{{- fail "auditPurge with SQLite (auditor.store \"\") mounts the auditor's volume beside the auditor's pod: set auditor.enabled, or use PostgreSQL" }}
{{- end }}
{{- if and $purge.enabled (not $purge.schedule) }}
{{- fail "auditPurge.schedule is required with auditPurge.enabled" }}
{{- end }}
{{- end -}}

{{- /* One config file. Argument: dict "root" $ "mode" consumer|api|purge.
       consumer: kafka, topics, metrics, every auditor secret file;
       api: metrics, auditor.api.*, auditor.console.* (auditApi.console),
       of the secrets only the HS256 secret
       (its verification key; ES256/RS256 verify with the keyring);
       purge: every auditor secret file (it signs), no kafka, no metrics. */}}
{{- define "e911.auditor.config" -}}
{{- $root := .root }}
{{- $mode := .mode }}
{{- $a := $root.Values.auditor }}
{{- $api := $root.Values.auditApi }}
{{- $pg := include "e911.auditor.postgres" $root }}
{{- $store := $a.store }}
{{- if and (eq $mode "api") $api.store }}{{ $store = $api.store }}{{ end }}
{{- if and (eq $mode "purge") $root.Values.auditPurge.store }}{{ $store = $root.Values.auditPurge.store }}{{ end }}
{{- if eq $mode "consumer" }}
kafka:
  {{- range $key, $value := $root.Values.kafka }}
  {{ $key }}: {{ $value | quote }}
  {{- end }}
  {{- range $property, $key := $root.Values.kafkaSecret.files }}
  {{ $property }}.file: /run/secrets/kafka/{{ $key }}
  {{- end }}
topics:
  {{- toYaml $root.Values.topics | nindent 2 }}
{{- end }}
{{- if ne $mode "purge" }}
metrics:
  port: {{ if eq $mode "api" }}{{ $api.metricsPort }}{{ else }}{{ $a.metricsPort }}{{ end }}
  bind: 0.0.0.0
{{- end }}
{{- if not $pg }}
# SQLite: the journal is sqlite:/var/lib/e911/audit.db, on the volume.
state_dir: /var/lib/e911
{{- end }}
auditor:
  {{- if $pg }}
  store: {{ $store | quote }}
  {{- end }}
  group_id: {{ $a.groupId | quote }}
  batch_max: {{ $a.batchMax }}
  verify:
    interval_s: {{ $a.verifyIntervalSeconds | default 0 }}
  signing:
    algorithm: {{ $a.signing.algorithm | default "HS256" | quote }}
    key_id: {{ toString $a.signing.keyId | quote }}
  {{- if or $a.keyring.configMap $a.keyring.secret }}
  keyring: /etc/e911/keyring/{{ $a.keyring.file }}
  {{- end }}
  retention:
    emergency_days: {{ $a.retention.emergencyDays }}
    test_days: {{ $a.retention.testDays }}
  {{- if eq $mode "api" }}
  api:
    listen: "0.0.0.0:{{ $api.port }}"
    tokens.file: /run/secrets/audit-api/{{ $api.tokens.key }}
    {{- if $api.tls.secretName }}
    tls.cert.file: /run/secrets/audit-api-tls/tls.crt
    tls.key.file: /run/secrets/audit-api-tls/tls.key
    {{- end }}
    threads: {{ $api.threads }}
  {{- with $api.console }}
  {{- if .enabled }}
  console:
    people.file: /etc/e911/console-people/{{ .people.key }}
    {{- if .identityHeader }}
    identity_header: {{ .identityHeader | quote }}
    trusted_proxies: {{ join "," .trustedProxies | quote }}
    {{- end }}
    session_minutes: {{ .sessionMinutes }}
    {{- if .secureCookies }}
    secure_cookies: true
    {{- end }}
    {{- if .cookieKey.secretName }}
    cookie_key.file: /run/secrets/audit-console/{{ .cookieKey.key }}
    {{- end }}
  {{- end }}
  {{- end }}
  {{- end }}
  {{- range $key, $value := $a.extraConfig }}
  {{ $key }}: {{ if kindIs "float64" $value }}{{ int64 $value }}{{ else }}{{ $value | quote }}{{ end }}
  {{- end }}
  {{- range $key, $file := $a.secret.files }}
  {{- if or (ne $mode "api") (eq $key "signing.secret") }}
  {{ $key }}.file: /run/secrets/auditor/{{ $file }}
  {{- end }}
  {{- end }}
{{- end -}}

{{- /* PGPASSWORD for a container, from storePassword (a component's own,
       else the auditor's). Argument: dict "root" $ "own" <storePassword>. */}}
{{- define "e911.auditor.pgpassword" -}}
{{- $p := .own }}
{{- if not (and $p $p.name) }}{{ $p = .root.Values.auditor.storePassword }}{{ end }}
{{- if and (include "e911.auditor.postgres" .root) $p.name }}
# libpq reads the password from PGPASSWORD (docs/auditor.md, "Locations").
- name: PGPASSWORD
  valueFrom:
    secretKeyRef: {name: {{ $p.name }}, key: {{ $p.key | default "password" }}}
{{- end }}
{{- end -}}

{{- /* The API's container: the auditor's pod (SQLite) or its own. */}}
{{- define "e911.auditApi.container" -}}
{{- $api := .Values.auditApi }}
{{- $scheme := "HTTP" }}
{{- if $api.tls.secretName }}{{ $scheme = "HTTPS" }}{{ end }}
- name: audit-api
  image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  args: ["audit", "serve", "--config", "/etc/e911/audit-api.yaml",
         "--listen", "0.0.0.0:{{ $api.port }}",
         "--verify-cache", "{{ $api.verifyCacheSeconds }}"]
  env:
    - name: E911_LOG_LEVEL
      value: {{ $api.logLevel | quote }}
    {{- with include "e911.auditor.pgpassword" (dict "root" . "own" $api.storePassword) | trim }}{{ . | nindent 4 }}{{ end }}
  ports:
    - name: api
      containerPort: {{ $api.port }}
    - name: api-metrics
      containerPort: {{ $api.metricsPort }}
  # Liveness: the process answers (its /metrics server's /healthz is always
  # up). Readiness: the API's own /healthz, 503 while the store does not
  # answer (no token needed).
  {{- include "e911.startupProbe" (dict "port" "api-metrics" "seconds" $api.startupSeconds) | nindent 2 }}
  livenessProbe:
    httpGet: {path: /healthz, port: api-metrics}
    periodSeconds: 10
    failureThreshold: 6
  readinessProbe:
    httpGet: {path: /healthz, port: api, scheme: {{ $scheme }}}
    periodSeconds: 5
  securityContext:
    {{- include "e911.containerSecurityContext" . | nindent 4 }}
  resources:
    {{- toYaml $api.resources | nindent 4 }}
  volumeMounts:
    {{- include "e911.tmpMount" . | nindent 4 }}
    - {name: config, mountPath: /etc/e911/audit-api.yaml, subPath: audit-api.yaml, readOnly: true}
    # The whole directory (no subPath): a replaced tokens file is seen on
    # the next request.
    - {name: api-tokens, mountPath: /run/secrets/audit-api, readOnly: true}
    {{- if $api.tls.secretName }}
    - {name: api-tls, mountPath: /run/secrets/audit-api-tls, readOnly: true}
    {{- end }}
    {{- if and (eq (.Values.auditor.signing.algorithm | default "HS256") "HS256") (hasKey .Values.auditor.secret.files "signing.secret") }}
    # HS256: the signing secret is also the verification key.
    - {name: api-signing, mountPath: /run/secrets/auditor, readOnly: true}
    {{- end }}
    {{- if or .Values.auditor.keyring.configMap .Values.auditor.keyring.secret }}
    - {name: keyring, mountPath: /etc/e911/keyring, readOnly: true}
    {{- end }}
    {{- if $api.console.enabled }}
    # The console's people file, as a directory (no subPath): the file
    # there is always the current one, read when the server starts.
    - {name: console-people, mountPath: /etc/e911/console-people, readOnly: true}
    {{- if $api.console.cookieKey.secretName }}
    - {name: console-cookie-key, mountPath: /run/secrets/audit-console, readOnly: true}
    {{- end }}
    {{- end }}
    {{- if not (include "e911.auditor.postgres" .) }}
    # The journal, written by the auditor container beside it.
    - {name: state, mountPath: /var/lib/e911}
    {{- end }}
{{- end -}}

{{- /* The API's volumes (without config, keyring and state, which the
       auditor's pod has anyway). */}}
{{- define "e911.auditApi.volumes" -}}
{{- $api := .Values.auditApi }}
- name: api-tokens
  secret: {secretName: {{ $api.tokens.secretName }}}
{{- if $api.tls.secretName }}
- name: api-tls
  secret: {secretName: {{ $api.tls.secretName }}}
{{- end }}
{{- if and (eq (.Values.auditor.signing.algorithm | default "HS256") "HS256") (hasKey .Values.auditor.secret.files "signing.secret") }}
{{- $file := index .Values.auditor.secret.files "signing.secret" }}
# Only the HS256 secret of auditor.secret.name, whatever else it holds.
- name: api-signing
  secret:
    secretName: {{ .Values.auditor.secret.name }}
    items: [{key: {{ $file }}, path: {{ $file }}}]
{{- end }}
{{- with $api.console }}
{{- if .enabled }}
# The console's people file: only that key of the ConfigMap or Secret.
- name: console-people
  {{- if .people.configMap }}
  configMap:
    name: {{ .people.configMap }}
  {{- else }}
  secret:
    secretName: {{ .people.secret }}
  {{- end }}
    items: [{key: {{ .people.key }}, path: {{ .people.key }}}]
{{- if .cookieKey.secretName }}
# Only the cookie key of that Secret, whatever else it holds.
- name: console-cookie-key
  secret:
    secretName: {{ .cookieKey.secretName }}
    items: [{key: {{ .cookieKey.key }}, path: {{ .cookieKey.key }}}]
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "e911.auditor.keyringVolume" -}}
{{- with .Values.auditor.keyring }}
{{- if .configMap }}
- name: keyring
  configMap: {name: {{ .configMap }}}
{{- else if .secret }}
- name: keyring
  secret: {secretName: {{ .secret }}}
{{- end }}
{{- end }}
{{- end -}}
