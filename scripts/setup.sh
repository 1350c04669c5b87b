#!/bin/sh
# Installs the Debian packages Lunar builds and tests with; does nothing when all are present.
set -e
PKGS="build-essential cmake pkg-config libuv1-dev libluajit2-5.1-dev robin-map-dev catch2
libtoml11-dev redis-server redis-tools python3 python3-redis"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "setup: missing packages:$missing (run as root, or install them)" >&2
  exit 1
fi
echo "setup: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
