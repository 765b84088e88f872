# The real node of `scripts/kube-control-plane.sh start --full`: sourced by that script, whose
# settings (BIN, STATE, NODE, HOST, API_PORT, CACHE, the NODE_* network and KUBELET_* ports) and
# helpers (run.sh: launch, running, wait_for, kubectl; template, log, die) it uses. Its parts are
# built by build.sh (build_node), its certificates made by pki.sh (node_pki).
#
# One node named after this machine's hostname (the API server dials the kubelet by node name,
# which /etc/hosts maps to 127.0.0.1), labelled flowersim.io/node-pool=real, no GPUs:
#   containerd + runc (Debian's packages), own root, state and socket under $NODE;
#     restrict_oom_score_adj, since this machine's processes lack CAP_SYS_RESOURCE;
#     the pod sandbox image is a static sleeper built here (no registry can be reached)
#   a bridge of our own ($NODE_BRIDGE, $NODE_GATEWAY/24), CNI bridge + host-local from Debian's
#     containernetworking-plugins; forwarding on for that bridge only, not the host's ip_forward
#   kubelet and kube-proxy built from the control plane's wrapper module; the kubelet runs in its
#     own mount namespace where the three kernel settings it insists on read as it wants them
#     (the host's stay as they are), with its root dir a shared mount so that the volumes it
#     mounts reach the containers
#   CoreDNS (go install of its module) on the bridge gateway: KubeRay's workers find the head by
#     its Service name
#   a relay from the bridge gateway to the API server, which binds loopback only: pods reach it
#     as the `kubernetes` Service (advertised at the gateway), TLS verified by the cluster CA
# `stop` (node_stop) removes what node_start made: processes by pid, containers, mounts, network
# namespaces, the bridge, kube-proxy's iptables rules, and the host paths the kubelet, containerd
# and CNI insist on when they were not there before.

NODE_NAME=$(hostname)
NODE_PARTS=(containerd api-relay coredns kube-proxy kubelet)
# Host paths the node's programs write to whatever they are told (removed on stop if new).
NODE_HOST_PATHS=(/var/lib/kubelet /var/log/containers /var/log/pods /var/lib/cni /run/containerd /var/run/netns)
NODE_KERNEL_DEFAULTS=("vm/overcommit_memory 1" "kernel/panic 10" "kernel/panic_on_oops 1")

node_network() {
  ip link add "$NODE_BRIDGE" type bridge || die "cannot make the bridge $NODE_BRIDGE"
  echo "$NODE_BRIDGE" >"$NODE/bridge"
  ip addr add "$NODE_GATEWAY/${NODE_CIDR#*/}" dev "$NODE_BRIDGE"
  ip link set "$NODE_BRIDGE" up
  # Service traffic from a pod comes back in through the bridge and is routed out of it again.
  echo 1 >"/proc/sys/net/ipv4/conf/$NODE_BRIDGE/forwarding"
  mkdir -p "$NODE/cni"
  template cni.conflist >"$NODE/cni/10-flowersim.conflist"
}

node_start() {
  build_node
  command -v containerd >/dev/null && command -v runc >/dev/null && [ -x /usr/lib/cni/bridge ] \
    || die "the real node needs containerd, runc and the CNI plugins (apt-get install containerd runc containernetworking-plugins iptables)"
  [ "$(id -u)" -eq 0 ] || die "the real node needs root (network, mounts, cgroups)"
  local p
  for p in "$KUBELET_PORT" "$KUBELET_HEALTHZ_PORT" "$KUBE_PROXY_HEALTHZ_PORT" "$KUBE_PROXY_METRICS_PORT"; do
    port_free "$p" || die "port $p on $HOST is taken (FLOWERSIM_KUBELET_PORT)"
  done
  ip link show "$NODE_BRIDGE" >/dev/null 2>&1 && die "a link $NODE_BRIDGE exists already (FLOWERSIM_NODE_BRIDGE)"
  local t0=$SECONDS
  mkdir -p "$NODE"
  for p in "${NODE_HOST_PATHS[@]}"; do [ -e "$p" ] || echo "$p"; done >"$NODE/new-host-paths"
  ls /var/run/netns 2>/dev/null >"$NODE/netns-before" || true
  node_pki
  node_network

  # containerd
  NODE_RUNC=$(command -v runc)
  template containerd.toml >"$NODE/containerd.toml"
  launch containerd "$(command -v containerd)" --config "$NODE/containerd.toml"
  wait_for "containerd" 60 containerd ctr -a "$NODE/containerd.sock" version
  ctr -a "$NODE/containerd.sock" -n k8s.io images import "$CACHE/node/pause.tar" >/dev/null \
    || die "importing the pod sandbox image failed"
  local images
  images=$("$SCRIPT_DIR/images.sh" list 2>/dev/null || true)
  if grep -q ': built' <<<"$images"; then
    FLOWERSIM_KUBE_STATE=$STATE "$SCRIPT_DIR/images.sh" import || die "importing flowersim's images failed"
  fi

  # The API server for pods: the `kubernetes` Service's endpoint is the gateway (advertised).
  launch api-relay "$(command -v socat)" \
    "TCP-LISTEN:$API_PORT,bind=$NODE_GATEWAY,fork,reuseaddr" "TCP:$HOST:$API_PORT"

  template node-rbac.yaml | kubectl apply -f - >/dev/null || die "applying the node's RBAC failed"
  template Corefile >"$NODE/Corefile"
  launch coredns "$BIN/coredns" -conf "$NODE/Corefile" -dns.port 53
  wait_for "CoreDNS" 60 coredns bash -c "exec 3<>/dev/tcp/$NODE_GATEWAY/53"

  template kube-proxy.yaml >"$NODE/kube-proxy.yaml"
  launch kube-proxy "$BIN/kube-proxy" --config="$NODE/kube-proxy.yaml"
  # /healthz waits for this node to exist, which the kubelet registers next; /livez does not.
  wait_for "kube-proxy /livez" 60 kube-proxy curl -fsS "http://$HOST:$KUBE_PROXY_HEALTHZ_PORT/livez"

  node_kubelet
  wait_for "node $NODE_NAME Ready" 120 kubelet \
    kubectl wait --for=condition=Ready "node/$NODE_NAME" --timeout=2s
  log "real node $NODE_NAME Ready in $((SECONDS - t0)) s (pods on $NODE_CIDR, bridge $NODE_BRIDGE)"
}

node_kubelet() {
  # /proc private in the kubelet's namespace: the read-only values never reach the host's, even
  # where / is a shared mount.
  local kubelet_root=$NODE/kubelet sysctl=$NODE/kernel-defaults entry key value
  local mounts="mount --make-private /proc && "
  mkdir -p "$kubelet_root" "$sysctl" "$NODE/pod-logs"
  # The kubelet's volumes must propagate to the containers containerd starts outside its namespace.
  mount --bind "$kubelet_root" "$kubelet_root"
  mount --make-rshared "$kubelet_root"
  for entry in "${NODE_KERNEL_DEFAULTS[@]}"; do
    read -r key value <<<"$entry"
    echo "$value" >"$sysctl/${key//\//.}"
    mounts+="mount --bind -o ro $sysctl/${key//\//.} /proc/sys/$key && "
  done
  echo "nameserver $NODE_GATEWAY" >"$NODE/resolv.conf"
  template kubelet.yaml >"$NODE/kubelet.yaml"
  echo "$BIN/kubelet" >"$STATE/kubelet.exe"
  launch kubelet unshare -m --propagation unchanged sh -c "${mounts}exec $BIN/kubelet \
    --config=$NODE/kubelet.yaml --kubeconfig=$NODE/kubelet.kubeconfig --root-dir=$kubelet_root \
    --cert-dir=$NODE/kubelet-pki --hostname-override=$NODE_NAME --node-ip=$NODE_GATEWAY \
    --node-labels=$POOL_LABEL=real --v=1"
}

node_stop() {
  [ -d "$NODE" ] || return 0
  local sock=$NODE/containerd.sock id c pid
  for c in kubelet; do stop_component "$c"; done
  # Containers go with their tasks; their shims would outlive containerd otherwise.
  if running containerd; then
    for id in $(ctr -a "$sock" -n k8s.io tasks ls -q 2>/dev/null); do
      ctr -a "$sock" -n k8s.io tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
    done
    sleep 1
    for id in $(ctr -a "$sock" -n k8s.io tasks ls -q 2>/dev/null); do
      ctr -a "$sock" -n k8s.io tasks delete -f "$id" >/dev/null 2>&1 || true
    done
  fi
  for c in coredns api-relay containerd; do stop_component "$c"; done
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $sock" 2>/dev/null); do
    kill -9 "$pid" 2>/dev/null || true
  done
  if running kube-proxy || [ -x "$BIN/kube-proxy" ]; then
    stop_component kube-proxy
    "$BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
    # --cleanup leaves the empty KUBE-FIREWALL chain and its jumps.
    iptables -D INPUT -j KUBE-FIREWALL 2>/dev/null || true
    iptables -D OUTPUT -j KUBE-FIREWALL 2>/dev/null || true
    iptables -F KUBE-FIREWALL 2>/dev/null && iptables -X KUBE-FIREWALL 2>/dev/null || true
  fi
  # Network namespaces the pods had, then every mount below the node's dirs, deepest first.
  local ns
  for ns in $(ls /var/run/netns 2>/dev/null); do
    grep -qxF "$ns" "$NODE/netns-before" 2>/dev/null && continue
    umount "/var/run/netns/$ns" 2>/dev/null || true
    rm -f "/var/run/netns/$ns"
  done
  findmnt -rn -o TARGET | grep -E "^($NODE|/run/containerd)/" | sort -r | xargs -r umount -l 2>/dev/null || true
  umount -l "$NODE/kubelet" 2>/dev/null || true
  if [ -s "$NODE/bridge" ]; then ip link del "$(cat "$NODE/bridge")" 2>/dev/null || true; fi
  if [ -s "$NODE/new-host-paths" ]; then
    while read -r p; do
      findmnt -rn -o TARGET | grep -E "^$p(/|$)" | sort -r | xargs -r umount -l 2>/dev/null || true
      rm -rf "$p"
    done <"$NODE/new-host-paths"
  fi
  "$BIN/kubectl" --kubeconfig="$STATE/kubeconfig" delete node "$NODE_NAME" --wait=false >/dev/null 2>&1 || true
}

node_status() {
  [ -d "$NODE" ] || return 0
  kubectl get node "$NODE_NAME" -L "$POOL_LABEL" --no-headers 2>/dev/null | sed 's/^/real node: /'
}
