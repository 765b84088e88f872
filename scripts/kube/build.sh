# What scripts/kube-control-plane.sh builds, from which Go module, into the cache; sourced by it
# (its settings: the versions, KUBE_HOME, BIN, CACHE).
#
# Kubernetes' own binaries (etcd, kube-apiserver, kube-controller-manager, kubectl; --full:
# kube-scheduler, kubelet, kube-proxy) come from a small wrapper module (kube-binaries.go.mod,
# written into the cache) that requires k8s.io/kubernetes at K8S_VERSION and replaces its staging
# modules (k8s.io/api, client-go, ...) with their published k8s.io/* releases; etcd comes at the
# version kubernetes itself requires. helm, KWOK, the KubeRay operator, Kueue and CoreDNS are
# `go install`ed at their pinned versions (their go.mod has no replace directives, so this works).
# The real node's pod sandbox image is a static C program (pause.c) packaged with buildah.
#
# Binaries are cached under $BIN (${XDG_CACHE_HOME:-$HOME/.cache}/flowersim/kube/<version>/bin),
# built once: marker files (.built, .built-full) say a build finished. etcd, kube-apiserver and
# kubectl are also laid out as .../kube/<version>/k8s/<x.y.z>-linux-amd64/ for Fabric8's
# kube-api-test (offline mode, withTestDir(.../kube/<version>)). One build at a time per version
# (build_lock): CI and a developer may start at once.

# go_module_dir MODULE@VERSION: where the module's source is (downloaded into the module cache).
go_module_dir() {
  (cd / && go mod download -json "$1") | jq -r .Dir
}

built() {
  local b
  for b in etcd kube-apiserver kube-controller-manager kubectl; do
    [ -x "$BIN/$b" ] || return 1
  done
  [ -f "$BIN/.built" ]
}

# kubernetes pins its staging modules with `replace => ./staging/...`, which only works inside its
# own repository; here each becomes the published release of the same minor (v1.34.4 ->
# v0.34.4), read from kubernetes' own go.mod so that none is forgotten.
write_wrapper_module() {
  local src=$1 k8s_mod GO_VERSION STAGING_REPLACES staging
  k8s_mod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | jq -r .GoMod)
  [ -f "$k8s_mod" ] || die "go mod download k8s.io/kubernetes@$K8S_VERSION gave no go.mod"
  staging=v0.${K8S_VERSION#v1.}
  GO_VERSION=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$k8s_mod")
  STAGING_REPLACES=$(sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/.*#\1#p' "$k8s_mod" |
    while read -r m; do echo "	$m => $m $staging"; done)
  mkdir -p "$src"
  template kube-binaries.go.mod >"$src/go.mod"
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

# go build of the wrapper module's commands (k8s.io/kubernetes/cmd/...) into $BIN.
build_from_wrapper() {
  local src=$KUBE_HOME/src
  write_wrapper_module "$src"
  (cd "$src" && go mod tidy && CGO_ENABLED=0 go build -trimpath -ldflags "$(version_ldflags)" \
      -o "$BIN/" "$@") || die "go build in $src of $* failed"
}

# go_install MODULE/CMD VERSION [LDFLAGS]: a command at its own pinned version into $BIN.
go_install() {
  (cd / && CGO_ENABLED=0 GOBIN=$BIN go install -trimpath -ldflags "-s -w ${3:-}" "$1@$2") \
    || die "go install $1@$2 failed"
}

# fd 8 holds the lock; the caller closes it (exec 8>&-) when its build is done.
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
  local t0=$SECONDS
  log "building etcd, kube-apiserver, kube-controller-manager, kubectl $K8S_VERSION into $BIN (once; long on a cold machine)"
  mkdir -p "$BIN"
  build_from_wrapper k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kubectl
  (cd "$KUBE_HOME/src" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" \
      go.etcd.io/etcd/server/v3) || die "go build of etcd failed"
  # kube-api-test's offline layout: <dir>/k8s/<x.y.z>-linux-amd64/{kube-apiserver,etcd,kubectl}
  local apitest=$KUBE_HOME/k8s/${K8S_VERSION#v}-linux-amd64 b
  mkdir -p "$apitest"
  for b in kube-apiserver etcd kubectl; do ln -sfn "$BIN/$b" "$apitest/$b"; done
  touch "$BIN/.built"
  exec 8>&-
  log "built in $((SECONDS - t0)) s"
  build_helm
}

# helm for charts/flowersim's tests; the ldflags give `helm template` the control plane's
# Kubernetes version as its default (a bare go install says v1.20).
build_helm() {
  [ -x "$BIN/helm" ] && return
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  log "building helm $HELM_VERSION into $BIN (once)"
  go_install helm.sh/helm/v3/cmd/helm "$HELM_VERSION" \
    "-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor"
}

# Kueue on its own (an older cache has the rest of --full already).
build_kueue() {
  [ -x "$BIN/kueue" ] && return
  build_lock
  if [ -x "$BIN/kueue" ]; then exec 8>&-; return; fi
  local t0=$SECONDS
  log "building kueue $KUEUE_VERSION into $BIN (once)"
  go_install sigs.k8s.io/kueue/cmd/kueue "$KUEUE_VERSION"
  exec 8>&-
  log "built kueue in $((SECONDS - t0)) s"
}

built_full() {
  local b
  for b in kube-scheduler kwok ray-operator; do [ -x "$BIN/$b" ] || return 1; done
  [ -f "$BIN/.built-full" ]
}

# --full: kube-scheduler (the wrapper module), KWOK, the KubeRay operator and Kueue.
build_full() {
  build
  build_kueue
  built_full && return
  build_lock
  if built_full; then exec 8>&-; return; fi
  local t0=$SECONDS
  log "building kube-scheduler $K8S_VERSION, kwok $KWOK_VERSION, KubeRay operator $KUBERAY_VERSION into $BIN (once)"
  build_from_wrapper k8s.io/kubernetes/cmd/kube-scheduler
  go_install sigs.k8s.io/kwok/cmd/kwok "$KWOK_VERSION"
  go_install github.com/ray-project/kuberay/ray-operator "$KUBERAY_VERSION"
  touch "$BIN/.built-full"
  exec 8>&-
  log "built in $((SECONDS - t0)) s"
}

node_built() {
  local b
  for b in kubelet kube-proxy coredns; do [ -x "$BIN/$b" ] || return 1; done
  [ -s "$CACHE/node/pause.tar" ]
}

# The real node's parts (--full): kubelet and kube-proxy (the wrapper module), CoreDNS, and the
# pod sandbox image.
build_node() {
  node_built && return
  build_lock
  if node_built; then exec 8>&-; return; fi
  local t0=$SECONDS
  log "building kubelet, kube-proxy $K8S_VERSION, CoreDNS $COREDNS_VERSION and the pod sandbox image (once)"
  build_from_wrapper k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy
  [ -x "$BIN/coredns" ] || go_install github.com/coredns/coredns "$COREDNS_VERSION"
  build_pause_image
  exec 8>&-
  log "built the node's parts in $((SECONDS - t0)) s"
}

# A pod sandbox only holds the pod's namespaces: pause.c sleeps until told to stop. No registry
# can be reached, so it is built here and imported into the node's containerd (node.sh).
build_pause_image() {
  local dir=$CACHE/node c
  command -v buildah >/dev/null && command -v gcc >/dev/null \
    || die "buildah and gcc are needed for the pod sandbox image (apt-get install buildah gcc)"
  mkdir -p "$dir/pause-root"
  gcc -static -Os -s -o "$dir/pause-root/pause" "$KUBE_DIR/pause.c" || die "gcc -static pause.c failed"
  local bah=(buildah --root "$dir/buildah" --runroot "$STATE.pause-build" --storage-driver vfs)
  c=$("${bah[@]}" from scratch)
  "${bah[@]}" copy "$c" "$dir/pause-root/pause" /pause >/dev/null
  "${bah[@]}" config --entrypoint '["/pause"]' "$c"
  "${bah[@]}" commit --quiet --rm "$c" "$PAUSE_IMAGE" >/dev/null
  rm -f "$dir/pause.tar"
  "${bah[@]}" push --quiet "$PAUSE_IMAGE" "oci-archive:$dir/pause.tar:$PAUSE_IMAGE" >/dev/null
  "${bah[@]}" rmi --all --force >/dev/null 2>&1 || true
  rm -rf "$dir/buildah" "$STATE.pause-build"
}
