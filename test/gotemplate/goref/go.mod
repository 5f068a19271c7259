module github.com/fluxts/gotemplate-ref

go 1.26.0
