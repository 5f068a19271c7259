{{- define "loop" }}{{ include "loop" . }}{{ end -}}
{{- define "outer" }}{{ include "inner" . | upper }}{{ end -}}
{{- define "inner" }}{{ required "inner needs .Values.y" .Values.y }}{{ end -}}
