#!/usr/bin/env bash
# Prints the Python interpreter that runs a Flower App's clients for flowersim, making it on first
# use, as bin/flowersim builds the jars on first use:
#   $FLOWERSIM_PYTHON if set (your own environment: it needs flwr and the app's dependencies;
#   flowersim's worker package comes from this directory through PYTHONPATH), else a venv under
#   ${XDG_CACHE_HOME:-$HOME/.cache}/flowersim/python-<hash of requirements.txt> with
#   requirements.txt installed (flwr, numpy; once, under a lock).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ -n "${FLOWERSIM_PYTHON:-}" ]; then
  command -v "$FLOWERSIM_PYTHON" >/dev/null \
    || { echo "FLOWERSIM_PYTHON: no such interpreter: $FLOWERSIM_PYTHON" >&2; exit 2; }
  echo "$FLOWERSIM_PYTHON"
  exit 0
fi

key=$(sha256sum "$here/requirements.txt" | cut -c1-12)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/flowersim
venv=$cache/python-$key
if [ ! -f "$venv/.installed" ]; then
  command -v python3 >/dev/null \
    || { echo "flowersim: python3 (3.10+) is needed for spec.flowerApp, or set FLOWERSIM_PYTHON" >&2; exit 2; }
  mkdir -p "$cache"
  exec 9>"$venv.lock"
  flock 9
  if [ ! -f "$venv/.installed" ]; then
    echo "flowersim: installing flwr and numpy into $venv (once)..." >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" >&2 \
      || { echo "flowersim: pip install -r $here/requirements.txt failed" >&2; exit 2; }
    touch "$venv/.installed"
  fi
fi
echo "$venv/bin/python"
