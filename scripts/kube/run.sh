# Running scripts/kube-control-plane.sh's processes, and its start, stop and status; sourced by it.
#
# Each component runs in its own session (a test runner's process-group kill does not take it
# down), with its output in $STATE/<name>.log, its pid in $STATE/<name>.pid and the binary that
# pid must be in $STATE/<name>.exe, so that a recycled pid is not taken for it. `start` runs:
#   etcd                     data under $STATE/etcd, no fsync (a throwaway store for tests)
#   kube-apiserver           secure port on 127.0.0.1 only, client certificates, RBAC, the default
#                            admission plugins, service-account token signing
#   kube-controller-manager  garbage collection of owned objects, service accounts, CSR signing
# waits for each to answer, then applies KubeRay's CRDs (RayJob, RayCluster, RayService) read from
# KubeRay's Go module and waits until they are Established. --full goes on in full.sh.
#
# Not kwokctl (`kwokctl create cluster --runtime binary` with these binaries, KWOK v0.8.0 read):
# it runs etcd, the API server, the controller-manager, the scheduler and KWOK much as launch and
# running do (setsid, pid files, logs), and extra processes declared in its configuration could be
# the KubeRay operator (an unshare wrapper for its DNS) and Kueue (kwokctl runs Kueue itself only
# in its container runtimes). But the real node is steps between processes (the bridge, mounts,
# the image import, waiting for Ready, and on stop the containers, network namespaces, iptables
# rules and host paths), which it does not do: this supervision would stay beside it. Its PKI
# gives everyone the admin's key pair, which is also the API server's serving certificate and the
# service-account signing key, where the tests need the KubeRay operator and the node's parts as
# users of their own; its API server binds 0.0.0.0 unless told otherwise and needs extra flags
# for the gateway advertise address; its KWOK manages every node, the real one too (only its kind
# runtime sets an annotation selector). Each is a patch of its generated flags: kwokctl would add
# a second way of running processes and a configuration to read through, and take over only
# launch, running and stop_component.

kubectl() { "$BIN/kubectl" --kubeconfig="$STATE/kubeconfig" "$@"; }

# launch NAME COMMAND...: starts COMMAND as the component NAME.
launch() {
  local name=$1; shift
  # What /proc/PID/exe will be once it runs (kept if the caller knows better: a wrapper execs it).
  [ -f "$STATE/$name.exe" ] || readlink -f "$(command -v "$1")" >"$STATE/$name.exe"
  setsid "$@" </dev/null >"$STATE/$name.log" 2>&1 8>&- 9>&- &
  echo $! >"$STATE/$name.pid"
  # Until setsid has exec'd the binary, /proc/PID/exe is still this shell: wait for it, so that
  # `running` does not take a starting component for a dead one.
  local i
  for ((i = 0; i < 100; i++)); do
    if running "$name" || [ ! -d "/proc/$!" ]; then break; fi
    sleep 0.05
  done
}

# Is the component whose pid we recorded still that process (and not a recycled pid)?
running() {
  local name=$1 pid
  [ -f "$STATE/$name.pid" ] || return 1
  pid=$(cat "$STATE/$name.pid")
  [ -d "/proc/$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(cat "$STATE/$name.exe" 2>/dev/null)" ]
}

# SIGTERM, up to 10 s, then SIGKILL.
stop_component() {
  local c=$1 pid
  running "$c" || return 0
  pid=$(cat "$STATE/$c.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do [ -d "/proc/$pid" ] || break; sleep 0.25; done
  if [ -d "/proc/$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi
}

port_free() { ! timeout 1 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null; }

# wait_for WHAT SECONDS COMPONENT COMMAND...: polls COMMAND, failing early with the component's
# log when it has died.
wait_for() {
  local what=$1 seconds=$2 component=$3; shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ! running "$component"; then
      tail -n 30 "$STATE/$component.log" >&2
      die "$component exited while waiting for $what (log: $STATE/$component.log)"
    fi
    [ $SECONDS -lt $deadline ] || die "no $what after ${seconds}s (log: $STATE/$component.log)"
    sleep 0.5
  done
}

established() {
  [ "$(kubectl get crd "$1" -o jsonpath='{.status.conditions[?(@.type=="Established")].status}')" = True ]
}

# What this start runs: the core; with --full the rest, and the real node's parts when it has one.
components() {
  echo "${CORE[@]}"
  if [ "$(cat "$STATE/mode" 2>/dev/null)" = full ]; then
    echo "${FULL[@]}"
    if [ -d "$NODE" ]; then echo "${NODE_PARTS[@]}"; fi
  fi
}

healthy() {
  local c
  [ -f "$STATE/mode" ] || return 1
  for c in $(components); do running "$c" || return 1; done
  kubectl get --raw=/readyz >/dev/null 2>&1
}

start() {
  local full=false
  while [ $# -gt 0 ]; do
    case "$1" in
      --full) full=true; shift ;;
      *) bad_input "unknown option $1 (start [--full])" ;;
    esac
  done
  state_lock
  if $full; then
    build_full
    if $REAL_NODE; then build_node; fi
  else
    build
  fi
  if healthy; then
    if ! $full; then
      log "already running: https://$HOST:$API_PORT (KUBECONFIG=$STATE/kubeconfig)"
      return
    elif [ "$(cat "$STATE/mode")" != full ]; then
      log "running without --full: restarting with it"
    elif $REAL_NODE && [ ! -d "$NODE" ]; then
      log "running without the real node: restarting with it"
    else
      log "already running: https://$HOST:$API_PORT (KUBECONFIG=$STATE/kubeconfig)"
      return
    fi
  fi
  stop_quietly
  local p ports=("$API_PORT" "$ETCD_PORT" "$ETCD_PEER_PORT" "$KCM_PORT")
  $full && ports+=("$SCHED_PORT" "$RAY_OPERATOR_PORT" "$RAY_OPERATOR_HEALTH_PORT" \
    "$KUEUE_PORT" "$KUEUE_HEALTH_PORT" "$KUEUE_WEBHOOK_PORT")
  for p in "${ports[@]}"; do
    port_free "$p" || die "port $p on $HOST is taken (see the FLOWERSIM_*_PORT variables in $0)"
  done
  local t0=$SECONDS
  mkdir -p "$STATE"
  echo core >"$STATE/mode"
  # Nothing half-started stays behind; the logs do, for the reason.
  trap 'kill_all; log "start failed; logs in $STATE"' EXIT
  make_pki
  start_core "$full"
  if $full; then
    start_full
    echo full >"$STATE/mode"
  fi
  trap - EXIT
  log "up in $((SECONDS - t0)) s: https://$HOST:$API_PORT, KubeRay $KUBERAY_VERSION CRDs applied$($full && echo ", scheduler, KWOK nodes $(fake_node_summary), KubeRay operator, Kueue $KUEUE_VERSION")"
  log "use it: eval \"\$($0 env)\""
}

# start_core FULL: etcd, the API server (advertised at the node's gateway when FULL is true), the
# controller-manager, KubeRay's CRDs.
start_core() {
  local full=$1 pki=$STATE/pki etcd=http://$HOST:$ETCD_PORT peer=http://$HOST:$ETCD_PEER_PORT
  launch etcd "$BIN/etcd" --name=flowersim --data-dir="$STATE/etcd" \
    --listen-client-urls="$etcd" --advertise-client-urls="$etcd" \
    --listen-peer-urls="$peer" --initial-advertise-peer-urls="$peer" \
    --initial-cluster="flowersim=$peer" --unsafe-no-fsync --log-level=warn
  wait_for "etcd health" 60 etcd curl -fsS "$etcd/health"

  # Without the real node nothing runs in a pod: no endpoint reconciler, since the `kubernetes`
  # Service would get a loopback address, which the Endpoints validation refuses every few
  # seconds. With it (--full) the API server is advertised at the node's bridge gateway, where a
  # relay (node.sh) forwards to the loopback it binds.
  local advertise=(--advertise-address=$HOST --endpoint-reconciler-type=none)
  $full && advertise=(--advertise-address="$NODE_GATEWAY")
  launch kube-apiserver "$BIN/kube-apiserver" --etcd-servers="$etcd" \
    --bind-address=$HOST "${advertise[@]}" --secure-port="$API_PORT" \
    --kubelet-client-certificate="$pki/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$pki/apiserver-kubelet-client.key" \
    --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
    --client-ca-file="$pki/ca.crt" --authorization-mode=RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16 --allow-privileged=true \
    --cert-dir="$STATE/apiserver-certs" --profiling=false
  wait_for "API server /readyz" 180 kube-apiserver kubectl get --raw=/readyz

  launch kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig="$STATE/kubeconfig" --authentication-kubeconfig="$STATE/kubeconfig" \
    --authorization-kubeconfig="$STATE/kubeconfig" \
    --bind-address=$HOST --secure-port="$KCM_PORT" --cert-dir="$STATE/kcm-certs" \
    --leader-elect=false --root-ca-file="$pki/ca.crt" \
    --service-account-private-key-file="$pki/sa.key" \
    --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
    --profiling=false
  wait_for "controller-manager /healthz" 120 kube-controller-manager \
    curl -fsSk "https://$HOST:$KCM_PORT/healthz"

  # The API server makes `default` itself shortly after it is ready; make sure of it.
  kubectl get namespace default >/dev/null 2>&1 || kubectl create namespace default >/dev/null
  # The controller-manager's service-account controller gives every namespace a `default`
  # ServiceAccount: seeing it proves the controllers run.
  wait_for "ServiceAccount default/default" 120 kube-controller-manager \
    kubectl -n default get serviceaccount default

  local crds crd
  crds=$(go_module_dir "github.com/ray-project/kuberay/ray-operator@$KUBERAY_VERSION")/config/crd/bases \
    || die "go mod download github.com/ray-project/kuberay/ray-operator@$KUBERAY_VERSION failed"
  # Server-side: the CRDs are too large for client-side apply's last-applied annotation.
  # RayService too: the KubeRay operator (--full) watches it.
  kubectl apply --server-side --force-conflicts -f "$crds/ray.io_rayjobs.yaml" \
    -f "$crds/ray.io_rayclusters.yaml" -f "$crds/ray.io_rayservices.yaml" >/dev/null \
    || die "applying KubeRay's CRDs from $crds failed"
  for crd in rayjobs rayclusters rayservices; do
    wait_for "Established $crd.ray.io" 60 kube-apiserver established "$crd.ray.io"
  done
}

# The real node first (its containers, mounts and network), then the rest, last started first.
kill_all() {
  local i all=("${CORE[@]}" "${FULL[@]}")
  node_stop
  for ((i = ${#all[@]} - 1; i >= 0; i--)); do stop_component "${all[$i]}"; done
}

stop_quietly() {
  kill_all
  rm -rf "$STATE"
}

status() {
  local c any=false
  for c in $(components); do
    if running "$c"; then
      echo "$c: running (pid $(cat "$STATE/$c.pid"), log $STATE/$c.log)"; any=true
    else
      echo "$c: not running"
    fi
  done
  $any || return 1
  if kubectl get --raw=/readyz >/dev/null 2>&1; then
    echo "kube-apiserver: ready at https://$HOST:$API_PORT (KUBECONFIG=$STATE/kubeconfig)"
    kubectl get crd rayjobs.ray.io rayclusters.ray.io --no-headers 2>/dev/null | sed 's/^/crd: /'
    if [ "$(cat "$STATE/mode" 2>/dev/null)" = full ]; then
      kubectl get nodes -L "$POOL_LABEL" -L nvidia.com/gpu.product --no-headers 2>/dev/null | sed 's/^/node: /'
      kubectl get crd workloads.kueue.x-k8s.io clusterqueues.kueue.x-k8s.io --no-headers 2>/dev/null | sed 's/^/crd: /'
      node_status
    fi
  else
    echo "kube-apiserver: not ready"
    return 1
  fi
}

env_exports() {
  echo "export KUBECONFIG=$STATE/kubeconfig"
  echo "export PATH=$BIN:\$PATH"
  # For Fabric8's kube-api-test in offline mode (withTestDir or this variable).
  echo "export KUBE_API_TEST_DIR=$KUBE_HOME"
}

# One start or stop at a time per state dir: fd 9 holds the lock until this script exits.
state_lock() {
  exec 9>"$STATE.lock"
  flock -n 9 || { log "waiting for another start/stop of $STATE"; flock 9; }
}
