#!/usr/bin/env bash
# Engine overhead per client-round, Ray backend vs local backend, side by side on this machine:
# the same no-op task (bench's "noop": clients do nothing) through bin/flowersim on both backends.
# Per client-round = sum of the rounds' durationSeconds / (rounds x clients per round), so JVM and
# actor start-up are left out. Needs the Ray cluster (started here if none is up).
#   bench/ray-vs-local.sh [--quick]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. bench/noop-spec.sh
rounds=20
[ "${1:-}" = "--quick" ] && rounds=5

mvn -B -q -pl bench,simulation-runtime-ray -am package -DskipTests >/dev/null
started=""
if ! scripts/ray-cluster.sh address >/dev/null 2>&1; then
  scripts/ray-cluster.sh start --nodes 1 --num-cpus 2 >/dev/null
  started=yes
fi
trap '[ -n "$started" ] && scripts/ray-cluster.sh stop >/dev/null' EXIT
address=$(scripts/ray-cluster.sh address)
work=$(mktemp -d)
export FLOWERSIM_CLASSPATH="$root/bench/target/benchmarks.jar"

printf '%-8s %8s %8s %18s %18s %8s\n' backend perRound floats "us/client-round" "rounds total s" ""
for per in 10 100; do
  for floats in 1000 1000000; do
    noop_spec "$per" "$floats" "$rounds" >"$work/noop.yaml"
    declare -A us=()
    for backend in local ray; do
      args=(--cpus 2)
      [ "$backend" = ray ] && args=(--backend ray --ray-address "$address")
      bin/flowersim run "$work/noop.yaml" --out "$work/$backend" "${args[@]}" >/dev/null 2>"$work/$backend.err" \
        || { cat "$work/$backend.err" >&2; exit 1; }
      read -r total perclient < <(python3 - "$work/$backend/history.json" "$per" <<'PY'
import json, sys
h = json.load(open(sys.argv[1])); per = int(sys.argv[2])
total = sum(r["durationSeconds"] for r in h["rounds"])
print(f"{total:.3f} {total / (len(h['rounds']) * per) * 1e6:.1f}")
PY
)
      us[$backend]=$perclient
      printf '%-8s %8s %8s %18s %18s\n' "$backend" "$per" "$floats" "$perclient" "$total"
    done
    echo "ratio ray/local (per=$per floats=$floats): $(python3 -c "print(round(${us[ray]}/${us[local]}, 1))")"
  done
done
rm -rf "$work"
