//go:build tools

// Package tools pins Pulumi's Go language host (pulumi-language-go).
//
// The host left sdk/v3 for a module of its own (github.com/pulumi/pulumi/sdk/go/pulumi-language-go),
// which the Go module proxy does not serve; up to v3.62.0 it was the package go/pulumi-language-go
// of sdk/v3, which it does. So v3.62.0 is the newest of Pulumi's Go hosts that can be built here.
// The host only builds and runs the program (`go build` in the program's folder, then the binary
// with the engine's address and the stack's config): the program itself compiles against whatever
// sdk/v3 its own go.mod requires (v3.276.0 for the calendly SDK).
package tools

import (
	_ "github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go"
)
