{{/*
Names and labels. Resource names: <fullname> (Service, ConfigMap, Secret, ServiceAccount),
<fullname>-serve, <fullname>-worker-<group>, <fullname>-migrate, <fullname>-worker-metrics.
*/}}
{{- define "taskyard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "taskyard.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* <fullname>-<suffix>, the prefix shortened so the result fits a 63-character DNS label. */}}
{{- define "taskyard.suffixedName" -}}
{{- $suffix := .suffix }}
{{- $prefix := include "taskyard.fullname" .root | trunc (int (sub 62 (len $suffix))) | trimSuffix "-" }}
{{- printf "%s-%s" $prefix $suffix }}
{{- end }}

{{- define "taskyard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "taskyard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "taskyard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "taskyard.labels" -}}
helm.sh/chart: {{ include "taskyard.chart" . }}
{{ include "taskyard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: taskyard
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels of one role: (dict "root" $ "component" "serve" "group" "") */}}
{{- define "taskyard.componentSelectorLabels" -}}
{{ include "taskyard.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- if .group }}
taskyard.io/worker-group: {{ .group }}
{{- end }}
{{- end }}

{{- define "taskyard.componentLabels" -}}
{{ include "taskyard.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- if .group }}
taskyard.io/worker-group: {{ .group }}
{{- end }}
{{- end }}

{{- define "taskyard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "taskyard.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The migration hook runs before release resources exist, so it has its own ServiceAccount. */}}
{{- define "taskyard.migrateServiceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- include "taskyard.suffixedName" (dict "root" . "suffix" "migrate") }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "taskyard.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
Image of one worker group: (dict "root" $ "image" groupImageMap). With a repository of its own
the group's tag/digest apply (validated to be set); otherwise its tag/digest override image.*.
*/}}
{{- define "taskyard.workerImage" -}}
{{- $i := .image | default dict }}
{{- $g := .root.Values.image }}
{{- if $i.repository }}
{{- if $i.digest }}{{ printf "%s@%s" $i.repository $i.digest }}{{ else }}{{ printf "%s:%s" $i.repository $i.tag }}{{ end }}
{{- else if $i.digest }}
{{- printf "%s@%s" $g.repository $i.digest }}
{{- else if $i.tag }}
{{- printf "%s:%s" $g.repository $i.tag }}
{{- else }}
{{- include "taskyard.image" .root }}
{{- end }}
{{- end }}

{{/* TASKYARD_URL of the workers: worker.taskyardUrl, else this release's serve Service ("" when there is none). */}}
{{- define "taskyard.workerTaskyardUrl" -}}
{{- if .Values.worker.taskyardUrl }}
{{- .Values.worker.taskyardUrl }}
{{- else if .Values.serve.enabled }}
{{- printf "http://%s:%d" (include "taskyard.fullname" .) (int64 .Values.service.port) }}
{{- end }}
{{- end }}

{{/* True ("true") when the chart must create its own Secret (some credential given inline). */}}
{{- define "taskyard.managedSecret" -}}
{{- if or .Values.database.url .Values.temporal.apiKey }}true{{ end }}
{{- end }}

{{/* TEMPORAL_TLS: on when asked for, and always with an API key (it only travels over TLS). */}}
{{- define "taskyard.temporalTls" -}}
{{- if or .Values.temporal.tls.enabled (include "taskyard.hasTemporalApiKey" .) }}true{{ else }}false{{ end }}
{{- end }}

{{- define "taskyard.hasTemporalApiKey" -}}
{{- if or .Values.temporal.apiKey .Values.temporal.existingSecret }}true{{ end }}
{{- end }}

{{/*
Data of the ConfigMap (shared by every role): YAML, every value a string. No database setting:
workers load this ConfigMap too and never talk to MySQL (see taskyard.databaseEnv).
config.extraEnv wins over the chart's own keys.
*/}}
{{- define "taskyard.configData" -}}
{{- $v := .Values }}
{{- $tls := $v.temporal.tls }}
{{- $d := dict
  "TASKYARD_HOST" ($v.serve.host | toString)
  "TASKYARD_PORT" ($v.serve.port | int64 | toString)
  "LOG_LEVEL" $v.config.logLevel
  "TASKYARD_MIGRATE_ON_START" ($v.config.migrateOnStart | toString)
  "TASKYARD_WORKFLOW_TASK_QUEUE" ($v.config.workflowTaskQueue | default "taskyard.workflows" | toString)
  "TASKYARD_WORKER_TTL_MS" ($v.config.workerTtlMs | default 30000 | int64 | toString)
  "TEMPORAL_ADDRESS" $v.temporal.address
  "TEMPORAL_NAMESPACE" $v.temporal.namespace
  "TEMPORAL_TLS" (include "taskyard.temporalTls" .)
  "TASKYARD_DISPATCH_INTERVAL_MS" ($v.config.dispatchIntervalMs | int64 | toString)
  "TASKYARD_RECONCILE_INTERVAL_MS" ($v.config.reconcileIntervalMs | int64 | toString)
  "TASKYARD_PROGRESS_INTERVAL_MS" ($v.config.progressIntervalMs | int64 | toString)
  "TASKYARD_SHUTDOWN_GRACE_MS" ($v.config.shutdownGraceMs | int64 | toString)
}}
{{- with $v.config.limits }}
{{- if not (kindIs "invalid" .createRatePerSecond) }}{{ $_ := set $d "TASKYARD_CREATE_RATE_PER_SECOND" (.createRatePerSecond | toString) }}{{ end }}
{{- if not (kindIs "invalid" .createBurst) }}{{ $_ := set $d "TASKYARD_CREATE_BURST" (.createBurst | int64 | toString) }}{{ end }}
{{- if not (kindIs "invalid" .maxStreamsPerCaller) }}{{ $_ := set $d "TASKYARD_MAX_STREAMS_PER_CALLER" (.maxStreamsPerCaller | int64 | toString) }}{{ end }}
{{- end }}
{{- with $tls.serverName }}{{ $_ := set $d "TEMPORAL_TLS_SERVER_NAME" . }}{{ end }}
{{- if $tls.existingSecret }}
{{- if $tls.certKey }}{{ $_ := set $d "TEMPORAL_TLS_CLIENT_CERT_PATH" (printf "%s/%s" $tls.mountPath $tls.certKey) }}{{ end }}
{{- if $tls.keyKey }}{{ $_ := set $d "TEMPORAL_TLS_CLIENT_KEY_PATH" (printf "%s/%s" $tls.mountPath $tls.keyKey) }}{{ end }}
{{- if $tls.caKey }}{{ $_ := set $d "TEMPORAL_TLS_SERVER_CA_CERT_PATH" (printf "%s/%s" $tls.mountPath $tls.caKey) }}{{ end }}
{{- end }}
{{- with $v.temporal.uiUrl }}{{ $_ := set $d "TEMPORAL_UI_URL" . }}{{ end }}
{{- with $v.config.corsOrigins }}{{ $_ := set $d "TASKYARD_CORS_ORIGINS" (join "," .) }}{{ end }}
{{- with $v.config.consoleUrl }}{{ $_ := set $d "TASKYARD_CONSOLE_URL" . }}{{ end }}
{{- with $v.config.auth.jwksUrl }}{{ $_ := set $d "TASKYARD_AUTH_JWKS_URL" . }}{{ end }}
{{- with $v.config.auth.mode }}{{ $_ := set $d "TASKYARD_AUTH_MODE" . }}{{ end }}
{{- with $v.config.auth.issuers }}{{ $_ := set $d "TASKYARD_AUTH_JWT_ISSUERS" (join "," .) }}{{ end }}
{{- with $v.config.auth.audience }}{{ $_ := set $d "TASKYARD_AUTH_JWT_AUDIENCE" (join "," .) }}{{ end }}
{{- with $v.config.auth.tenantClaim }}{{ $_ := set $d "TASKYARD_AUTH_TENANT_CLAIM" . }}{{ end }}
{{- with $v.config.auth.rolesClaim }}{{ $_ := set $d "TASKYARD_AUTH_ROLES_CLAIM" . }}{{ end }}
{{- with $v.config.auth.principalClaim }}{{ $_ := set $d "TASKYARD_AUTH_PRINCIPAL_CLAIM" . }}{{ end }}
{{- range $k, $val := $v.config.extraEnv }}{{ $_ := set $d $k (toString $val) }}{{ end }}
{{- toYaml $d }}
{{- end }}

{{/* Data of the chart-managed Secret (inline credentials only). */}}
{{- define "taskyard.secretData" -}}
{{- $d := dict }}
{{- with .Values.database.url }}{{ $_ := set $d "DATABASE_URL" (b64enc .) }}{{ end }}
{{- with .Values.temporal.apiKey }}{{ $_ := set $d "TEMPORAL_API_KEY" (b64enc .) }}{{ end }}
{{- toYaml $d }}
{{- end }}

{{/*
Pod annotations that roll the pods when configuration changes. A Secret you manage
(existingSecret) is not seen here: restart the Deployments yourself or use a reloader.
*/}}
{{- define "taskyard.checksumAnnotations" -}}
checksum/config: {{ include "taskyard.configData" . | sha256sum }}
{{- if include "taskyard.managedSecret" . }}
checksum/secret: {{ include "taskyard.secretData" . | sha256sum }}
{{- end }}
{{- end }}

{{/* The same for worker pods, which read only TEMPORAL_API_KEY from the chart's Secret. */}}
{{- define "taskyard.workerChecksumAnnotations" -}}
checksum/config: {{ include "taskyard.configData" . | sha256sum }}
{{- with .Values.temporal.apiKey }}
checksum/secret: {{ . | sha256sum }}
{{- end }}
{{- end }}

{{/*
Container env of serve and the migration Job: the database and Temporal credentials.
(dict "root" $ "secretName" name) where secretName is the chart-managed Secret to read inline
credentials from.
*/}}
{{- define "taskyard.secretEnv" -}}
{{- include "taskyard.databaseEnv" . }}
{{- include "taskyard.temporalSecretEnv" . }}
{{- end }}

{{/*
DATABASE_URL (from a Secret) and DATABASE_POOL_SIZE: serve and migrate only, never workers.
config.extraEnv.DATABASE_POOL_SIZE, when set, wins (it is in the ConfigMap then).
*/}}
{{- define "taskyard.databaseEnv" -}}
{{- $v := .root.Values -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- if $v.database.existingSecret }}
      name: {{ $v.database.existingSecret }}
      key: {{ $v.database.existingSecretKey }}
      {{- else }}
      name: {{ .secretName }}
      key: DATABASE_URL
      {{- end }}
{{- if not (hasKey ($v.config.extraEnv | default dict) "DATABASE_POOL_SIZE") }}
- name: DATABASE_POOL_SIZE
  value: {{ $v.database.poolSize | int64 | toString | quote }}
{{- end }}
{{- end }}

{{/* TEMPORAL_API_KEY from a Secret, when there is one (every role). Same arguments. */}}
{{- define "taskyard.temporalSecretEnv" -}}
{{- $v := .root.Values -}}
{{- if $v.temporal.existingSecret }}
- name: TEMPORAL_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $v.temporal.existingSecret }}
      key: {{ $v.temporal.existingSecretKey }}
{{- else if $v.temporal.apiKey }}
- name: TEMPORAL_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: TEMPORAL_API_KEY
{{- end }}
{{- end }}

{{/* Volumes every pod has: /tmp (read-only root filesystem) and the Temporal TLS files. */}}
{{- define "taskyard.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- with .Values.temporal.tls.existingSecret }}
- name: temporal-tls
  secret:
    secretName: {{ . }}
    # 0440 (octal), written in decimal: YAML 1.1 and 1.2 parsers read a leading 0 differently.
    defaultMode: 288
{{- end }}
{{- end }}

{{- define "taskyard.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.temporal.tls.existingSecret }}
- name: temporal-tls
  mountPath: {{ .Values.temporal.tls.mountPath }}
  readOnly: true
{{- end }}
{{- end }}

{{/*
Effective settings of one worker group as YAML: the group's own keys, else worker.* defaults.
(dict "root" $ "name" groupName "group" groupValues)
*/}}
{{- define "taskyard.workerGroup" -}}
{{- $w := .root.Values.worker }}
{{- $g := .group | default dict }}
name: {{ .name | quote }}
enabled: {{ if and (hasKey $g "enabled") (kindIs "bool" $g.enabled) }}{{ $g.enabled }}{{ else }}true{{ end }}
queues: {{ $g.queues | default list | toJson }}
replicaCount: {{ if and (hasKey $g "replicaCount") (not (kindIs "invalid" $g.replicaCount)) }}{{ $g.replicaCount | int64 }}{{ else }}1{{ end }}
concurrency: {{ coalesce $g.concurrency $w.concurrency | int64 }}
terminationGracePeriodSeconds: {{ coalesce $g.terminationGracePeriodSeconds $w.terminationGracePeriodSeconds | int64 }}
resources: {{ coalesce $g.resources $w.resources dict | toJson }}
autoscaling: {{ $g.autoscaling | default dict | toJson }}
podDisruptionBudget: {{ $g.podDisruptionBudget | default dict | toJson }}
podAnnotations: {{ merge (deepCopy ($g.podAnnotations | default dict)) ($w.podAnnotations | default dict) | toJson }}
podLabels: {{ merge (deepCopy ($g.podLabels | default dict)) ($w.podLabels | default dict) | toJson }}
extraEnv: {{ concat ($w.extraEnv | default list) ($g.extraEnv | default list) | toJson }}
extraEnvFrom: {{ concat ($w.extraEnvFrom | default list) ($g.extraEnvFrom | default list) | toJson }}
extraVolumes: {{ concat ($w.extraVolumes | default list) ($g.extraVolumes | default list) | toJson }}
extraVolumeMounts: {{ concat ($w.extraVolumeMounts | default list) ($g.extraVolumeMounts | default list) | toJson }}
initContainers: {{ concat ($w.initContainers | default list) ($g.initContainers | default list) | toJson }}
extraContainers: {{ concat ($w.extraContainers | default list) ($g.extraContainers | default list) | toJson }}
podSecurityContext: {{ mergeOverwrite (deepCopy ($w.podSecurityContext | default dict)) (deepCopy ($g.podSecurityContext | default dict)) | toJson }}
securityContext: {{ mergeOverwrite (deepCopy ($w.securityContext | default dict)) (deepCopy ($g.securityContext | default dict)) | toJson }}
keda: {{ mergeOverwrite (deepCopy ($w.keda | default dict)) (deepCopy ($g.keda | default dict)) | toJson }}
nodeSelector: {{ coalesce $g.nodeSelector $w.nodeSelector dict | toJson }}
tolerations: {{ coalesce $g.tolerations $w.tolerations list | toJson }}
affinity: {{ coalesce $g.affinity $w.affinity dict | toJson }}
topologySpreadConstraints: {{ coalesce $g.topologySpreadConstraints $w.topologySpreadConstraints list | toJson }}
priorityClassName: {{ coalesce $g.priorityClassName $w.priorityClassName "" | quote }}
handlers: {{ $g.handlers | default list | toJson }}
image: {{ $g.image | default dict | toJson }}
command: {{ $g.command | default list | toJson }}
{{- if not (kindIs "invalid" $g.args) }}
args: {{ $g.args | toJson }}
{{- else if $g.command }}
args: []
{{- else }}
args: ["worker"]
{{- end }}
{{- $gc := $g.credentials | default dict }}
{{- $wc := $w.credentials | default dict }}
credentialsSecret: {{ coalesce $gc.existingSecret $wc.existingSecret "" | quote }}
credentialsKey: {{ coalesce $gc.key $wc.key "token" | quote }}
{{- $gm := $g.metrics | default dict }}
metricsEnabled: {{ if kindIs "bool" $gm.enabled }}{{ $gm.enabled }}{{ else }}{{ $w.metrics.enabled | default false }}{{ end }}
{{- end }}

{{/* Names of the enabled worker groups, sorted, as a JSON list. */}}
{{- define "taskyard.enabledWorkerGroups" -}}
{{- $names := list }}
{{- range $name, $group := .Values.worker.groups }}
{{- $g := include "taskyard.workerGroup" (dict "root" $ "name" $name "group" $group) | fromYaml }}
{{- if $g.enabled }}{{ $names = append $names $name }}{{ end }}
{{- end }}
{{- $names | sortAlpha | toJson }}
{{- end }}

{{/* "true" when some enabled worker group serves /metrics (worker.metrics.enabled or its own metrics.enabled). */}}
{{- define "taskyard.anyWorkerMetrics" -}}
{{- range $name, $group := .Values.worker.groups }}
{{- $g := include "taskyard.workerGroup" (dict "root" $ "name" $name "group" $group) | fromYaml }}
{{- if and $g.enabled $g.metricsEnabled }}true{{ end }}
{{- end }}
{{- end }}

{{/*
topologySpreadConstraints with the role's selector filled in where labelSelector is missing.
(dict "constraints" list "selector" selectorLabelsYaml)
*/}}
{{- define "taskyard.topologySpread" -}}
{{- $out := list }}
{{- range .constraints }}
{{- $c := deepCopy . }}
{{- if not $c.labelSelector }}
{{- $_ := set $c "labelSelector" (dict "matchLabels" ($.selector | fromYaml)) }}
{{- end }}
{{- $out = append $out $c }}
{{- end }}
{{- toYaml $out }}
{{- end }}

{{/*
A role's pod / container securityContext: the role's keys merged over the chart-wide one.
(dict "root" $ "override" map)
*/}}
{{- define "taskyard.podSecurityContext" -}}
{{- toYaml (mergeOverwrite (deepCopy (.root.Values.podSecurityContext | default dict)) (deepCopy (.override | default dict))) }}
{{- end }}

{{- define "taskyard.securityContext" -}}
{{- toYaml (mergeOverwrite (deepCopy (.root.Values.securityContext | default dict)) (deepCopy (.override | default dict))) }}
{{- end }}

{{/*
User-supplied containers (initContainers, extraContainers) as YAML; one without a
securityContext gets the role's, so a restricted namespace still admits the pod.
(dict "containers" list "securityContext" map)
*/}}
{{- define "taskyard.userContainers" -}}
{{- $out := list }}
{{- range .containers }}
{{- $c := deepCopy . }}
{{- if not (hasKey $c "securityContext") }}{{ $_ := set $c "securityContext" $.securityContext }}{{ end }}
{{- $out = append $out $c }}
{{- end }}
{{- toYaml $out }}
{{- end }}

{{/* envFrom of a role's main container: the chart's ConfigMap, extraEnvFrom, then the role's. (dict "root" $ "extra" list) */}}
{{- define "taskyard.envFrom" -}}
- configMapRef:
    name: {{ include "taskyard.fullname" .root }}
{{- with concat (.root.Values.extraEnvFrom | default list) (.extra | default list) }}
{{ toYaml . }}
{{- end }}
{{- end }}
