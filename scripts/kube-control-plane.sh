#!/usr/bin/env bash
# A local, real Kubernetes control plane for flowersim's operator and its tests.
#
#   scripts/kube-control-plane.sh start [--full]   # build once (cached), start, apply KubeRay CRDs
#   eval "$(scripts/kube-control-plane.sh env)"    # KUBECONFIG and PATH (kubectl, helm) for this shell
#   scripts/kube-control-plane.sh status           # what runs
#   scripts/kube-control-plane.sh stop             # ends it and removes its state (etcd data too)
#   scripts/kube-control-plane.sh build            # only build the binaries (once); build-full: --full's
#
# `start` runs etcd, kube-apiserver and kube-controller-manager, built with the Go toolchain from
# their Go modules and cached, and applies KubeRay's RayJob, RayCluster and RayService CRDs read
# from KubeRay's Go module (never committed here). `start --full` adds kube-scheduler, KWOK with
# fake GPU and CPU node pools, the real KubeRay operator, Kueue, and one real node (containerd,
# kubelet, kube-proxy, CoreDNS; needs root). The admin user (group system:masters) is in
# $STATE/kubeconfig.
#
# This file holds the settings and the commands; the work is in scripts/kube/, one piece per
# concern, each readable on its own:
#   build.sh   what is built from which Go module, into the cache
#   pki.sh     the local CA, every certificate and kubeconfig
#   run.sh     supervising processes (launch, running, wait_for, stop_component); the core's start,
#              stop and status
#   full.sh    --full: kube-scheduler, KWOK's node pools, the KubeRay operator, Kueue
#   node.sh    --full's real node
# and the static files they fill in (kwok-*-node.yaml, kuberay-opt-out.yaml, kueue.yaml,
# kubelet.yaml, ...), whose @NAME@ placeholders `template` replaces by the shell variable NAME.
#
# Several instances can run side by side: set FLOWERSIM_KUBE_STATE (default /tmp/flowersim-kube)
# and the FLOWERSIM_*_PORT variables below. The real node is one per machine (its bridge, the
# iptables rules of kube-proxy, the host paths the kubelet and containerd insist on): a second
# instance runs --full without it, with FLOWERSIM_REAL_NODE=false.
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
KUBE_DIR=$SCRIPT_DIR/kube

# Versions (K3sIT names KubeRay's too).
K8S_VERSION=v1.34.4                      # k8s.io/kubernetes; staging modules at v0.34.4
KUBERAY_VERSION=v1.5.0                   # github.com/ray-project/kuberay/ray-operator (CRDs, --full: operator)
KWOK_VERSION=v0.8.0                      # sigs.k8s.io/kwok (--full: fake nodes and pods)
KUEUE_VERSION=v0.17.0                    # sigs.k8s.io/kueue (--full: CRDs and the manager)
HELM_VERSION=v3.22.0                     # helm.sh/helm/v3 (the chart's tests; on env's PATH)
COREDNS_VERSION=v1.14.7                  # github.com/coredns/coredns (--full: the real node's DNS)

# Where things are.
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/flowersim
KUBE_HOME=$CACHE/kube/$K8S_VERSION
BIN=$KUBE_HOME/bin
STATE=${FLOWERSIM_KUBE_STATE:-/tmp/flowersim-kube}
NODE=$STATE/node                         # the real node's state
PAUSE_IMAGE=localhost/flowersim/pause:1  # its pod sandbox image, built here (build.sh)

# Ports, all on HOST.
HOST=127.0.0.1
API_PORT=${FLOWERSIM_KUBE_PORT:-16443}
ETCD_PORT=${FLOWERSIM_ETCD_PORT:-12379}
ETCD_PEER_PORT=$((ETCD_PORT + 1))
KCM_PORT=${FLOWERSIM_KCM_PORT:-10357}
SCHED_PORT=${FLOWERSIM_SCHED_PORT:-10359}
RAY_OPERATOR_PORT=${FLOWERSIM_RAY_OPERATOR_PORT:-18080}   # metrics
RAY_OPERATOR_HEALTH_PORT=$((RAY_OPERATOR_PORT + 1))
KUEUE_PORT=${FLOWERSIM_KUEUE_PORT:-18090}                 # metrics
KUEUE_HEALTH_PORT=$((KUEUE_PORT + 1))
KUEUE_WEBHOOK_PORT=$((KUEUE_PORT + 2))
KUBELET_PORT=${FLOWERSIM_KUBELET_PORT:-10350}             # the real node's
KUBELET_HEALTHZ_PORT=$((KUBELET_PORT + 1))
KUBE_PROXY_HEALTHZ_PORT=$((KUBELET_PORT + 2))
KUBE_PROXY_METRICS_PORT=$((KUBELET_PORT + 3))

# The real node's network: its bridge and pod range; the gateway is also where the API server is
# advertised under --full and where CoreDNS listens.
REAL_NODE=${FLOWERSIM_REAL_NODE:-true}
NODE_BRIDGE=${FLOWERSIM_NODE_BRIDGE:-fsim0}
NODE_CIDR=${FLOWERSIM_NODE_CIDR:-10.246.0.0/24}
NODE_GATEWAY=${NODE_CIDR%.*}.1

# Names the operator's tests rely on.
POOL_LABEL=flowersim.io/node-pool           # the node pools' label (value: the pool)
KUBERAY_USER=kuberay-operator               # the KubeRay operator's own user
KUBERAY_OPT_OUT=flowersim.io/kuberay        # namespace label: =disabled keeps KubeRay out
KUEUE_OPT_OUT=flowersim.io/kueue            # namespace label: =disabled keeps Kueue out

# What runs, in start order (the real node's parts are in node.sh).
CORE=(etcd kube-apiserver kube-controller-manager)
FULL=(kube-scheduler kwok ray-operator kueue)

log() { echo "kube-control-plane: $*" >&2; }
die() { log "$*"; exit 1; }
bad_input() { log "$*"; exit 2; }

# template FILE: scripts/kube/FILE with each @NAME@ replaced by the shell variable NAME (unset: an
# error). The one way the static files here are filled in.
template() {
  local file=$KUBE_DIR/$1 text var
  text=$(cat "$file")
  for var in $(grep -o '@[A-Z][A-Z0-9_]*@' "$file" | sort -u | tr -d @); do
    text=${text//"@$var@"/"${!var}"}
  done
  printf '%s\n' "$text"
}

case "$REAL_NODE" in
  true | false) ;;
  *) bad_input "FLOWERSIM_REAL_NODE must be true or false, not '$REAL_NODE'" ;;
esac

source "$KUBE_DIR/build.sh"
source "$KUBE_DIR/pki.sh"
source "$KUBE_DIR/run.sh"
source "$KUBE_DIR/full.sh"
source "$KUBE_DIR/node.sh"

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) state_lock; stop_quietly; log "stopped" ;;
  env) env_exports ;;
  status) status ;;
  build) build ;;
  build-full) build_full; build_node ;;
  *) bad_input "usage: $0 start [--full] | stop | env | status | build | build-full" ;;
esac; exit  # on one line with esac: an edit of this file while it runs cannot add commands
