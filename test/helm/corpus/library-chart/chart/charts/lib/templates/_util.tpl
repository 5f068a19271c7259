{{- define "lib.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}{{ .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{ end }}
{{- end -}}

{{- define "lib.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- with .Values.extraLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- /* lib.merge renders a template and merges an overrides template into it (the bitnami/common idiom) */ -}}
{{- define "lib.util.merge" -}}
{{- $top := first . -}}
{{- $overrides := fromYaml (include (index . 1) $top) | default (dict) -}}
{{- $tpl := fromYaml (include (index . 2) $top) | default (dict) -}}
{{- toYaml (merge $overrides $tpl) -}}
{{- end -}}

{{- define "lib.service.tpl" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "lib.fullname" . }}
  labels:
    {{- include "lib.labels" . | nindent 4 }}
spec:
  type: {{ .Values.service.type }}
  ports:
    - port: {{ .Values.service.port }}
      targetPort: http
{{- end -}}

{{- define "lib.service" -}}
{{- include "lib.util.merge" (append . "lib.service.tpl") -}}
{{- end -}}

{{- define "lib.configmap" -}}
{{- $top := index . 0 -}}
{{- $name := index . 1 -}}
{{- $data := index . 2 -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "lib.fullname" $top }}-{{ $name }}
data:
  {{- toYaml $data | nindent 2 }}
{{- end -}}
