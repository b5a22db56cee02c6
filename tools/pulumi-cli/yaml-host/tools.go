//go:build tools

// Package tools pins Pulumi's YAML language host (pulumi-language-yaml), which runs the
// `runtime: yaml` programs that prove the native provider (pulumi-resource-calendly) in the
// language that has no SDK at all.
//
// pulumi-yaml v1.38.3 requires pkg/v3 and sdk/v3 v3.257.0. This module requires v3.276.0 instead,
// the CLI's own pins (../cli), so that the host compiles against the same Pulumi packages as the
// CLI, from the same Go build cache, rather than downloading and compiling a second copy of them.
package tools

import (
	_ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
)
