{{- define "api-syncagent.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "api-syncagent.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "api-syncagent.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride -}}
{{- end -}}

{{- define "api-syncagent.agentName" -}}
{{- default .Release.Name .Values.agentName -}}
{{- end -}}

{{- define "api-syncagent.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "api-syncagent.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The endpoint slice: the explicit value, else the legacy APIExport name (same-named slice). */}}
{{- define "api-syncagent.endpointSlice" -}}
{{- if .Values.apiExportEndpointSliceName -}}
{{- .Values.apiExportEndpointSliceName -}}
{{- else if .Values.apiExportName -}}
{{- .Values.apiExportName -}}
{{- else -}}
{{- fail "apiExportEndpointSliceName (or the legacy apiExportName) is required" -}}
{{- end -}}
{{- end -}}

{{/*
Pod selector. These two labels (and their values) are the ones the Go chart (kcp-dev/helm-charts
api-syncagent 0.6.x) puts on its Deployment: a Deployment's selector is immutable, so any other value
would make `helm upgrade` from the Go chart fail. docs/migration.md lists what survives an upgrade.
*/}}
{{- define "api-syncagent.selectorLabels" -}}
app.kubernetes.io/name: kcp-api-syncagent
app.kubernetes.io/instance: {{ include "api-syncagent.agentName" . | quote }}
{{- end -}}

{{- define "api-syncagent.labels" -}}
{{ include "api-syncagent.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- with .Values.extraLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Names of the RBAC objects, as the Go chart names them (kept so that an upgrade from it updates the
objects in place). Cluster-scoped objects and the events Role in `default` carry the release
namespace: two releases of the same name in different namespaces do not collide.
*/}}
{{- define "api-syncagent.clusterRoleName" -}}
{{- printf "%s:%s" (include "api-syncagent.fullname" .) .Release.Namespace -}}
{{- end -}}

{{- define "api-syncagent.eventsRoleName" -}}
{{- printf "%s:%s:events" (include "api-syncagent.fullname" .) .Release.Namespace -}}
{{- end -}}

{{/*
hostAliases in either shape: the Go chart's `{enabled: true, values: [...]}` or a plain list.
Renders the list (possibly empty) as YAML.
*/}}
{{- define "api-syncagent.hostAliases" -}}
{{- $h := .Values.hostAliases -}}
{{- if kindIs "slice" $h -}}
{{- toYaml $h -}}
{{- else if and (kindIs "map" $h) $h.enabled -}}
{{- toYaml ($h.values | default list) -}}
{{- else -}}
[]
{{- end -}}
{{- end -}}

{{- define "api-syncagent.metadata" -}}
labels:
  {{- include "api-syncagent.labels" . | nindent 2 }}
{{- with .Values.extraAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
