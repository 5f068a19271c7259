{{- define "loop" }}{{ include "loop" . }}{{ end -}}
{{- define "outer" }}{{ include "inner" . | upper }}{{ end -}}
{{- define "inner" }}{{ required "inner needs .Values.y" .Values.y }}{{ end -}}
{{- /* countdown nests include N deep: Helm allows 1000 nested calls of one name and refuses the 1001st. */ -}}
{{- define "countdown" }}{{ if gt (int .) 0 }}{{ include "countdown" (sub (int .) 1) }}{{ else }}bottom{{ end }}{{ end -}}
