{{- define "common.fullname" -}}
{{- .Release.Name }}-overridden-by-shallower
{{- end -}}
