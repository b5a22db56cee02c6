#!/usr/bin/env bash
# Installs moto (the AWS emulator, PyPI moto[server]) into .cache/moto-venv for `npm run test:moto`.
# Idempotent: does nothing when the pinned version is already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MOTO_VERSION=5.2.5
VENV=.cache/moto-venv
if [ -x "$VENV/bin/moto_server" ] && "$VENV/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  echo "moto.sh: moto $MOTO_VERSION already in $VENV"
  exit 0
fi
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
echo "moto.sh: installed moto $MOTO_VERSION in $VENV"
