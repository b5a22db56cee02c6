#!/usr/bin/env bash
# npm run pulumi:install: build Pulumi's own programs from the Go module proxy into .cache/pulumi/bin.
#
#   pulumi                          the CLI (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi), pinned in cli/go.mod
#   pulumi-language-nodejs          the Node.js language host, pinned in nodejs-host/go.mod (README.md: why that version)
#   pulumi-language-yaml            the YAML language host (github.com/pulumi/pulumi-yaml), pinned in yaml-host/go.mod
#   pulumi-language-python          the Python language host (sdk/v3 v3.68.0), pinned in python-host/go.mod,
#   pulumi-language-python-exec     with the exec script it runs, copied from the same pinned module
#   pulumi-language-go              the Go language host (sdk/v3 v3.62.0), pinned in go-host/go.mod
#   pulumi-resource-pulumi-nodejs   the launcher of dynamic providers, copied from node_modules/@pulumi/pulumi,
#                                   which ships it (it starts @pulumi/pulumi/cmd/dynamic-provider)
#
# Each Go program is built only when it is missing or its pin changed: its own stamp (its folder's
# go.mod and go.sum, the package and flags it is built with, the Go version) in .cache/pulumi/bin/.stamps.
# Go's module and build caches are reused. The script prints the folder as its last line, so that
#   PATH="$(npm run -s pulumi:install | tail -n 1):$PATH"
# works. Nothing is downloaded at run time: test runs set PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION.
#
# Another program is one more `build_program` line below, with its own pinned module folder beside
# this script (a go.mod requiring the program's module, and a tools.go importing it blank).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="$root/.cache/pulumi/bin"
stamps="$bin/.stamps"

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

go_version="$(go env GOVERSION)"
mkdir -p "$bin" "$stamps"
built=()

# build_program <output name> <module folder> <package> <module whose version it reports> <version variable>
#   Builds <package> inside the pinned module folder (so its go.sum checks every dependency) into
#   $bin/<output name>, stamping <version variable> with the pinned version of <module> (-ldflags -X,
#   as Pulumi's own Makefiles do, so the program reports a real version).
build_program() {
  local name="$1" dir="$here/$2" package="$3" version_module="$4" version_variable="$5"
  local version ldflags stamp
  version="$(cd "$dir" && go list -m -f '{{.Version}}' "$version_module")"
  ldflags="-X $version_variable=$version"
  stamp="$(cat "$dir/go.mod" "$dir/go.sum" <(echo "$package $ldflags") | sha256sum | cut -c1-16)-$go_version"
  if [ -x "$bin/$name" ] && [ "$(cat "$stamps/$name" 2>/dev/null)" = "$stamp" ]; then
    say "up to date: $name $version"
    return
  fi
  rm -f "$stamps/$name"
  local start=$SECONDS
  say "building $name $version"
  (cd "$dir" && go build -trimpath -ldflags "$ldflags" -o "$bin/$name" "$package")
  say "built $name $version in $((SECONDS - start)) s"
  echo "$stamp" >"$stamps/$name"
  built+=("$name")
}

pulumi_version_variable="github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"

# A first build of the CLI (empty caches) downloads about 300 modules (1.7 GB of Go module cache) and
# compiles for 4 to 12 minutes on 2 cores (tools/pulumi-cli/README.md); the hosts after it reuse most of it.
build_program pulumi cli github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
  github.com/pulumi/pulumi/pkg/v3 "$pulumi_version_variable"
build_program pulumi-language-nodejs nodejs-host github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs \
  github.com/pulumi/pulumi/sdk/v3 "$pulumi_version_variable"
build_program pulumi-language-yaml yaml-host github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml \
  github.com/pulumi/pulumi-yaml github.com/pulumi/pulumi-yaml/pkg/version.Version
build_program pulumi-language-python python-host github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python \
  github.com/pulumi/pulumi/sdk/v3 "$pulumi_version_variable"
build_program pulumi-language-go go-host github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go \
  github.com/pulumi/pulumi/sdk/v3 "$pulumi_version_variable"

# The Python host runs the exec script that sits beside its own executable. The script is a file of
# the same pinned module (go.sum checks the module's zip), so it is copied from Go's module cache.
python_exec_src="$(cd "$here/python-host" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)/python/cmd/pulumi-language-python-exec"
install -m 0755 "$python_exec_src" "$bin/pulumi-language-python-exec"

# One stamp for the whole folder (what other checks look for): the programs' stamps together.
cat "$stamps"/* | sha256sum | cut -c1-16 >"$bin/.stamp"

# Always refreshed: it belongs to the installed @pulumi/pulumi, not to the Go pins.
install -m 0755 "$launcher_src" "$bin/pulumi-resource-pulumi-nodejs"
say "$("$bin/pulumi" version) in $bin${built[*]:+ (built: ${built[*]})}"
echo "$bin"
