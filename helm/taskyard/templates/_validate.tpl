{{/*
Checks that values.schema.json cannot express (required-one-of, cross-field limits). Each
failure names the value to change: "<path> must …". Included once, from configmap.yaml.
*/}}
{{- define "taskyard.validate" -}}
{{- $v := .Values }}

{{- /* database: exactly one source of DATABASE_URL (serve and migrate use it; workers never do) */}}
{{- if and $v.database.url $v.database.existingSecret }}
{{- fail "database.url must be empty when database.existingSecret is set (use one source for DATABASE_URL)" }}
{{- end }}
{{- if and (or $v.serve.enabled $v.migrations.enabled) (not (or $v.database.url $v.database.existingSecret)) }}
{{- fail "database.url or database.existingSecret must be set (the MySQL connection, e.g. --set database.existingSecret=taskyard-db)" }}
{{- end }}
{{- if and $v.database.url (not (regexMatch "^(mysql|mariadb)://" $v.database.url)) }}
{{- fail "database.url must start with mysql:// (e.g. mysql://user:pass@host:3306/taskyard)" }}
{{- end }}

{{- /* temporal */}}
{{- if not $v.temporal.address }}
{{- fail "temporal.address must be set to the Temporal frontend host:port (e.g. temporal-frontend.temporal:7233)" }}
{{- end }}
{{- if not (regexMatch "^[^/:]+:[0-9]+$|^\\[[0-9a-fA-F:.]+\\]:[0-9]+$" $v.temporal.address) }}
{{- fail (printf "temporal.address must be host:port without a scheme, got %q" $v.temporal.address) }}
{{- end }}
{{- if and $v.temporal.apiKey $v.temporal.existingSecret }}
{{- fail "temporal.apiKey must be empty when temporal.existingSecret is set (use one source for TEMPORAL_API_KEY)" }}
{{- end }}
{{- $tls := $v.temporal.tls }}
{{- if and $tls.existingSecret (not $tls.enabled) }}
{{- fail "temporal.tls.enabled must be true when temporal.tls.existingSecret is set" }}
{{- end }}
{{- if and $tls.existingSecret (ne (empty $tls.certKey) (empty $tls.keyKey)) }}
{{- fail "temporal.tls.certKey and temporal.tls.keyKey must be set together (client certificate and key)" }}
{{- end }}
{{- if and $tls.existingSecret (not (or $tls.certKey $tls.caKey)) }}
{{- fail "temporal.tls.existingSecret must provide a client certificate (certKey/keyKey) or a CA (caKey)" }}
{{- end }}
{{- if and $v.temporal.uiUrl (not (regexMatch "^https?://" $v.temporal.uiUrl)) }}
{{- fail "temporal.uiUrl must be an http:// or https:// URL" }}
{{- end }}

{{- /* config */}}
{{- range $v.config.corsOrigins }}
{{- if not (regexMatch "^https?://[^/,\\s]+$" .) }}
{{- fail (printf "config.corsOrigins must list origins like https://console.example.com (scheme and host, no path), got %q" .) }}
{{- end }}
{{- end }}
{{- with $v.config.auth.jwksUrl }}
{{- if not (regexMatch "^https?://" .) }}
{{- fail "config.auth.jwksUrl must be an https:// URL" }}
{{- end }}
{{- end }}
{{- range $k, $_ := $v.config.extraEnv }}
{{- if not (regexMatch "^[A-Za-z_][A-Za-z0-9_]*$" $k) }}
{{- fail (printf "config.extraEnv keys must be environment variable names, got %q" $k) }}
{{- end }}
{{- end }}

{{- with $v.config.workflowTaskQueue }}
{{- if not (regexMatch "^\\S(.*\\S)?$" (toString .)) }}
{{- fail "config.workflowTaskQueue must not start or end with whitespace" }}
{{- end }}
{{- end }}

{{- /* something to run */}}
{{- $groups := include "taskyard.enabledWorkerGroups" . | fromJsonArray }}
{{- if and (not $v.serve.enabled) (empty $groups) }}
{{- fail "serve.enabled must be true or worker.groups must enable at least one group (nothing to deploy)" }}
{{- end }}
{{- if and $v.ingress.enabled (not $v.serve.enabled) }}
{{- fail "ingress.enabled must be false when serve.enabled is false (the Ingress routes to serve)" }}
{{- end }}

{{- /* serve */}}
{{- $graceMs := int64 $v.config.shutdownGraceMs }}
{{- if $v.serve.enabled }}
{{- $needMs := add (mul (int64 $v.serve.preStopSleepSeconds) 1000) $graceMs }}
{{- if le (mul (int64 $v.serve.terminationGracePeriodSeconds) 1000) $needMs }}
{{- fail (printf "serve.terminationGracePeriodSeconds must exceed serve.preStopSleepSeconds + config.shutdownGraceMs/1000 (%d ms), got %d s" $needMs (int64 $v.serve.terminationGracePeriodSeconds)) }}
{{- end }}
{{- include "taskyard.validateScaling" (dict "path" "serve" "replicas" $v.serve.replicaCount "autoscaling" $v.serve.autoscaling "pdb" $v.serve.podDisruptionBudget) }}
{{- end }}

{{- /* workers: the API they call, and their credential */}}
{{- with $v.worker.taskyardUrl }}
{{- if not (regexMatch "^https?://[^/\\s]+(/\\S*)?$" .) }}
{{- fail (printf "worker.taskyardUrl must be an http:// or https:// URL of Taskyard's API (e.g. http://taskyard.taskyard.svc:8080), got %q" .) }}
{{- end }}
{{- end }}
{{- if and (not (empty $groups)) (not $v.serve.enabled) (not $v.worker.taskyardUrl) }}
{{- fail "worker.taskyardUrl must be set when serve.enabled is false: workers call Taskyard's API, e.g. http://taskyard.taskyard.svc:8080 (another release's serve Service)" }}
{{- end }}

{{- /* worker groups */}}
{{- range $name, $group := $v.worker.groups }}
{{- $path := printf "worker.groups.%s" $name }}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" $name) }}
{{- fail (printf "%s must be named with lowercase letters, digits and '-' (a DNS label)" $path) }}
{{- end }}
{{- if gt (len $name) 20 }}
{{- fail (printf "%s must have a name of at most 20 characters" $path) }}
{{- end }}
{{- $g := include "taskyard.workerGroup" (dict "root" $ "name" $name "group" $group) | fromYaml }}
{{- if $g.enabled }}
{{- if empty $g.queues }}
{{- fail (printf "%s.queues must list at least one Taskyard queue" $path) }}
{{- end }}
{{- range $g.queues }}
{{- if not (regexMatch "^[^,\\s]+$" (toString .)) }}
{{- fail (printf "%s.queues must hold queue names without commas or spaces, got %q" $path (toString .)) }}
{{- end }}
{{- end }}
{{- if and (ne (toString $v.config.auth.mode) "off") (not $g.credentialsSecret) }}
{{- fail (printf "worker.credentials.existingSecret (or %s.credentials.existingSecret) must name the Secret holding the workers' token while config.auth.mode is on: an API key with role worker, minted in a serve pod with `taskyard apikey create --tenant <tenant> --role worker --name workers` and stored with `kubectl create secret generic <name> --from-literal=token=<key>` (worker pods wait for it; see the chart README, \"Worker credentials\")" $path) }}
{{- end }}
{{- if and $g.image.repository (not (or $g.image.tag $g.image.digest)) }}
{{- fail (printf "%s.image.tag or %s.image.digest must be set when %s.image.repository is set (the chart's appVersion is no tag of your image)" $path $path $path) }}
{{- end }}
{{- if le (mul (int64 $g.terminationGracePeriodSeconds) 1000) $graceMs }}
{{- fail (printf "%s.terminationGracePeriodSeconds (or worker.terminationGracePeriodSeconds) must exceed config.shutdownGraceMs/1000 (%d ms), got %d s" $path $graceMs (int64 $g.terminationGracePeriodSeconds)) }}
{{- end }}
{{- include "taskyard.validateScaling" (dict "path" $path "replicas" $g.replicaCount "autoscaling" $g.autoscaling "pdb" $g.podDisruptionBudget) }}
{{- if $g.keda.enabled }}
{{- if $g.autoscaling.enabled }}
{{- fail (printf "%s.autoscaling.enabled must be false when %s.keda.enabled is true (KEDA creates the group's HPA itself)" $path $path) }}
{{- end }}
{{- if not $g.keda.serverAddress }}
{{- fail (printf "worker.keda.serverAddress (or %s.keda.serverAddress) must be the Prometheus URL KEDA queries, e.g. http://prometheus-operated.monitoring:9090" $path) }}
{{- end }}
{{- if gt (int64 $g.keda.minReplicaCount) (int64 $g.keda.maxReplicaCount) }}
{{- fail (printf "%s.keda.minReplicaCount must not exceed %s.keda.maxReplicaCount" $path $path) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{- /* helm test */}}
{{- if $v.helmTest.enabled }}
{{- if not $v.serve.enabled }}
{{- fail "helmTest.enabled must be false when serve.enabled is false (the test calls this release's serve)" }}
{{- end }}
{{- if and (ne (toString $v.config.auth.mode) "off") (not $v.helmTest.apiKey.existingSecret) }}
{{- fail "helmTest.apiKey.existingSecret must name the Secret holding an API key (role viewer or more) while config.auth.mode is on: `taskyard apikey create --tenant <tenant> --role viewer --name helm-test`" }}
{{- end }}
{{- end }}

{{- /* migrations */}}
{{- if and $v.migrations.enabled $v.migrations.activeDeadlineSeconds (lt (int64 $v.migrations.activeDeadlineSeconds) 30) }}
{{- fail "migrations.activeDeadlineSeconds must be at least 30" }}
{{- end }}
{{- end }}

{{/*
HPA and PDB sanity for one Deployment.
(dict "path" "serve" "replicas" n "autoscaling" map "pdb" map)
*/}}
{{- define "taskyard.validateScaling" -}}
{{- $a := .autoscaling | default dict }}
{{- if $a.enabled }}
{{- $min := int64 (default 1 $a.minReplicas) }}
{{- if gt $min (int64 $a.maxReplicas) }}
{{- fail (printf "%s.autoscaling.minReplicas must not exceed %s.autoscaling.maxReplicas" .path .path) }}
{{- end }}
{{- if and (kindIs "invalid" $a.targetCPUUtilizationPercentage) (kindIs "invalid" $a.targetMemoryUtilizationPercentage) }}
{{- fail (printf "%s.autoscaling must set targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage" .path) }}
{{- end }}
{{- end }}
{{- $p := .pdb | default dict }}
{{- if $p.enabled }}
{{- $hasMin := not (kindIs "invalid" $p.minAvailable) }}
{{- $hasMax := not (kindIs "invalid" $p.maxUnavailable) }}
{{- if eq $hasMin $hasMax }}
{{- fail (printf "%s.podDisruptionBudget must set exactly one of minAvailable and maxUnavailable (the other null)" .path) }}
{{- end }}
{{- /* A whole-number minAvailable >= replicas blocks every node drain. */}}
{{- if and $hasMin (not $a.enabled) (not (kindIs "string" $p.minAvailable)) }}
{{- if ge (int64 $p.minAvailable) (int64 .replicas) }}
{{- fail (printf "%s.podDisruptionBudget.minAvailable must be lower than %s.replicaCount (%d), or node drains block" .path .path (int64 .replicas)) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
