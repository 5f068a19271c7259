{{- /* templates are parsed in name order: a later file's define replaces an earlier one */ -}}
{{- define "core.override" -}}second{{- end -}}
