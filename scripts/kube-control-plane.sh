#!/usr/bin/env bash
# A local, real Kubernetes control plane for flowersim's operator and its tests.
#
#   scripts/kube-control-plane.sh start [--full]   # build once (cached), start, apply KubeRay CRDs
#   eval "$(scripts/kube-control-plane.sh env)"    # KUBECONFIG and PATH (kubectl, helm) for this shell
#   scripts/kube-control-plane.sh status           # what runs
#   scripts/kube-control-plane.sh stop             # ends it and removes its state (etcd data too)
#   scripts/kube-control-plane.sh build            # only build the binaries (once); build-full: --full's
#
# Builds etcd, kube-apiserver, kube-controller-manager and kubectl with the Go toolchain from
# their Go modules: a small wrapper module (written here, into the cache) requires
# k8s.io/kubernetes at K8S_VERSION and replaces its staging modules (k8s.io/api, client-go, ...)
# with their published k8s.io/* releases, and etcd comes at the version kubernetes itself
# requires. Binaries are cached under ${XDG_CACHE_HOME:-$HOME/.cache}/flowersim/kube/<version>/bin
# and also laid out as .../kube/<version>/k8s/<x.y.z>-linux-amd64/ for Fabric8's kube-api-test
# (offline mode, withTestDir(.../kube/<version>)).
#
# `start` runs etcd (data under the state dir), kube-apiserver (secure port on 127.0.0.1, client
# certificates, RBAC authorization, default admission plugins, service-account token signing) and
# kube-controller-manager (garbage collection of owned objects), waits for /readyz, then applies
# KubeRay's RayJob and RayCluster CRDs read from the KubeRay Go module in the module cache (never
# committed here) and waits until they are Established. The admin user (group system:masters)
# is in $STATE/kubeconfig.
#
# `start --full` adds kube-scheduler, KWOK (sigs.k8s.io/kwok, go install) managing fake nodes in
# four pools labelled flowersim.io/node-pool (see NODE_POOLS: gpu-h100, gpu-a100 and gpu-l4 with
# nvidia.com/gpu capacity, the nvidia.com/gpu.product label and the taint
# nvidia.com/gpu=present:NoSchedule; cpu without GPUs), on which pods become Running without
# running anything. The H100 and A100 pools carry the products of examples/gpu-pools.yaml and room
# for all its workers at once (8 x 16 CPUs on H100, 4 x 8 CPUs on A100, one GPU each). Then the
# real KubeRay operator (go install of its module), as its own user: it cannot write in namespaces
# labelled flowersim.io/kuberay=disabled (a ValidatingAdmissionPolicy), which the ITs that write
# RayJob status as KubeRay would use. And Kueue (go install of
# sigs.k8s.io/kueue/cmd/kueue; its CRDs applied server-side from the same module). Kueue's manager
# runs out of cluster with the admin kubeconfig and a Configuration written into the state dir:
# integration ray.io/rayjob, leader election off, internal certificate management off (the webhook
# server's certificate is made here with openssl, signed by the local CA). Its webhook
# configurations are not registered with the API server: flowersim's operator creates a queued
# RayJob suspended itself, which is what Kueue's defaulting webhook would do, and nothing else
# here needs Kueue's validation. Jobs in a namespace labelled flowersim.io/kueue=disabled are left
# alone (tests that play Kueue's part themselves). With internal certificates off, Kueue v0.17
# reads its metrics serving certificate from the fixed path /etc/kueue/metrics/certs: a
# self-signed one is written there when none is (so --full needs that path writable once, e.g.
# root). Kueue's ports: FLOWERSIM_KUEUE_PORT (metrics), +1 (health probes), +2 (webhook server).
#
# Several instances can run side by side: set FLOWERSIM_KUBE_STATE (default /tmp/flowersim-kube)
# and the FLOWERSIM_*_PORT variables below.
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)

K8S_VERSION=v1.34.4                      # k8s.io/kubernetes; staging modules at v0.34.4
KUBERAY_VERSION=v1.5.0                   # github.com/ray-project/kuberay/ray-operator (CRDs, --full: operator)
KWOK_VERSION=v0.8.0                      # sigs.k8s.io/kwok (--full: fake nodes and pods)
KUEUE_VERSION=v0.17.0                    # sigs.k8s.io/kueue (--full: CRDs and the manager)
HELM_VERSION=v3.22.0                     # helm.sh/helm/v3 (the chart's tests; on env's PATH)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/flowersim
KUBE_HOME=$CACHE/kube/$K8S_VERSION
BIN=$KUBE_HOME/bin
STATE=${FLOWERSIM_KUBE_STATE:-/tmp/flowersim-kube}
HOST=127.0.0.1
API_PORT=${FLOWERSIM_KUBE_PORT:-16443}
ETCD_PORT=${FLOWERSIM_ETCD_PORT:-12379}   # and ETCD_PORT+1 for peers
KCM_PORT=${FLOWERSIM_KCM_PORT:-10357}
SCHED_PORT=${FLOWERSIM_SCHED_PORT:-10359}
RAY_OPERATOR_PORT=${FLOWERSIM_RAY_OPERATOR_PORT:-18080}   # metrics; +1 health probes
KUEUE_PORT=${FLOWERSIM_KUEUE_PORT:-18090}   # metrics; +1 health probes, +2 webhook server
CORE=(etcd kube-apiserver kube-controller-manager)
FULL=(kube-scheduler kwok ray-operator kueue)

log() { echo "kube-control-plane: $*" >&2; }
die() { log "$*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Build

built() {
  local b
  for b in etcd kube-apiserver kube-controller-manager kubectl; do
    [ -x "$BIN/$b" ] || return 1
  done
  [ -f "$BIN/.built" ]
}

# The wrapper module: kubernetes pins its staging modules with `replace => ./staging/...`, which
# only works inside its own repository; here each becomes the published release of the same
# minor (v1.34.4 -> v0.34.4), read from kubernetes' own go.mod so that none is forgotten.
write_wrapper_module() {
  local src=$1 k8s_mod staging go_line
  k8s_mod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | jq -r .GoMod)
  [ -f "$k8s_mod" ] || die "go mod download k8s.io/kubernetes@$K8S_VERSION gave no go.mod"
  staging=v0.${K8S_VERSION#v1.}
  go_line=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$k8s_mod")
  mkdir -p "$src"
  {
    echo "// Written by scripts/kube-control-plane.sh: builds the control-plane binaries."
    echo "module flowersim.local/kube-binaries"
    echo
    echo "go $go_line"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/.*#\1#p' "$k8s_mod" |
      while read -r m; do echo "	$m => $m $staging"; done
    echo ")"
    echo
    echo "tool ("
    echo "	go.etcd.io/etcd/server/v3"
    echo "	k8s.io/kubernetes/cmd/kube-apiserver"
    echo "	k8s.io/kubernetes/cmd/kube-controller-manager"
    echo "	k8s.io/kubernetes/cmd/kube-scheduler"
    echo "	k8s.io/kubernetes/cmd/kubectl"
    echo "	k8s.io/kubernetes/cmd/kubelet"
    echo "	k8s.io/kubernetes/cmd/kube-proxy"
    echo ")"
  } >"$src/go.mod"
}

# What `kubectl version` and the API server's /version report (hack/lib/version.sh sets these).
version_ldflags() {
  local minor=${K8S_VERSION#v1.} v flags="-s -w"
  minor=${minor%%.*}
  for v in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $v.gitVersion=$K8S_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor"
    flags+=" -X $v.gitTreeState=clean -X $v.buildDate=1970-01-01T00:00:00Z"
  done
  echo "$flags"
}

# One build at a time per version (CI and a developer may start at once): fd 8 holds the lock.
build_lock() {
  mkdir -p "$KUBE_HOME"
  exec 8>"$KUBE_HOME/.build.lock"
  flock -n 8 || { log "waiting for another build of $K8S_VERSION"; flock 8; }
}

build() {
  built && { build_helm; return; }
  build_lock
  if built; then exec 8>&-; return; fi
  command -v go >/dev/null || die "go is needed to build the control plane (go install)"
  local src=$KUBE_HOME/src t0=$SECONDS
  log "building etcd, kube-apiserver, kube-controller-manager, kubectl $K8S_VERSION into $BIN (once; long on a cold machine)"
  write_wrapper_module "$src"
  (cd "$src" && go mod tidy) || die "go mod tidy in $src failed"
  mkdir -p "$BIN"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "$(version_ldflags)" -o "$BIN/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kubectl \
    && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3) \
    || die "go build in $src failed"
  # kube-api-test's offline layout: <dir>/k8s/<x.y.z>-linux-amd64/{kube-apiserver,etcd,kubectl}
  local apitest=$KUBE_HOME/k8s/${K8S_VERSION#v}-linux-amd64 b
  mkdir -p "$apitest"
  for b in kube-apiserver etcd kubectl; do ln -sfn "$BIN/$b" "$apitest/$b"; done
  touch "$BIN/.built"
  exec 8>&-
  log "built in $((SECONDS - t0)) s"
  build_helm
}

# helm for charts/flowersim's tests, `go install`ed like KWOK; the ldflags give `helm template`
# the control plane's Kubernetes version as its default (a bare go install says v1.20).
build_helm() {
  [ -x "$BIN/helm" ] && return
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  log "building helm $HELM_VERSION into $BIN (once)"
  (cd / && CGO_ENABLED=0 GOBIN=$BIN go install -trimpath -ldflags "-s -w \
      -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 \
      -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor" \
      "helm.sh/helm/v3/cmd/helm@$HELM_VERSION") || die "go install helm@$HELM_VERSION failed"
}

# Kueue on its own (an older cache has the rest of --full already).
build_kueue() {
  [ -x "$BIN/kueue" ] && return
  build_lock
  if [ -x "$BIN/kueue" ]; then exec 8>&-; return; fi
  local t0=$SECONDS
  log "building kueue $KUEUE_VERSION into $BIN (once)"
  (cd / && CGO_ENABLED=0 GOBIN=$BIN go install -trimpath -ldflags "-s -w" \
      "sigs.k8s.io/kueue/cmd/kueue@$KUEUE_VERSION") || die "go install kueue@$KUEUE_VERSION failed"
  exec 8>&-
  log "built kueue in $((SECONDS - t0)) s"
}

built_full() {
  local b
  for b in kube-scheduler kwok ray-operator; do [ -x "$BIN/$b" ] || return 1; done
  [ -f "$BIN/.built-full" ]
}

# --full adds kube-scheduler (same wrapper module), KWOK and the KubeRay operator; the latter two
# are `go install`ed at their own pinned versions (their go.mod has no replace, so this works).
build_full() {
  build
  build_kueue
  built_full && return
  build_lock
  if built_full; then exec 8>&-; return; fi
  local src=$KUBE_HOME/src t0=$SECONDS
  log "building kube-scheduler $K8S_VERSION, kwok $KWOK_VERSION, KubeRay operator $KUBERAY_VERSION into $BIN (once)"
  write_wrapper_module "$src"
  (cd "$src" && go mod tidy && CGO_ENABLED=0 go build -trimpath -ldflags "$(version_ldflags)" \
      -o "$BIN/" k8s.io/kubernetes/cmd/kube-scheduler) || die "go build kube-scheduler failed"
  (cd / && CGO_ENABLED=0 GOBIN=$BIN go install -trimpath -ldflags "-s -w" \
      "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION") || die "go install kwok@$KWOK_VERSION failed"
  (cd / && CGO_ENABLED=0 GOBIN=$BIN go install -trimpath -ldflags "-s -w" \
      "github.com/ray-project/kuberay/ray-operator@$KUBERAY_VERSION") \
    || die "go install ray-operator@$KUBERAY_VERSION failed"
  touch "$BIN/.built-full"
  exec 8>&-
  log "built in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------------------------------------
# Run

kubectl() { "$BIN/kubectl" --kubeconfig="$STATE/kubeconfig" "$@"; }

# A CA, the API server's serving certificate, the admin's client certificate (group
# system:masters: RBAC lets it do everything) and the key pair that signs service-account tokens.
make_pki() {
  local pki=$STATE/pki
  mkdir -p "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
      -subj "/CN=flowersim-local-ca" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
    sign() { # name subject extensions
      openssl req -new -newkey rsa:2048 -nodes -keyout "$1.key" -subj "$2" -out "$1.csr"
      printf '%b' "$3" >"$1.ext"
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
        -extfile "$1.ext" -out "$1.crt"
    }
    sign apiserver "/CN=kube-apiserver" \
      "subjectAltName=IP:$HOST,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.96.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
    # The API server's own user towards the kubelet (logs, exec), which trusts only this CA.
    sign apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" \
      "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
    sign admin "/O=system:masters/CN=flowersim-admin" \
      "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
    # The KubeRay operator's own user (--full), so that an admission policy can tell it apart.
    sign kuberay "/O=system:masters/CN=$KUBERAY_USER" \
      "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
    openssl genrsa -out sa.key 2048
    openssl rsa -in sa.key -pubout -out sa.pub
  ) >"$STATE/pki.log" 2>&1 || { cat "$STATE/pki.log" >&2; die "openssl could not make the certificates"; }
  write_kubeconfig "$STATE/kubeconfig" admin flowersim-admin
  write_kubeconfig "$STATE/kuberay.kubeconfig" kuberay "$KUBERAY_USER"
}

# write_kubeconfig FILE CERT USER: a kubeconfig for the client certificate $STATE/pki/CERT.crt.
write_kubeconfig() {
  local pki=$STATE/pki ca crt key
  ca=$(base64 -w0 "$pki/ca.crt"); crt=$(base64 -w0 "$pki/$2.crt"); key=$(base64 -w0 "$pki/$2.key")
  cat >"$1" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: flowersim-local
  cluster:
    server: https://$HOST:$API_PORT
    certificate-authority-data: $ca
users:
- name: $3
  user:
    client-certificate-data: $crt
    client-key-data: $key
contexts:
- name: flowersim-local
  context: {cluster: flowersim-local, user: $3, namespace: default}
current-context: flowersim-local
KUBECONFIG
  chmod 600 "$1"
}

# Starts one component in its own session (so that a test runner's process-group kill does not
# take it down), its output in $STATE/<name>.log and its pid in $STATE/<name>.pid.
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

# What this start runs: the core, and with --full the rest.
components() {
  echo "${CORE[@]}"
  if [ "$(cat "$STATE/mode" 2>/dev/null)" = full ]; then echo "${FULL[@]}" "${NODE_PARTS[@]}"; fi
}

healthy() {
  local c
  [ -f "$STATE/mode" ] || return 1
  for c in $(components); do running "$c" || return 1; done
  kubectl get --raw=/readyz >/dev/null 2>&1
}

kuberay_crds() {
  local dir
  dir=$(cd / && go mod download -json "github.com/ray-project/kuberay/ray-operator@$KUBERAY_VERSION" | jq -r .Dir) \
    || die "go mod download github.com/ray-project/kuberay/ray-operator@$KUBERAY_VERSION failed"
  echo "$dir/config/crd/bases"
}

start() {
  local full=false
  while [ $# -gt 0 ]; do
    case "$1" in
      --full) full=true; shift ;;
      *) die "unknown option $1 (start [--full])" ;;
    esac
  done
  if $full; then build_full; build_node; else build; fi
  if healthy; then
    if ! $full || [ "$(cat "$STATE/mode")" = full ]; then
      log "already running: https://$HOST:$API_PORT (KUBECONFIG=$STATE/kubeconfig)"
      return
    fi
    log "running without --full: restarting with it"
  fi
  stop_quietly
  local p ports=("$API_PORT" "$ETCD_PORT" $((ETCD_PORT + 1)) "$KCM_PORT")
  $full && ports+=("$SCHED_PORT" "$RAY_OPERATOR_PORT" $((RAY_OPERATOR_PORT + 1)) \
    "$KUEUE_PORT" $((KUEUE_PORT + 1)) $((KUEUE_PORT + 2)))
  for p in "${ports[@]}"; do
    port_free "$p" || die "port $p on $HOST is taken (see the FLOWERSIM_*_PORT variables in $0)"
  done
  local t0=$SECONDS pki=$STATE/pki etcd=http://$HOST:$ETCD_PORT
  mkdir -p "$STATE"
  echo core >"$STATE/mode"
  # Nothing half-started stays behind; the logs do, for the reason.
  trap 'kill_all; log "start failed; logs in $STATE"' EXIT
  make_pki

  # A throwaway store: no fsync, so that tests do not wait on the disk.
  launch etcd "$BIN/etcd" --name=flowersim --data-dir="$STATE/etcd" \
    --listen-client-urls="$etcd" --advertise-client-urls="$etcd" \
    --listen-peer-urls="http://$HOST:$((ETCD_PORT + 1))" \
    --initial-advertise-peer-urls="http://$HOST:$((ETCD_PORT + 1))" \
    --initial-cluster="flowersim=http://$HOST:$((ETCD_PORT + 1))" \
    --unsafe-no-fsync --log-level=warn
  wait_for "etcd health" 60 etcd curl -fsS "$etcd/health"

  # Without the real node nothing runs in a pod: no endpoint reconciler, since the `kubernetes`
  # Service would get a loopback address, which the Endpoints validation refuses every few
  # seconds. With it (--full) the API server is advertised at the node's bridge gateway, where a
  # relay (scripts/kube/node.sh) forwards to the loopback it binds.
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

  local crds; crds=$(kuberay_crds)
  # Server-side: the CRDs are too large for client-side apply's last-applied annotation.
  # RayService too: the KubeRay operator (--full) watches it.
  kubectl apply --server-side --force-conflicts -f "$crds/ray.io_rayjobs.yaml" \
    -f "$crds/ray.io_rayclusters.yaml" -f "$crds/ray.io_rayservices.yaml" >/dev/null \
    || die "applying KubeRay's CRDs from $crds failed"
  local crd
  for crd in rayjobs rayclusters rayservices; do
    wait_for "Established $crd.ray.io" 60 kube-apiserver established "$crd.ray.io"
  done
  if $full; then
    start_full
    echo full >"$STATE/mode"
  fi
  trap - EXIT
  log "up in $((SECONDS - t0)) s: https://$HOST:$API_PORT, KubeRay $KUBERAY_VERSION CRDs applied$($full && echo ", scheduler, KWOK nodes $(fake_node_summary), KubeRay operator, Kueue $KUEUE_VERSION")"
  log "use it: eval \"\$($0 env)\""
}

# The real node first (its containers, mounts and network), then the rest, last started first.
kill_all() {
  local i all=("${CORE[@]}" "${FULL[@]}")
  node_stop
  for ((i = ${#all[@]} - 1; i >= 0; i--)); do stop_component "${all[$i]}"; done
}

stop_component() {
  local c=$1 pid
  running "$c" || return 0
  pid=$(cat "$STATE/$c.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do [ -d "/proc/$pid" ] || break; sleep 0.25; done
  if [ -d "/proc/$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi
}

# ---------------------------------------------------------------------------------------------
# --full: scheduler, fake GPU nodes (KWOK), the KubeRay operator, Kueue

POOL_LABEL=flowersim.io/node-pool
KUBERAY_USER=kuberay-operator
KUBERAY_OPT_OUT=flowersim.io/kuberay
# pool  nodes  nvidia.com/gpu.product  GPUs/node  CPUs/node  memory/node
NODE_POOLS=(
  "gpu-h100 2 NVIDIA-H100-80GB-HBM3   8 96 1Ti"
  "gpu-a100 2 NVIDIA-A100-SXM4-40GB   8 64 512Gi"
  "gpu-l4   2 NVIDIA-L4               4 32 128Gi"
  "cpu      2 -                     0 16 64Gi"
)

fake_node_summary() {
  local line pool n out=()
  for line in "${NODE_POOLS[@]}"; do read -r pool n _ <<<"$line"; out+=("$pool x$n"); done
  (IFS=,; echo "${out[*]}")
}

# Nodes KWOK manages (annotation kwok.x-k8s.io/node=fake): GPU nodes carry the product label,
# nvidia.com/gpu capacity and the taint nvidia.com/gpu=present:NoSchedule, as GPU pools usually
# do, so that only pods that tolerate it (and ask for GPUs) land there; the CPU pool is tainted
# flowersim.io/node-pool=cpu:NoSchedule.
fake_nodes() {
  local line pool n product gpus cpus mem i name
  for line in "${NODE_POOLS[@]}"; do
    read -r pool n product gpus cpus mem <<<"$line"
    for ((i = 0; i < n; i++)); do
      name=kwok-$pool-$i
      cat <<NODE
---
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations: {kwok.x-k8s.io/node: fake}
  labels:
    type: kwok
    kubernetes.io/hostname: $name
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    $POOL_LABEL: $pool
NODE
      if [ "$gpus" -gt 0 ]; then
        cat <<NODE
    nvidia.com/gpu.product: $product
    nvidia.com/gpu.count: "$gpus"
spec:
  taints: [{key: nvidia.com/gpu, value: present, effect: NoSchedule}]
NODE
      else
        # Nothing runs on a fake node: only pods that ask for the pool (a toleration) go there,
        # and a pod that names no pool goes to the real node, where it runs.
        cat <<NODE
spec:
  taints: [{key: $POOL_LABEL, value: $pool, effect: NoSchedule}]
NODE
      fi
      local resources="cpu: \"$cpus\", memory: $mem, pods: \"110\""
      [ "$gpus" -gt 0 ] && resources+=", nvidia.com/gpu: \"$gpus\""
      cat <<NODE
status:
  allocatable: {$resources}
  capacity: {$resources}
NODE
    done
  done
}

# KWOK's own stages, read from its module: nodes become Ready and keep their leases; pods
# become Running and deleted pods go away. Not pod-complete: it would end KubeRay's submitter
# Job at once, and KubeRay then fails the RayJob (the Ray dashboard it asks is not there); a
# submitter that keeps running leaves the RayJob Running, as with a long simulation.
kwok_stages() {
  local dir f
  dir=$(cd / && go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | jq -r .Dir)/kustomize/stage \
    || die "go mod download sigs.k8s.io/kwok@$KWOK_VERSION failed"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
      pod/fast/pod-ready.yaml pod/fast/pod-delete.yaml; do
    [ -f "$dir/$f" ] || die "KWOK $KWOK_VERSION has no $f"
    echo "---"; cat "$dir/$f"
  done
}

# Namespaces labelled $KUBERAY_OPT_OUT=disabled are out of the KubeRay operator's reach: it may
# read there but every write it tries is refused. KubeRay (v1.5) watches all namespaces or a fixed
# list, and the ITs that play KubeRay's part themselves (writing RayJob status) share this
# control plane with those that need the real operator; this keeps the two apart.
kuberay_opt_out() {
  cat <<POLICY
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: flowersim-kuberay-opt-out}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - {apiGroups: ["*"], apiVersions: ["*"], operations: [CREATE, UPDATE, DELETE], resources: ["*/*"]}
  matchConditions:
  - {name: kuberay-operator, expression: "request.userInfo.username == '$KUBERAY_USER'"}
  validations:
  - expression: "false"
    message: "the namespace is labelled $KUBERAY_OPT_OUT=disabled: the KubeRay operator stays out"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: flowersim-kuberay-opt-out}
spec:
  policyName: flowersim-kuberay-opt-out
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels: {$KUBERAY_OPT_OUT: disabled}
POLICY
}

start_full() {
  local kc=$STATE/kubeconfig
  launch kube-scheduler "$BIN/kube-scheduler" --kubeconfig="$kc" \
    --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" \
    --bind-address=$HOST --secure-port="$SCHED_PORT" --leader-elect=false
  wait_for "scheduler /healthz" 120 kube-scheduler curl -fsSk "https://$HOST:$SCHED_PORT/healthz"

  kwok_stages >"$STATE/kwok-stages.yaml"
  launch kwok "$BIN/kwok" --kubeconfig="$kc" --config="$STATE/kwok-stages.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --cidr=10.244.0.0/16 --node-ip=10.0.0.1 --node-lease-duration-seconds=40
  fake_nodes | kubectl apply -f - >/dev/null || die "creating the fake nodes failed"
  wait_for "Ready fake nodes" 120 kwok \
    kubectl wait --for=condition=Ready node -l type=kwok --timeout=2s

  kuberay_opt_out | kubectl apply -f - >/dev/null || die "applying the KubeRay opt-out policy failed"
  # controller-runtime finds the API server through KUBECONFIG; its own user, for the policy.
  echo "$BIN/ray-operator" >"$STATE/ray-operator.exe"
  cluster_dns_resolver
  (export KUBECONFIG=$STATE/kuberay.kubeconfig; launch ray-operator "${CLUSTER_DNS[@]}" "$BIN/ray-operator" \
    --metrics-addr="$HOST:$RAY_OPERATOR_PORT" \
    --health-probe-bind-address="$HOST:$((RAY_OPERATOR_PORT + 1))" \
    --enable-leader-election=false)
  wait_for "KubeRay operator /readyz" 120 ray-operator \
    curl -fsS "http://$HOST:$((RAY_OPERATOR_PORT + 1))/readyz"

  start_kueue
  node_start
}

kueue_crds() {
  local dir
  dir=$(cd / && go mod download -json "sigs.k8s.io/kueue@$KUEUE_VERSION" | jq -r .Dir) \
    || die "go mod download sigs.k8s.io/kueue@$KUEUE_VERSION failed"
  echo "$dir/config/components/crd/bases"
}

# The webhook server's certificate (signed by the local CA) and, where none is, the metrics one
# at the path Kueue reads it from when it does not manage certificates itself.
kueue_certs() {
  local pki=$STATE/pki certs=$STATE/kueue-certs metrics=/etc/kueue/metrics/certs
  mkdir -p "$certs"
  (
    openssl req -new -newkey rsa:2048 -nodes -keyout "$certs/tls.key" -subj "/CN=kueue-webhook" \
      -out "$certs/tls.csr"
    printf 'subjectAltName=IP:%s,DNS:localhost\nextendedKeyUsage=serverAuth\n' "$HOST" >"$certs/tls.ext"
    openssl x509 -req -in "$certs/tls.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
      -CAcreateserial -days 3650 -extfile "$certs/tls.ext" -out "$certs/tls.crt"
    if [ ! -s "$metrics/tls.crt" ] || [ ! -s "$metrics/tls.key" ]; then
      mkdir -p "$metrics"
      openssl req -x509 -newkey rsa:2048 -nodes -keyout "$metrics/tls.key" -out "$metrics/tls.crt" \
        -days 3650 -subj "/CN=kueue-metrics" -addext "subjectAltName=IP:$HOST,DNS:localhost"
    fi
  ) >"$STATE/kueue-pki.log" 2>&1 \
    || { cat "$STATE/kueue-pki.log" >&2; die "openssl could not make Kueue's certificates ($metrics must be writable)"; }
}

kueue_config() {
  cat <<CONFIG
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
namespace: kueue-system
health:
  healthProbeBindAddress: $HOST:$((KUEUE_PORT + 1))
metrics:
  bindAddress: $HOST:$KUEUE_PORT
webhook:
  host: $HOST
  port: $((KUEUE_PORT + 2))
  certDir: $STATE/kueue-certs
leaderElection:
  leaderElect: false
internalCertManagement:
  enable: false
# No APIService is registered for the on-demand visibility API.
featureGates:
  VisibilityOnDemand: false
integrations:
  frameworks: ["ray.io/rayjob"]
# Kueue's default, plus an opt-out: tests that play Kueue's part label their namespace.
managedJobsNamespaceSelector:
  matchExpressions:
  - {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system, kueue-system]}
  - {key: flowersim.io/kueue, operator: NotIn, values: [disabled]}
CONFIG
}

start_kueue() {
  local kc=$STATE/kubeconfig crds crd
  crds=$(kueue_crds)
  kubectl apply --server-side --force-conflicts -f "$crds" >/dev/null \
    || die "applying Kueue's CRDs from $crds failed"
  for crd in resourceflavors clusterqueues localqueues workloads workloadpriorityclasses; do
    wait_for "Established $crd.kueue.x-k8s.io" 60 kube-apiserver established "$crd.kueue.x-k8s.io"
  done
  kueue_certs
  kueue_config >"$STATE/kueue-config.yaml"
  (export KUBECONFIG=$kc; launch kueue "$BIN/kueue" --config="$STATE/kueue-config.yaml")
  wait_for "Kueue /readyz" 120 kueue curl -fsS "http://$HOST:$((KUEUE_PORT + 1))/readyz"
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

# The real node of --full.
source "$SCRIPT_DIR/kube/node.sh"

case "${1:-}" in
  start) shift; state_lock; start "$@" ;;
  stop) state_lock; stop_quietly; log "stopped" ;;
  env) env_exports ;;
  status) status ;;
  build) build ;;
  build-full) build_full; build_node ;;
  *) die "usage: $0 start [--full] | stop | env | status | build | build-full" ;;
esac; exit  # on one line with esac: an edit of this file while it runs cannot add commands
