module github.com/patchtime/patchtime

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0
	github.com/spf13/pflag v1.1.0
	golang.org/x/text v0.44.0
	gonum.org/v1/gonum v0.17.0
)
