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
set -euo pipefail

RAY_VERSION=2.39.0                       # keep equal to ray.version in the parent pom.xml
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/flowersim
VENV=$CACHE/ray-$RAY_VERSION
STATE=${FLOWERSIM_RAY_STATE:-/tmp/flowersim-ray}   # temp dirs and the recorded address
HOST=127.0.0.1
GCS_PORT=${FLOWERSIM_RAY_PORT:-6389}
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
  mkdir -p "$CACHE"
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
  # 20000 + 2000 k ... + 5 and runs its workers on 21000 + 2000 k ... + 999.
  export RAY_USAGE_STATS_ENABLED=0
  log "starting head at $address ($cpus CPUs, $gpus GPUs)"
  ray start --head --node-ip-address=$HOST --port=$GCS_PORT \
    --num-cpus="$cpus" --num-gpus="$gpus" --object-store-memory=$OBJECT_STORE \
    --temp-dir="$STATE/node-0" --include-dashboard=false --disable-usage-stats \
    --node-manager-port=$((20000)) --object-manager-port=$((20001)) \
    --runtime-env-agent-port=$((20002)) --dashboard-agent-grpc-port=$((20003)) \
    --dashboard-agent-listen-port=$((20004)) --metrics-export-port=$((20005)) \
    --min-worker-port=21000 --max-worker-port=21999 >"$STATE/node-0.log" 2>&1 \
    || { cat "$STATE/node-0.log" >&2; die "the head did not start (log: $STATE/node-0.log)"; }
  for k in $(seq 1 $((nodes - 1))); do
    local base=$((20000 + 2000 * k))
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
  # `ray stop` ends the Ray processes of this user on this machine: every node started here.
  ray stop --force >/dev/null 2>&1 || true
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
