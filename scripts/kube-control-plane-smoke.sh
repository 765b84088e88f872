#!/usr/bin/env bash
# Checks by hand that scripts/kube-control-plane.sh gives a working control plane:
#
#   scripts/kube-control-plane-smoke.sh [--keep]    # --keep: leave it running afterwards
#
# Starts it, then checks: KubeRay's CRDs are served; the garbage collector (controller-manager)
# deletes a ConfigMap whose owner was deleted; RBAC denies a ServiceAccount that has no role;
# the repo's FlowerSimulation CRD admits the quickstart example and refuses clients.count 0 with
# a message naming the field. Exits non-zero on the first check that fails.
set -euo pipefail
cd "$(dirname "$0")/.."

keep=false
[ "${1:-}" = "--keep" ] && keep=true
plane=scripts/kube-control-plane.sh
fail() { echo "smoke: FAILED: $*" >&2; exit 1; }
ok() { echo "smoke: ok: $*"; }

t0=$SECONDS
$plane start
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

# The repo's CRD: valid spec admitted, invalid one refused naming the field.
kubectl apply --server-side -f manifests/crds/flowersimulations.flowersim.io-v1.yml >/dev/null
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
