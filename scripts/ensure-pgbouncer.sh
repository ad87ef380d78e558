#!/usr/bin/env bash
# Prints the path of a pgbouncer binary, installing Debian's package when it is missing and
# this is a root shell with apt (as on CI). Exits 1, printing nothing, when none can be had.
set -u
find_it() { command -v pgbouncer 2>/dev/null || { [ -x /usr/sbin/pgbouncer ] && echo /usr/sbin/pgbouncer; }; }
bin=$(find_it) && { echo "$bin"; exit 0; }
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y --no-install-recommends pgbouncer || { apt-get update && apt-get install -y --no-install-recommends pgbouncer; }; } >&2
  # The package starts a system pgbouncer on 6432; the tests run their own.
  { service pgbouncer stop || pkill -x pgbouncer || true; } >/dev/null 2>&1
  bin=$(find_it) && { echo "$bin"; exit 0; }
fi
exit 1
