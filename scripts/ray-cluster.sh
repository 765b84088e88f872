#!/usr/bin/env bash
# A local, real Ray cluster for flowersim's Ray backend and its tests.
#
#   scripts/ray-cluster.sh start [--nodes N] [--num-cpus C] [--num-gpus G]
#   scripts/ray-cluster.sh address      # prints the GCS address (HOST:PORT) the driver connects to
#   scripts/ray-cluster.sh status       # ray status against it
#   scripts/ray-cluster.sh stop
#
# Installs the `ray` package from PyPI, the same version as the Java jars (io.ray:ray-runtime),
# with python/requirements.txt (flwr, numpy: for the Python actors of a Flower App's clients)
# into a venv under ${XDG_CACHE_HOME:-$HOME/.cache}/flowersim/ray-<version> (once; again when
# requirements.txt changes), then starts a head on 127.0.0.1 and, with --nodes N > 1, N-1 more
# nodes on this machine, each with its own ports and temp dir, so multi-node scheduling runs for
# real. C and G are per node; declared GPUs need not exist (scheduling only). Every node gets C
# CPUs and G GPUs.
#
# A second cluster beside one already running (its own state, ports and Python) takes these
# overrides; each of them for every command, start to stop:
#   FLOWERSIM_RAY_STATE=DIR        temp dirs and the recorded address (default /tmp/flowersim-ray)
#   FLOWERSIM_RAY_PORT=P           the GCS port (default 6389)
#   FLOWERSIM_RAY_PORT_BASE=B      node k listens on B + 2000 k ... + 5, its workers on
#                                  B + 2000 k + 1000 ... + 1999 (default 20000); set, the head's
#                                  client server and dashboard take B + 6 and B + 7 (else Ray's
#                                  10001 and 8265)
#   FLOWERSIM_RAY_VENV=DIR         the venv installed and run (default ~/.cache/flowersim/ray-<version>)
# With its own FLOWERSIM_RAY_STATE, stop ends only that cluster's processes (those naming its state
# dir or GCS port); with the default one it runs `ray stop`, which ends every Ray process of this
# user, any other cluster's too.
set -euo pipefail

RAY_VERSION=2.39.0                       # keep equal to ray.version in the parent pom.xml
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/flowersim
VENV=${FLOWERSIM_RAY_VENV:-$CACHE/ray-$RAY_VERSION}
DEFAULT_STATE=/tmp/flowersim-ray
STATE=${FLOWERSIM_RAY_STATE:-$DEFAULT_STATE}   # temp dirs and the recorded address
HOST=127.0.0.1
GCS_PORT=${FLOWERSIM_RAY_PORT:-6389}
PORT_BASE=${FLOWERSIM_RAY_PORT_BASE:-20000}
# the head's Ray client server and dashboard: Ray's own ports unless a port base is given, so that
# a second head does not take them from the first
if [ -n "${FLOWERSIM_RAY_PORT_BASE:-}" ]; then
  CLIENT_PORT=$((PORT_BASE + 6)) DASHBOARD_PORT=$((PORT_BASE + 7))
else
  CLIENT_PORT=10001 DASHBOARD_PORT=8265
fi
OBJECT_STORE=${FLOWERSIM_RAY_OBJECT_STORE_BYTES:-536870912}   # per node
REQUIREMENTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/python/requirements.txt

log() { echo "ray-cluster: $*" >&2; }
die() { log "$*"; exit 1; }

# Ray's Python workers run a Flower App's clients (the Ray backend's Python actors): they need
# flwr and numpy as python/requirements.txt pins them, installed beside ray in one resolution.
# The package of ours comes from the job's code search path, not from this venv.
install() {
  local req_key
  req_key=$(sha256sum "$REQUIREMENTS" | cut -c1-12)
  if [ -x "$VENV/bin/ray" ] && [ -f "$VENV/.installed-$RAY_VERSION" ] \
      && [ -f "$VENV/.installed-python-$req_key" ]; then
    return
  fi
  command -v python3 >/dev/null || die "python3 is needed to install ray==$RAY_VERSION"
  log "installing ray==$RAY_VERSION and $REQUIREMENTS into $VENV (once)"
  mkdir -p "$(dirname "$VENV")"
  [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "ray==$RAY_VERSION" -r "$REQUIREMENTS" \
    || die "pip install ray==$RAY_VERSION -r $REQUIREMENTS failed"
  jar=$(ray_dist_jar)
  [ -f "$jar" ] || die "the ray wheel has no $jar: Java workers cannot start (need linux x86_64)"
  touch "$VENV/.installed-$RAY_VERSION" "$VENV/.installed-python-$req_key"
}

site_packages() { echo "$VENV"/lib/python3*/site-packages; }
ray_dist_jar() { echo "$(site_packages)/ray/jars/ray_dist.jar"; }

ray() { "$VENV/bin/ray" "$@"; }

start() {
  local nodes=1 cpus=2 gpus=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --nodes) nodes=$2; shift 2 ;;
      --num-cpus) cpus=$2; shift 2 ;;
      --num-gpus) gpus=$2; shift 2 ;;
      *) die "unknown option $1 (start [--nodes N] [--num-cpus C] [--num-gpus G])" ;;
    esac
  done
  [[ "$nodes" =~ ^[1-9][0-9]*$ ]] || die "--nodes: a whole number >= 1, got $nodes"
  install
  if [ -f "$STATE/address" ] && alive; then
    log "already running at $(cat "$STATE/address") (stop it first to change its shape)"
    cat "$STATE/address"
    return
  fi
  stop_quietly
  mkdir -p "$STATE"
  local address="$HOST:$GCS_PORT"
  # Each node gets its own --temp-dir (sessions, logs) and its own ports: node k listens on
  # PORT_BASE + 2000 k ... + 5 and runs its workers on PORT_BASE + 2000 k + 1000 ... + 1999.
  export RAY_USAGE_STATS_ENABLED=0
  log "starting head at $address ($cpus CPUs, $gpus GPUs)"
  ray start --head --node-ip-address=$HOST --port=$GCS_PORT \
    --num-cpus="$cpus" --num-gpus="$gpus" --object-store-memory=$OBJECT_STORE \
    --temp-dir="$STATE/node-0" --include-dashboard=false --disable-usage-stats \
    --ray-client-server-port=$CLIENT_PORT --dashboard-port=$DASHBOARD_PORT \
    --node-manager-port=$PORT_BASE --object-manager-port=$((PORT_BASE + 1)) \
    --runtime-env-agent-port=$((PORT_BASE + 2)) --dashboard-agent-grpc-port=$((PORT_BASE + 3)) \
    --dashboard-agent-listen-port=$((PORT_BASE + 4)) --metrics-export-port=$((PORT_BASE + 5)) \
    --min-worker-port=$((PORT_BASE + 1000)) --max-worker-port=$((PORT_BASE + 1999)) \
    >"$STATE/node-0.log" 2>&1 \
    || { cat "$STATE/node-0.log" >&2; die "the head did not start (log: $STATE/node-0.log)"; }
  for k in $(seq 1 $((nodes - 1))); do
    local base=$((PORT_BASE + 2000 * k))
    log "starting node $k ($cpus CPUs, $gpus GPUs)"
    ray start --address="$address" --node-ip-address=$HOST \
      --num-cpus="$cpus" --num-gpus="$gpus" --object-store-memory=$OBJECT_STORE \
      --temp-dir="$STATE/node-$k" --disable-usage-stats \
      --node-manager-port=$base --object-manager-port=$((base + 1)) \
      --runtime-env-agent-port=$((base + 2)) --dashboard-agent-grpc-port=$((base + 3)) \
      --dashboard-agent-listen-port=$((base + 4)) --metrics-export-port=$((base + 5)) \
      --min-worker-port=$((base + 1000)) --max-worker-port=$((base + 1999)) \
      >"$STATE/node-$k.log" 2>&1 \
      || { cat "$STATE/node-$k.log" >&2; die "node $k did not start (log: $STATE/node-$k.log)"; }
  done
  echo "$address" >"$STATE/address"
  echo "$nodes" >"$STATE/nodes"
  log "up: $nodes node(s); ray.address=$address, ray_dist.jar=$(ray_dist_jar)"
  echo "$address"
}

# Quick: is the GCS port answering?
alive() {
  [ -f "$STATE/address" ] || return 1
  local a; a=$(cat "$STATE/address")
  timeout 2 bash -c "exec 3<>/dev/tcp/${a%:*}/${a##*:}" 2>/dev/null
}

# The nodes and their resources, as the driver will see them (`ray status` needs ray[default]).
status() {
  [ -f "$STATE/address" ] || die "no cluster started (scripts/ray-cluster.sh start)"
  RAY_USAGE_STATS_ENABLED=0 "$VENV/bin/python" - "$(cat "$STATE/address")" <<'PY'
import sys, ray
ray.init(address=sys.argv[1], logging_level="ERROR", log_to_driver=False)
for n in ray.nodes():
    r = {k: v for k, v in n["Resources"].items() if k in ("CPU", "GPU")}
    print(n["NodeID"], "alive" if n["Alive"] else "dead", n["NodeManagerAddress"], r)
PY
}

stop_quietly() {
  [ -x "$VENV/bin/ray" ] || return 0
  if [ "$STATE" = "$DEFAULT_STATE" ]; then
    # `ray stop` ends the Ray processes of this user on this machine: every node started here.
    ray stop --force >/dev/null 2>&1 || true
  else
    # only this cluster's: its nodes' processes name their temp dirs, the head's client server
    # only the GCS address
    local pids
    pids=$(pgrep -f -- "$STATE/node-|address=[^ ]*:$GCS_PORT( |\$)" || true)
    if [ -n "$pids" ]; then
      # shellcheck disable=SC2086
      kill $pids 2>/dev/null || true
      sleep 2
      # shellcheck disable=SC2086
      kill -9 $pids 2>/dev/null || true
    fi
  fi
  rm -f "$STATE/address" "$STATE/nodes"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop_quietly; log "stopped" ;;
  address)
    [ -f "$STATE/address" ] || die "no cluster started (scripts/ray-cluster.sh start)"
    cat "$STATE/address" ;;
  status) status ;;
  jar) install; ray_dist_jar ;;
  install) install; log "ray==$RAY_VERSION and $REQUIREMENTS in $VENV" ;;
  *) die "usage: $0 start [--nodes N] [--num-cpus C] [--num-gpus G] | stop | address | status | jar" ;;
esac
