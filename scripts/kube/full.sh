# `scripts/kube-control-plane.sh start --full` after the core (run.sh); sourced by that script.
#
#   kube-scheduler   the real scheduler
#   kwok             fake nodes in four pools labelled flowersim.io/node-pool (NODE_POOLS below:
#                    kwok-gpu-node.yaml, kwok-cpu-node.yaml), on which pods become Running without
#                    running anything; the stages from KWOK's module
#   ray-operator     the real KubeRay operator, as its own user; kept out of namespaces labelled
#                    flowersim.io/kuberay=disabled (kuberay-opt-out.yaml)
#   kueue            Kueue's manager out of cluster (kueue.yaml), its CRDs from its module
# and then the real node (node.sh), unless FLOWERSIM_REAL_NODE=false.

# pool  nodes  nvidia.com/gpu.product  GPUs/node  CPUs/node  memory/node
# The H100 and A100 pools carry the products of examples/gpu-pools.yaml and room for all its
# workers at once (8 x 16 CPUs on H100, 4 x 8 CPUs on A100, one GPU each).
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

# The nodes of NODE_POOLS, kwok-<pool>-<i>: GPU pools from kwok-gpu-node.yaml, the others from
# kwok-cpu-node.yaml.
fake_nodes() {
  local line n i KWOK_NODE POOL GPU_PRODUCT GPUS CPUS MEMORY
  for line in "${NODE_POOLS[@]}"; do
    read -r POOL n GPU_PRODUCT GPUS CPUS MEMORY <<<"$line"
    for ((i = 0; i < n; i++)); do
      KWOK_NODE=kwok-$POOL-$i
      echo "---"
      if [ "$GPUS" -gt 0 ]; then template kwok-gpu-node.yaml; else template kwok-cpu-node.yaml; fi
    done
  done
}

# KWOK's own stages, read from its module: nodes become Ready and keep their leases; pods
# become Running and deleted pods go away. Not pod-complete: it would end KubeRay's submitter
# Job at once, and KubeRay then fails the RayJob (the Ray dashboard it asks is not there); a
# submitter that keeps running leaves the RayJob Running, as with a long simulation.
kwok_stages() {
  local dir f
  dir=$(go_module_dir "sigs.k8s.io/kwok@$KWOK_VERSION")/kustomize/stage \
    || die "go mod download sigs.k8s.io/kwok@$KWOK_VERSION failed"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
      pod/fast/pod-ready.yaml pod/fast/pod-delete.yaml; do
    [ -f "$dir/$f" ] || die "KWOK $KWOK_VERSION has no $f"
    echo "---"; cat "$dir/$f"
  done
}

# The KubeRay operator runs on the host but talks to each Ray head's dashboard by its Service's
# cluster DNS name: a command after "${CLUSTER_DNS[@]}" runs in its own mount namespace (private,
# unshare's default) whose resolver is the cluster's DNS, CoreDNS on the real node's gateway. Its
# only other peer, the API server, it reaches by address.
CLUSTER_DNS=(unshare -m sh -c "mount --bind -o ro $STATE/cluster-resolv.conf /etc/resolv.conf && exec \"\$0\" \"\$@\"")

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

  # KubeRay (v1.5) watches all namespaces or a fixed list, and the ITs that play KubeRay's part
  # themselves (writing RayJob status) share this control plane with those that need the real
  # operator: the policy keeps the two apart.
  template kuberay-opt-out.yaml | kubectl apply -f - >/dev/null \
    || die "applying the KubeRay opt-out policy failed"
  # controller-runtime finds the API server through KUBECONFIG; its own user, for the policy.
  echo "$BIN/ray-operator" >"$STATE/ray-operator.exe"
  printf 'nameserver %s\noptions ndots:1\n' "$NODE_GATEWAY" >"$STATE/cluster-resolv.conf"
  (export KUBECONFIG=$STATE/kuberay.kubeconfig; launch ray-operator "${CLUSTER_DNS[@]}" "$BIN/ray-operator" \
    --metrics-addr="$HOST:$RAY_OPERATOR_PORT" \
    --health-probe-bind-address="$HOST:$RAY_OPERATOR_HEALTH_PORT" \
    --enable-leader-election=false)
  wait_for "KubeRay operator /readyz" 120 ray-operator \
    curl -fsS "http://$HOST:$RAY_OPERATOR_HEALTH_PORT/readyz"

  start_kueue
  if $REAL_NODE; then node_start; fi
}

# Kueue's manager runs out of cluster with the admin kubeconfig and kueue.yaml: integration
# ray.io/rayjob, leader election off, internal certificate management off (pki.sh makes its
# certificates). Its webhook configurations are not registered with the API server: flowersim's
# operator creates a queued RayJob suspended itself, which is what Kueue's defaulting webhook
# would do, and nothing else here needs Kueue's validation. Jobs in a namespace labelled
# flowersim.io/kueue=disabled are left alone (tests that play Kueue's part themselves).
start_kueue() {
  local crds crd
  crds=$(go_module_dir "sigs.k8s.io/kueue@$KUEUE_VERSION")/config/components/crd/bases \
    || die "go mod download sigs.k8s.io/kueue@$KUEUE_VERSION failed"
  kubectl apply --server-side --force-conflicts -f "$crds" >/dev/null \
    || die "applying Kueue's CRDs from $crds failed"
  for crd in resourceflavors clusterqueues localqueues workloads workloadpriorityclasses; do
    wait_for "Established $crd.kueue.x-k8s.io" 60 kube-apiserver established "$crd.kueue.x-k8s.io"
  done
  kueue_certs
  template kueue.yaml >"$STATE/kueue-config.yaml"
  (export KUBECONFIG=$STATE/kubeconfig; launch kueue "$BIN/kueue" --config="$STATE/kueue-config.yaml")
  wait_for "Kueue /readyz" 120 kueue curl -fsS "http://$HOST:$KUEUE_HEALTH_PORT/readyz"
}
