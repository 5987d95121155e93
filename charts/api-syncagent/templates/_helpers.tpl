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

{{- define "api-syncagent.selectorLabels" -}}
app.kubernetes.io/name: {{ include "api-syncagent.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "api-syncagent.labels" -}}
{{ include "api-syncagent.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- with .Values.extraLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "api-syncagent.metadata" -}}
labels:
  {{- include "api-syncagent.labels" . | nindent 2 }}
{{- with .Values.extraAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
