//go:build tools

// Package tools pins Pulumi's Python language host (pulumi-language-python) and, from the same
// module, its exec script (python/cmd/pulumi-language-python-exec, copied beside the host by
// install.sh: the host runs the script that sits next to its own executable).
//
// Since v3.69.0 the host is its own Go module (github.com/pulumi/pulumi/sdk/python/cmd/...), which
// the Go module proxy does not serve; until v3.68.0 it was a package of sdk/v3, which it does. So
// v3.68.0 is the newest of Pulumi's Python hosts that can be built here. ../README.md says what it
// does not do for CLI v3.276.0 (it ignores the runtime's `virtualenv` option).
package tools

import (
	_ "github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python"
)
