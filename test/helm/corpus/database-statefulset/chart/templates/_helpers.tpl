{{- define "pg.fullname" -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- define "pg.validate" -}}
{{- if and (eq .Values.architecture "replication") (not .Values.auth.replicationPassword) (not .Values.auth.existingSecret) -}}
{{- fail "\nPASSWORDS ERROR: replication needs auth.replicationPassword (or auth.existingSecret)" -}}
{{- end -}}
{{- if not (has .Values.architecture (list "standalone" "replication")) -}}
{{- fail (printf "architecture must be standalone or replication, not %q" .Values.architecture) -}}
{{- end -}}
{{- end -}}
