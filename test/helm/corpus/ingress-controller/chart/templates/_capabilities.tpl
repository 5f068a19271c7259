{{- define "ctl.pdb.apiVersion" -}}
{{- if .Capabilities.APIVersions.Has "policy/v1/PodDisruptionBudget" -}}policy/v1{{- else -}}policy/v1beta1{{- end -}}
{{- end -}}
{{- define "ctl.hpa.apiVersion" -}}
{{- if .Capabilities.APIVersions.Has "autoscaling/v2" -}}autoscaling/v2
{{- else if .Capabilities.APIVersions.Has "autoscaling/v2beta2" -}}autoscaling/v2beta2
{{- else -}}autoscaling/v2beta1{{- end -}}
{{- end -}}
{{- define "ctl.isOldK8s" -}}
{{- semverCompare "<1.23-0" .Capabilities.KubeVersion.GitVersion -}}
{{- end -}}
