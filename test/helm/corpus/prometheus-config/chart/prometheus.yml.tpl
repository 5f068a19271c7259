global:
{{ toYaml .Values.server.global | indent 2 }}
rule_files:
{{- range $path, $_ := .Files.Glob .Values.ruleFiles }}
  - /etc/config/{{ base $path }}
{{- end }}
scrape_configs:
{{- range $name, $cfg := .Values.scrapeConfigs }}
  - {{ toYaml $cfg | indent 4 | trim }}
{{- end }}
{{- with .Values.extraScrapeConfigs }}
{{ tpl . $ | indent 2 }}
{{- end }}
{{- if .Values.alertmanagers }}
alerting:
  alertmanagers:
{{ toYaml .Values.alertmanagers | indent 4 }}
{{- end }}
