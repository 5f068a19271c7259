{{- define "webapp.image" -}}
{{ include "common.images.image" (dict "imageRoot" .Values.image "global" .Values.global) }}
{{- end -}}
{{- define "webapp.secretName" -}}
{{- default (include "common.names.fullname" .) (tpl .Values.auth.existingSecret $) -}}
{{- end -}}
