{{ define "a" }}x{{ end }}
{{ define "a" }}
