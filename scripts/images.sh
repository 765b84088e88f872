#!/usr/bin/env bash
# flowersim's container images, built without a Docker engine.
#
#   scripts/images.sh build [--no-maven]   # flowersim/runtime, flowersim/operator, flowersim/flower-numpy
#                                          # (each :<version>)
#   scripts/images.sh import               # into the real node's containerd (start --full)
#   scripts/images.sh list                 # what is built, and what the node has
#   scripts/images.sh clean                # removes the images, their layers and the base
#
# `build` packages the jars (mvn package, unless --no-maven), then builds images/runtime,
# images/operator and the example Flower App's image (examples/flower-numpy) with buildah (runc as
# its OCI runtime: crun cannot run on this machine's hybrid cgroups), the same Dockerfiles a user
# builds with `docker build`. Their default base, debian:bookworm-slim, cannot be pulled here: it is
# made once with mmdebstrap (Debian's packages) and tagged with the name a registry serves it under.
# Layers are cached (buildah --layers), with the base, in buildah's own storage under
# ${XDG_CACHE_HOME:-$HOME/.cache}/flowersim/images; a warm build redoes only the layers whose jars
# changed. If the real node runs (scripts/kube-control-plane.sh start --full), the images are
# imported into its containerd; its start imports them too. Pods find them by name, with no pull
# (the images are present, imagePullPolicy IfNotPresent).
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/flowersim/images
STORAGE=$CACHE/storage
RUNROOT=${FLOWERSIM_IMAGES_RUNROOT:-/tmp/flowersim-images}
NODE_STATE=${FLOWERSIM_KUBE_STATE:-/tmp/flowersim-kube}/node
BASE=docker.io/library/debian:bookworm-slim
SUITE=bookworm

log() { echo "images: $*" >&2; }
die() { log "$*"; exit 1; }

# The project version, from the parent pom's own <version> (the first one after <artifactId>).
version() {
  sed -n '/<artifactId>flowersim-parent<\/artifactId>/,/<version>/s#.*<version>\(.*\)</version>.*#\1#p' pom.xml |
    sed 's/-SNAPSHOT$//'
}
VERSION=$(version)
[ -n "$VERSION" ] || die "no project version in pom.xml"
# name, Dockerfile, build context (default: the repository). The last is a user's kind of image:
# a Flower App on top of the runtime (examples/flower-numpy/Dockerfile), built from the app's
# directory as a user builds theirs.
IMAGES=("docker.io/flowersim/runtime:$VERSION images/runtime/Dockerfile"
        "docker.io/flowersim/operator:$VERSION images/operator/Dockerfile"
        "docker.io/flowersim/flower-numpy:$VERSION examples/flower-numpy/Dockerfile examples/flower-numpy")

bah() { buildah --root "$STORAGE" --runroot "$RUNROOT" --storage-driver overlay "$@"; }

need() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null || die "$c is needed (apt-get install buildah runc mmdebstrap containerd)"
  done
}

# debian:bookworm-slim as Debian's own minbase: apt, dpkg, ca-certificates, nothing else.
base() {
  if bah inspect --type image "$BASE" >/dev/null 2>&1; then return; fi
  need mmdebstrap
  local t0=$SECONDS tar=$CACHE/debian-$SUITE.tar c
  mkdir -p "$CACHE"
  if [ ! -s "$tar" ]; then
    log "making $BASE with mmdebstrap (once)"
    mmdebstrap --quiet --variant=minbase --format=tar --include=ca-certificates \
      --aptopt='APT::Install-Recommends "false"' \
      --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
      "$SUITE" "$tar.part" || die "mmdebstrap $SUITE failed"
    mv "$tar.part" "$tar"
  fi
  c=$(bah from scratch)
  bah add "$c" "$tar" / >/dev/null
  bah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --cmd bash --label org.opencontainers.image.description="Debian $SUITE minbase (mmdebstrap)" "$c"
  bah commit --quiet --rm "$c" "$BASE" >/dev/null
  log "$BASE made in $((SECONDS - t0)) s"
}

jars() {
  log "packaging the jars (mvn package -DskipTests)"
  mvn -B -q -pl operator,simulation-runtime-ray,simulation-runtime-kubernetes -am package -DskipTests \
    || die "mvn package failed"
}

build() {
  local maven=true
  while [ $# -gt 0 ]; do
    case "$1" in
      --no-maven) maven=false; shift ;;
      *) die "unknown option $1 (build [--no-maven])" ;;
    esac
  done
  need buildah runc
  $maven && jars
  base
  local entry name file context t0 ca=()
  # pip inside the build trusts what the host trusts (a proxy's CA, say), for that step only.
  [ -s /etc/ssl/certs/ca-certificates.crt ] && ca=(-v /etc/ssl/certs/ca-certificates.crt:/run/host-ca.crt:ro)
  for entry in "${IMAGES[@]}"; do
    read -r name file context <<<"$entry"
    t0=$SECONDS
    log "building $name from $file"
    bah bud --quiet --layers --runtime "$(command -v runc)" --network host --pull=never \
      "${ca[@]}" --build-arg "RUNTIME=docker.io/flowersim/runtime:$VERSION" \
      -f "$file" -t "$name" "${context:-.}" >/dev/null || die "building $name failed"
    log "built $name in $((SECONDS - t0)) s ($(size "$name"))"
  done
  if [ -S "$NODE_STATE/containerd.sock" ]; then import; fi
}

size() { bah images --format '{{.Size}}' "$1" 2>/dev/null | head -n1; }

# Each image as an OCI archive (kept while its image ID is the same), then ctr import.
import() {
  local sock=$NODE_STATE/containerd.sock entry name id archive t0 imported=0
  [ -S "$sock" ] || die "no real node runs (scripts/kube-control-plane.sh start --full)"
  for entry in "${IMAGES[@]}"; do
    read -r name _ <<<"$entry"
    # What is built goes in: a cache made before an image was added to the list lacks it.
    if ! id=$(bah inspect --type image --format '{{.FromImageID}}' "$name" 2>/dev/null); then
      log "$name is not built, not imported (scripts/images.sh build)"
      continue
    fi
    imported=$((imported + 1))
    if [ "$(ctr -a "$sock" -n k8s.io images ls -q "name==$name" 2>/dev/null)" = "$name" ] \
        && [ "$(cat "$NODE_STATE/imported-${name//[\/:]/_}" 2>/dev/null)" = "$id" ]; then
      continue
    fi
    t0=$SECONDS
    archive=$CACHE/archives/${name//[\/:]/_}.tar
    mkdir -p "$CACHE/archives"
    if [ "$(cat "$archive.id" 2>/dev/null)" != "$id" ]; then
      rm -f "$archive"
      bah push --quiet "$name" "oci-archive:$archive:$name" >/dev/null || die "buildah push $name failed"
      echo "$id" >"$archive.id"
    fi
    ctr -a "$sock" -n k8s.io images import --no-unpack=false "$archive" >/dev/null \
      || die "importing $name into the node's containerd failed"
    echo "$id" >"$NODE_STATE/imported-${name//[\/:]/_}"
    log "imported $name into the real node in $((SECONDS - t0)) s"
  done
  [ "$imported" -gt 0 ] || die "no image is built (scripts/images.sh build)"
}

list() {
  local entry name
  for entry in "${IMAGES[@]}"; do
    read -r name _ <<<"$entry"
    if bah inspect --type image "$name" >/dev/null 2>&1; then
      echo "$name: built ($(size "$name"))"
    else
      echo "$name: not built"
    fi
  done
  if [ -S "$NODE_STATE/containerd.sock" ]; then
    ctr -a "$NODE_STATE/containerd.sock" -n k8s.io images ls -q 2>/dev/null | grep -v '^sha256:' | sed 's/^/node: /'
  fi
}

clean() {
  if [ -d "$STORAGE" ]; then
    bah rm --all >/dev/null 2>&1 || true
    bah rmi --all --force >/dev/null 2>&1 || true
    # Overlay mounts buildah left behind would keep the directory busy.
    findmnt -rn -o TARGET | grep "^$STORAGE/" | sort -r | xargs -r umount 2>/dev/null || true
  fi
  rm -rf "$CACHE" "$RUNROOT"
  log "removed $CACHE"
}

case "${1:-}" in
  build) shift; build "$@" ;;
  import) import ;;
  list) list ;;
  clean) clean ;;
  version) echo "$VERSION" ;;
  base) base ;;
  *) die "usage: $0 build [--no-maven] | import | list | clean" ;;
esac
