#!/usr/bin/env bash
# Prints the python of a private virtual environment (.cache/python-otel/ in the project, git-ignored)
# holding the official OpenTelemetry Python SDK and its OTLP exporters (gRPC and HTTP), pinned below,
# installing them from the package registry with pip when they are missing. python3 with venv
# comes from Debian's packages when it is missing and this is a root shell with apt (as on CI).
# Exits 1, printing nothing on stdout and a warning naming what is missing on stderr, when Python,
# venv, pip or the packages cannot be had (the Python exporter spec then skips with that warning).
# Fast when already installed: a stamp of the pinned list is checked, nothing else.
set -u
PACKAGES=(
  opentelemetry-sdk==1.45.0
  opentelemetry-exporter-otlp-proto-grpc==1.45.0
  opentelemetry-exporter-otlp-proto-http==1.45.0
)
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.cache/python-otel"
py="$venv/bin/python"
stamp="$venv/fourfold-packages.txt"
wanted=$(printf '%s\n' "${PACKAGES[@]}")
[ -x "$py" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ] && { echo "$py"; exit 0; }

warn() { echo "ensure-python-otel: $*" >&2; }
has_venv() { command -v python3 >/dev/null 2>&1 && python3 -c 'import venv, ensurepip' >/dev/null 2>&1; }
if ! has_venv && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y --no-install-recommends python3 python3-venv ||
    { apt-get update && apt-get install -y --no-install-recommends python3 python3-venv; }; } >&2
fi
has_venv || { warn "python3 with the venv module is not installed and cannot be installed here"; exit 1; }

# A half-made environment (an install that failed) is made anew.
rm -rf "$venv"
python3 -m venv "$venv" >&2 || { warn "python3 -m venv $venv failed"; rm -rf "$venv"; exit 1; }
if ! "$py" -m pip install --disable-pip-version-check --no-input --retries 1 --timeout 60 -q "${PACKAGES[@]}" >&2; then
  warn "pip could not install ${PACKAGES[*]} (not served by the package index reached here?)"
  rm -rf "$venv"
  exit 1
fi
if ! "$py" -c 'import opentelemetry.sdk, opentelemetry.exporter.otlp.proto.grpc.trace_exporter, opentelemetry.exporter.otlp.proto.http.trace_exporter' >&2; then
  warn "the installed OpenTelemetry packages do not import"
  rm -rf "$venv"
  exit 1
fi
echo "$wanted" >"$stamp"
echo "$py"
