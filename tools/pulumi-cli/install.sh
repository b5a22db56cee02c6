#!/usr/bin/env bash
# npm run pulumi:install: build Pulumi's own programs from the Go module proxy into .cache/pulumi/bin.
#
#   pulumi                          the CLI (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi), pinned in cli/go.mod
#   pulumi-language-nodejs          the Node.js language host, pinned in nodejs-host/go.mod (README.md: why that version)
#   pulumi-resource-pulumi-nodejs   the launcher of dynamic providers, copied from node_modules/@pulumi/pulumi,
#                                   which ships it (it starts @pulumi/pulumi/cmd/dynamic-provider)
#
# Builds only what is missing or whose pin changed (a stamp of the go.mod/go.sum files and the Go
# version), reuses Go's module and build caches, and prints the folder as its last line, so that
#   PATH="$(npm run -s pulumi:install | tail -n 1):$PATH"
# works. Nothing is downloaded at run time: test runs set PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="$root/.cache/pulumi/bin"

say() { echo "pulumi:install: $*" >&2; }

if ! command -v go >/dev/null 2>&1; then
  say "Go is not installed, so the Pulumi CLI cannot be built here."
  say "Either install Go >= 1.24 (https://go.dev/dl/) and run this again, or install the Pulumi CLI"
  say "(https://www.pulumi.com/docs/iac/download-install/, e.g. curl -fsSL https://get.pulumi.com | sh)"
  say "and put it on PATH: npm run test:engine uses the pulumi it finds there (3.139.0 or newer)."
  exit 1
fi

launcher_src="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
if [ ! -f "$launcher_src" ]; then
  say "node_modules/@pulumi/pulumi is missing: run npm ci first."
  exit 1
fi

# The CLI reports this version (`pulumi version`), which requiredPulumiVersion and the Automation
# API check; Pulumi's own Makefile sets it the same way.
cli_version="$(cd "$here/cli" && go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)"
host_version="$(cd "$here/nodejs-host" && go list -m -f '{{.Version}}' github.com/pulumi/pulumi/sdk/v3)"
version_flag="github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"

stamp="$(cat "$here"/cli/go.mod "$here"/cli/go.sum "$here"/nodejs-host/go.mod "$here"/nodejs-host/go.sum \
  "$here/install.sh" | sha256sum | cut -c1-16)-$(go env GOVERSION)"
stamp_file="$bin/.stamp"

mkdir -p "$bin"
if [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-nodejs" ] && [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ]; then
  say "up to date: pulumi $cli_version, pulumi-language-nodejs $host_version"
else
  rm -f "$stamp_file"
  start=$SECONDS
  say "building pulumi $cli_version (a first build downloads about 300 modules, 1.7 GB of Go module cache, and compiles for about 12 minutes on 2 cores)"
  (cd "$here/cli" && go build -trimpath -ldflags "-X $version_flag=$cli_version" -o "$bin/pulumi" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  say "built pulumi in $((SECONDS - start)) s; building pulumi-language-nodejs $host_version"
  (cd "$here/nodejs-host" && go build -trimpath -ldflags "-X $version_flag=$host_version" \
    -o "$bin/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)
  say "built both in $((SECONDS - start)) s"
  echo "$stamp" >"$stamp_file"
fi

# Always refreshed: it belongs to the installed @pulumi/pulumi, not to the Go pins.
install -m 0755 "$launcher_src" "$bin/pulumi-resource-pulumi-nodejs"
say "$("$bin/pulumi" version) in $bin"
echo "$bin"
