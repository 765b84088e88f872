#!/usr/bin/env bash
# Checks by hand that scripts/kube-control-plane.sh gives a working control plane:
#
#   scripts/kube-control-plane-smoke.sh [--full] [--keep]   # --keep: leave it running afterwards
#
# Starts it, then checks: KubeRay's CRDs are served; the garbage collector (controller-manager)
# deletes a ConfigMap whose owner was deleted; RBAC denies a ServiceAccount that has no role;
# the repo's FlowerSimulation CRD admits the quickstart example and refuses clients.count 0 with
# a message naming the field. With --full also: a RayCluster (head on the CPU pool, a worker group
# asking for nvidia.com/gpu on NVIDIA-L4 nodes) is turned into pods by the real KubeRay operator,
# placed by the real scheduler on the right pools and Running via KWOK; a GPU pod that does not
# tolerate the GPU taint stays Pending; a RayJob reaches jobDeploymentStatus Running.
# Exits non-zero on the first check that fails.
set -euo pipefail
cd "$(dirname "$0")/.."

keep=false full=()
for arg in "$@"; do
  case "$arg" in
    --keep) keep=true ;;
    --full) full=(--full) ;;
    *) echo "usage: $0 [--full] [--keep]" >&2; exit 2 ;;
  esac
done
plane=scripts/kube-control-plane.sh
fail() { echo "smoke: FAILED: $*" >&2; exit 1; }
ok() { echo "smoke: ok: $*"; }

t0=$SECONDS
$plane start "${full[@]}"
$keep || trap '$plane stop' EXIT
echo "smoke: start took $((SECONDS - t0)) s"
eval "$($plane env)"

kubectl get crd rayjobs.ray.io rayclusters.ray.io >/dev/null || fail "KubeRay CRDs missing"
kubectl get rayjobs.ray.io -A >/dev/null || fail "rayjobs not served"
ok "KubeRay CRDs rayjobs.ray.io, rayclusters.ray.io served"

# Garbage collection: the dependent names its owner; deleting the owner must delete it.
ns=smoke-$RANDOM
kubectl create namespace "$ns" >/dev/null
kubectl -n "$ns" create configmap owner --from-literal=role=owner >/dev/null
uid=$(kubectl -n "$ns" get configmap owner -o jsonpath='{.metadata.uid}')
kubectl -n "$ns" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: dependent
  ownerReferences:
  - {apiVersion: v1, kind: ConfigMap, name: owner, uid: $uid}
data: {role: dependent}
EOF
kubectl -n "$ns" get configmap dependent >/dev/null || fail "dependent not created"
kubectl -n "$ns" delete configmap owner --wait=true >/dev/null
kubectl -n "$ns" wait --for=delete configmap/dependent --timeout=60s >/dev/null \
  || fail "the garbage collector did not delete the dependent ConfigMap within 60 s"
ok "garbage collector deleted the dependent of a deleted owner"

# RBAC: a ServiceAccount with no binding may not read ConfigMaps.
kubectl -n "$ns" create serviceaccount nobody >/dev/null
answer=$(kubectl auth can-i get configmaps -n "$ns" --as="system:serviceaccount:$ns:nobody" || true)
[ "$answer" = "no" ] || fail "RBAC let an unbound ServiceAccount read ConfigMaps ($answer)"
ok "RBAC denies an unbound ServiceAccount"

if [ ${#full[@]} -gt 0 ]; then
  kubectl -n "$ns" apply -f - >/dev/null <<'EOF'
apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: pools}
spec:
  rayVersion: "2.39.0"
  headGroupSpec:
    rayStartParams: {}
    template:
      spec:
        nodeSelector: {flowersim.io/node-pool: cpu}
        tolerations: [{key: flowersim.io/node-pool, value: cpu, effect: NoSchedule}]
        containers:
        - {name: ray-head, image: rayproject/ray:2.39.0, resources: {limits: {cpu: "2", memory: 4Gi}}}
  workerGroupSpecs:
  - groupName: l4
    replicas: 2
    minReplicas: 0
    maxReplicas: 2
    rayStartParams: {num-gpus: "1"}
    template:
      spec:
        nodeSelector: {nvidia.com/gpu.product: NVIDIA-L4}
        tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
        containers:
        - name: ray-worker
          image: rayproject/ray:2.39.0
          resources: {limits: {cpu: "4", memory: 8Gi, nvidia.com/gpu: "1"}}
---
apiVersion: v1
kind: Pod
metadata: {name: gpu-without-toleration}
spec:
  containers:
  - {name: c, image: busybox, resources: {limits: {nvidia.com/gpu: "1"}}}
EOF
  deadline=$((SECONDS + 120))
  until [ "$(kubectl -n "$ns" get raycluster pools -o jsonpath='{.status.state}')" = ready ]; do
    [ $SECONDS -lt $deadline ] || fail "RayCluster pools not ready after 120 s: $(kubectl -n "$ns" get pods -o wide)"
    sleep 1
  done
  placement=$(kubectl -n "$ns" get pods -l ray.io/cluster=pools \
    -o jsonpath='{range .items[*]}{.metadata.labels.ray\.io/node-type}={.spec.nodeName}={.status.phase}{"\n"}{end}' | sort)
  echo "$placement" | sed 's/^/smoke:   /'
  [ "$(grep -c '^head=kwok-cpu-[0-9]*=Running$' <<<"$placement")" = 1 ] || fail "head not Running on the cpu pool"
  [ "$(grep -c '^worker=kwok-gpu-l4-[0-9]*=Running$' <<<"$placement")" = 2 ] || fail "workers not Running on the gpu-l4 pool"
  ok "KubeRay made the RayCluster's pods; the scheduler put them on the right pools; KWOK runs them"
  kubectl -n "$ns" wait --for=condition=PodScheduled=false pod/gpu-without-toleration --timeout=60s >/dev/null \
    || fail "the GPU pod without a toleration was not refused by the scheduler"
  reason=$(kubectl -n "$ns" get pod gpu-without-toleration \
    -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].message}')
  grep -q 'untolerated taint' <<<"$reason" || fail "unexpected scheduling message: $reason"
  ok "a GPU pod without the toleration stays Pending: $reason"

  # A RayJob: KubeRay makes its cluster and submitter Job; both keep running under KWOK.
  kubectl -n "$ns" apply -f - >/dev/null <<'EOF'
apiVersion: ray.io/v1
kind: RayJob
metadata: {name: job}
spec:
  entrypoint: "echo never runs under KWOK"
  rayClusterSpec:
    rayVersion: "2.39.0"
    headGroupSpec:
      rayStartParams: {}
      template:
        spec:
          nodeSelector: {flowersim.io/node-pool: cpu}
          tolerations: [{key: flowersim.io/node-pool, value: cpu, effect: NoSchedule}]
          containers:
          - {name: ray-head, image: rayproject/ray:2.39.0, resources: {limits: {cpu: "1", memory: 2Gi}}}
EOF
  deadline=$((SECONDS + 120))
  until [ "$(kubectl -n "$ns" get rayjob job -o jsonpath='{.status.jobDeploymentStatus}')" = Running ]; do
    [ $SECONDS -lt $deadline ] || fail "RayJob not Running after 120 s: $(kubectl -n "$ns" get rayjob job -o yaml)"
    sleep 1
  done
  cluster=$(kubectl -n "$ns" get rayjob job -o jsonpath='{.status.rayClusterName}')
  [ -n "$cluster" ] && kubectl -n "$ns" get raycluster "$cluster" >/dev/null \
    || fail "the RayJob names no RayCluster that exists ($cluster)"
  ok "RayJob Running on RayCluster $cluster"
fi

# The repo's CRD (last: it is the project's, not the control plane's): a valid spec admitted,
# an invalid one refused naming the field. FLOWERSIM_SMOKE_CRD may name another file.
crd=${FLOWERSIM_SMOKE_CRD:-manifests/crds/flowersimulations.flowersim.io-v1.yml}
kubectl apply --server-side -f "$crd" >/dev/null || fail "the API server refused the CRD $crd"
kubectl wait --for=condition=Established --timeout=60s crd/flowersimulations.flowersim.io >/dev/null
kubectl -n "$ns" apply -f examples/quickstart.yaml >/dev/null || fail "quickstart example refused"
ok "examples/quickstart.yaml admitted"
invalid=$(sed 's/^\(    count:\) 100$/\1 0/' examples/quickstart.yaml | sed 's/^  name: quickstart$/  name: invalid/')
grep -q 'count: 0' <<<"$invalid" || fail "could not make the invalid example"
if message=$(kubectl -n "$ns" apply -f - <<<"$invalid" 2>&1); then
  fail "clients.count 0 was admitted"
fi
grep -q 'spec.clients.count' <<<"$message" || fail "the refusal does not name spec.clients.count: $message"
ok "clients.count 0 refused: $message"

kubectl delete namespace "$ns" --wait=false >/dev/null
echo "smoke: all checks passed in $((SECONDS - t0)) s"
