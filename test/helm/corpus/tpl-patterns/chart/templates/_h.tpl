{{- define "tplp.name" -}}{{ .Chart.Name }}-{{ .Release.Name }}{{- end -}}
