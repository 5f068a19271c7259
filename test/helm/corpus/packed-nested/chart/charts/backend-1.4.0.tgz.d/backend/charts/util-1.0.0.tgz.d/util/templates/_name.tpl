{{- define "util.name" -}}{{ .Release.Name }}-{{ .Chart.Name }}-{{ .Chart.Version }}{{- end -}}
