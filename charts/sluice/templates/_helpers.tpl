{{/* The release's full name: "<release>-controller", or "<release>-sluice-controller". */}}
{{- define "sluice.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- printf "%s-controller" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s-controller" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "sluice.serviceAccountName" -}}
{{- default (include "sluice.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "sluice.selectorLabels" -}}
app.kubernetes.io/name: sluice
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end -}}

{{- define "sluice.labels" -}}
{{ include "sluice.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/*
What rolloutd does in the namespaces it watches; the same rules as
manifests/rbac/cluster-role.yaml, where each is justified (a test keeps them equal).
*/}}
{{- define "sluice.controllerRules" -}}
- apiGroups: ["sluice.dev"]
  resources: ["rollouts"]
  verbs: ["list", "watch"]
- apiGroups: ["sluice.dev"]
  resources: ["rollouts/status"]
  verbs: ["update", "patch"]
- apiGroups: ["sluice.dev"]
  resources: ["rollouts/finalizers"]
  verbs: ["update"]
- apiGroups: ["apps"]
  resources: ["replicasets"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["list", "watch", "patch"]
- apiGroups: ["gateway.networking.k8s.io"]
  resources: ["httproutes"]
  verbs: ["list", "watch", "get", "update"]
- apiGroups: ["sluice.dev"]
  resources: ["analysisruns"]
  verbs: ["list", "watch", "create", "patch"]
- apiGroups: ["sluice.dev"]
  resources: ["analysisruns/status"]
  verbs: ["update"]
- apiGroups: ["sluice.dev"]
  resources: ["analysistemplates"]
  verbs: ["list", "watch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- with .Values.rbac.analysisProviders }}
{{- if .secretNames }}
# Optional (rbac.analysisProviders.secretNames): the Secrets analysis templates read
# (Sources/Analysis/Arguments/SecretReader.swift), by name.
- apiGroups: [""]
  resources: ["secrets"]
  resourceNames: {{ toJson .secretNames }}
  verbs: ["get"]
{{- end }}
{{- if .jobs }}
# Optional (rbac.analysisProviders.jobs): Job metrics (Sources/Analysis/Job/JobClient.swift)
# create a Job, read its conditions and delete it when the run ends.
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["create", "get", "delete"]
{{- end }}
{{- end }}
{{- end -}}

{{/* Rules for cluster-scoped kinds: in the ClusterRole only (see manifests/rbac/cluster-role.yaml). */}}
{{- define "sluice.clusterScopedRules" -}}
- apiGroups: ["sluice.dev"]
  resources: ["clusteranalysistemplates"]
  verbs: ["list", "watch"]
{{- end -}}

{{/* Flags the chart sets from values; extraArgs must not repeat them. */}}
{{- define "sluice.checkExtraArgs" -}}
{{- $reserved := list "--namespace" "--leader-elect" "--leader-election-namespace" "--leader-election-id" "--metrics-addr" "--log-format" "--log-level" "--workers" -}}
{{- range .Values.extraArgs -}}
{{- $flag := regexReplaceAll "=.*$" . "" -}}
{{- if has $flag $reserved -}}
{{- fail (printf "extraArgs: %s is set by the chart; use its value instead (watchNamespace, leaderElection, metrics.port, log, workers)" $flag) -}}
{{- end -}}
{{- end -}}
{{- end -}}
