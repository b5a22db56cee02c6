//go:build tools

// Package tools pins the Pulumi CLI that `npm run pulumi:install` builds from the Go module proxy.
// The blank import makes `go mod tidy` keep github.com/pulumi/pulumi/pkg/v3 (and its whole
// dependency graph, checked by go.sum) in this module; install.sh then runs `go build` inside it.
// A dependency's own `replace` directives (pkg/go.mod points sdk/v3 at ../sdk) do not apply here,
// so the build takes sdk/v3 from the proxy at the version pkg/v3 requires.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
