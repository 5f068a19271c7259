{{- define "fn.name" -}}{{ .Chart.Name }}-{{ .Values.name }}{{- end -}}
{{- define "fn.labels" -}}
app: {{ include "fn.name" . }}
chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
{{- define "fn.recurse" -}}{{ if gt (int .) 0 }}{{ . }},{{ include "fn.recurse" (sub (int .) 1) }}{{ end }}{{- end -}}
