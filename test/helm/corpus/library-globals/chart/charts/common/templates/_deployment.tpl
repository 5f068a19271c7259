{{- define "common.deployment" -}}
{{- $root := .root -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "common.fullname" $root }}-{{ .component }}
  labels:
    {{- include "common.labels" $root | nindent 4 }}
    component: {{ .component }}
spec:
  replicas: {{ .replicas | default 1 }}
  selector:
    matchLabels:
      component: {{ .component }}
  template:
    spec:
      containers:
        - name: {{ .component }}
          image: {{ include "common.image" (dict "global" $root.Values.global "image" .image) }}
          imagePullPolicy: {{ $root.Values.global.pullPolicy }}
{{- end -}}
