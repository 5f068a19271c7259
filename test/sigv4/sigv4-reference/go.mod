module fluxts.test/sigv4ref

go 1.24

require github.com/aws/aws-sdk-go-v2 v1.42.1

require github.com/aws/smithy-go v1.27.3 // indirect
