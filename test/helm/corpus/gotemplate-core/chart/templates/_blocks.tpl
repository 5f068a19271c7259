{{- define "core.greet" -}}hello {{ . }}{{- end -}}
{{- define "core.override" -}}first{{- end -}}
{{- define "core.list" -}}
{{- range . }}
- {{ . }}
{{- end }}
{{- end -}}
