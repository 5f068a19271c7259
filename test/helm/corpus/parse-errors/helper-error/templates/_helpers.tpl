{{- define "h" -}}
{{ .x | bad }}
{{- end -}}
