#!/bin/sh
# Runs a command inside a new network namespace whose only interface is
# loopback (brought up here), so nothing it does can reach another machine:
#   sh scripts/loopback-netns.sh jest --config spec/node/socks/jest.config.js
# As root this is `unshare --net`; otherwise an unprivileged user namespace
# (`unshare --net --map-root-user`) where the kernel allows one.
set -eu
if [ "${RXRPCX_LOOPBACK_NETNS:-}" = 1 ]; then
  exec "$@"
fi
if ! command -v unshare >/dev/null 2>&1; then
  echo "loopback-netns: unshare (util-linux) is missing: apt-get install -y util-linux" >&2
  exit 1
fi
if ! command -v ip >/dev/null 2>&1; then
  echo "loopback-netns: ip is missing: apt-get install -y iproute2" >&2
  exit 1
fi
inner='ip link set lo up && RXRPCX_LOOPBACK_NETNS=1 exec "$@"'
if [ "$(id -u)" = 0 ]; then
  exec unshare --net -- sh -c "$inner" netns "$@"
fi
exec unshare --net --map-root-user -- sh -c "$inner" netns "$@"
