{{- define "hostile.self" -}}{{ include "hostile.self" . }}{{- end -}}
{{- define "hostile.mutual.a" -}}a{{ include "hostile.mutual.b" . }}{{- end -}}
{{- define "hostile.mutual.b" -}}b{{ include "hostile.mutual.a" . }}{{- end -}}
{{- define "hostile.tmpl" -}}{{ template "hostile.tmpl" . }}{{- end -}}
