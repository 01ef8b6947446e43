#!/bin/sh
# What the test suite needs beyond the repository's npm packages, installed if
# missing, so that `npm ci && npm test` works on a fresh Debian machine. First,
# npm's cache gets the packages the packed-tarball test installs offline (the
# suite itself runs without network). Then Debian packages: the reference aiorpcX
# (differential and interop tests), real SOCKS proxies, HAProxy (the PROXY
# protocol tests), headless Chromium (the browser tests), and the tools of the
# loopback-only network namespace the suite runs in. One list, used by
# `npm test`, `npm run test:interop`, `npm run test:socks` and `.ci/run`.
set -eu
node "$(dirname "$0")/warm-npm-cache.js" || {
  echo "test-setup: could not put the tarball test's packages in npm's cache (node scripts/warm-npm-cache.js needs the npm registry once)" >&2
  exit 1
}
packages="python3-aiorpcx python3-websockets microsocks dante-server iproute2 util-linux openssl chromium haproxy"
missing=""
for pkg in $packages; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test-setup: missing Debian packages:$missing" >&2
  echo "test-setup: install them with: sudo apt-get install -y$missing" >&2
  exit 1
fi
echo "test-setup: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq $missing >/dev/null
