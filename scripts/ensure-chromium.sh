#!/usr/bin/env bash
# Prints the path of a Chromium binary, installing Debian's package when it is missing and
# this is a root shell with apt (as on CI). Exits 1, printing nothing, when none can be had
# (the browser spec then skips with a warning).
set -u
find_it() { for b in /usr/bin/chromium /usr/bin/chromium-browser; do [ -x "$b" ] && { echo "$b"; return 0; }; done; return 1; }
bin=$(find_it) && { echo "$bin"; exit 0; }
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y --no-install-recommends chromium || { apt-get update && apt-get install -y --no-install-recommends chromium; }; } >&2
  bin=$(find_it) && { echo "$bin"; exit 0; }
fi
exit 1
