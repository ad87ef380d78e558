#!/usr/bin/env bash
# Prints the directory holding the prometheus and promtool binaries, installing Debian's
# package when they are missing and this is a root shell with apt (as on CI). Exits 1,
# printing nothing, when they cannot be had.
set -u
find_it() {
  for dir in "$(dirname "$(command -v prometheus 2>/dev/null || echo /nonexistent/x)")" /usr/bin; do
    [ -x "$dir/prometheus" ] && [ -x "$dir/promtool" ] && { echo "$dir"; return 0; }
  done
  return 1
}
dir=$(find_it) && { echo "$dir"; exit 0; }
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y --no-install-recommends prometheus || { apt-get update && apt-get install -y --no-install-recommends prometheus; }; } >&2
  # The package starts a system Prometheus on 9090; the tests run their own.
  { service prometheus stop || true; } >/dev/null 2>&1
  dir=$(find_it) && { echo "$dir"; exit 0; }
fi
exit 1
