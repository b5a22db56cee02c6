//go:build tools

// Package tools pins Pulumi's Node.js language host (pulumi-language-nodejs).
//
// Since v3.69.0 Pulumi publishes the host as its own Go module,
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, but without version tags: the
// Go module proxy serves no version of it (every @v/list, @latest, tag and pseudo-version request
// is refused). Until v3.68.0 the same program was a package of the sdk/v3 module, which the proxy
// does serve, so that is the newest release of Pulumi's own host that can be built here. It is a
// separate module from ../cli because sdk/v3 v3.68.0 cannot share a build list with pkg/v3 v3.276.0.
// tools/pulumi-cli/README.md says what this host does in a deployment and why its age does not
// matter for the runs it serves.
package tools

import (
	_ "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"
)
