#!/usr/bin/env bash
# The local backend's two ways to run clients of a DJL task (one training step per JVM): a pool of
# worker JVMs (--client-processes pool) or this JVM one client at a time with all cores as PyTorch
# intra-op threads (single). Runs each example RUNS times per mode, alternating the modes so that
# background load hits both alike, and prints the median time for the rounds (not JVM start) and
# the median CPU seconds of the whole run (user + system, driver and workers: what a busy machine
# has to find).
#   [ROUNDS=N] bench/client-processes.sh [RUNS] [EXAMPLE.yaml...]   (default: 5, examples/fashion-mnist-mlp.yaml)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-5}
shift || true
examples=("$@")
[ ${#examples[@]} -gt 0 ] || examples=("$root/examples/fashion-mnist-mlp.yaml")
out=$(mktemp -d)
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
trap 'rm -rf "$out"' EXIT

for example in "${examples[@]}"; do
  declare -A times=() cpus=()
  for i in $(seq "$runs"); do
    for mode in pool single; do
      log="$out/$mode-$i.log"
      FLOWERSIM_JAVA_OPTS="-Dflowersim.plain=true ${FLOWERSIM_JAVA_OPTS:-}" \
        /usr/bin/time -f "cpu %U %S" -o "$out/$mode-$i.cpu" "$root/bin/flowersim" run "$example" --client-processes "$mode" ${ROUNDS:+--rounds $ROUNDS} \
        --out "$out/$mode-$i" \
        >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
      t=$(sed -n 's/^done: [0-9]* rounds in \([0-9.]*\)s; final.*accuracy \([0-9.]*\).*/\1 \2/p' "$log")
      c=$(awk '/^cpu/ {printf "%.1f", $2 + $3}' "$out/$mode-$i.cpu")
      echo "$(basename "$example") $mode run $i: ${t% *} s, accuracy ${t#* }, $c CPU s"
      times[$mode]="${times[$mode]:-} ${t% *}"
      cpus[$mode]="${cpus[$mode]:-} $c"
    done
  done
  for mode in pool single; do
    echo "$(basename "$example") $mode: median $(median "${times[$mode]}") s for the rounds," \
      "$(median "${cpus[$mode]}") CPU s, over $runs runs (rounds:${times[$mode]}; CPU:${cpus[$mode]})"
  done
  unset times cpus
done
