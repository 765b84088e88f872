#!/usr/bin/env bash
# Two builds of flowersim side by side on this machine, alternating, so that background load hits
# both alike: bench/compare-trees.sh OLD_TREE NEW_TREE [REPS]   (default 3 repetitions)
# Each tree must be a checkout built with `mvn -B -q -pl bench,simulation-runtime-ray -am package
# -DskipTests` (its own target/ jars; nothing installed). Per repetition, old then new:
#   1. engine: EngineOverheadBenchmark --quick of each tree (in-process, 2 slots);
#   2. noop:   the no-op task through each tree's bin/flowersim, 20 rounds, 100 clients, 10 and 100
#              per round, 1k and 1M floats, on the local backend (--cpus 2), the worker pool
#              (--client-processes pool --cpus 2) and, with RAY_ADDRESS set, on that Ray cluster;
#              us/client-round = the rounds' durationSeconds summed / (rounds x clients per round),
#              and apart: round 1 alone (a fresh JVM warms up in it) and the median of rounds 2..N;
#   3. mlp:    examples/fashion-mnist-mlp.yaml with --client-processes single and pool (the CLI's
#              "done: N rounds in X s", final accuracy).
# A tree that knows spec.checkpoint gets checkpoint.everyRounds = rounds (noop and mlp alike), so
# that its only checkpoint is written after the last round's duration is taken (the old tree writes
# none). STEPS="mlp" (any of engine noop mlp; default all) runs only those steps.
# Prints every sample, then the medians per row and the ratio new/old. Load average per step.
set -euo pipefail
. "$(dirname "$0")/noop-spec.sh"
old=$(cd "$1" && pwd); new=$(cd "$2" && pwd); reps=${3:-3}
rounds=${ROUNDS:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
samples="$work/samples.tsv"
: >"$samples"
load() { cut -d' ' -f1-3 /proc/loadavg; }

steps=" ${STEPS:-engine noop mlp} "
want() { [[ "$steps" == *" $1 "* ]]; }

checkpoint_last() { # tree rounds -> the spec line that checkpoints only after the last round, or ""
  [ -f "$1/crds/src/main/java/io/flowersim/api/v1alpha1/spec/CheckpointSpec.java" ] \
    && echo "  checkpoint: {everyRounds: $2}" || true
}

noop_yaml() { # tree per floats -> file
  local tree=$1 per=$2 floats=$3 f="$work/noop-$(basename "$1")-$2-$3.yaml" ck
  ck=$(checkpoint_last "$tree" "$rounds")
  { noop_spec "$per" "$floats" "$rounds"; echo "$ck"; } >"$f"
  echo "$f"
}

per_client_round() { # history.json per -> "all r1 rest": us per client-round over all rounds,
  # round 1 alone (a fresh JVM's warm-up is in it), and the median round of rounds 2..N
  python3 - "$1" "$2" <<'PY'
import json, statistics, sys
h = json.load(open(sys.argv[1])); per = int(sys.argv[2])
d = [r["durationSeconds"] for r in h["rounds"]]
us = lambda seconds: f"{seconds / per * 1e6:.1f}"
print(us(sum(d) / len(d)), us(d[0]), us(statistics.median(d[1:])) if len(d) > 1 else "nan")
PY
}

record() { # tree-label row value
  printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$samples"
  printf '%-4s %-34s %12s   (load %s)\n' "$1" "$2" "$3" "$(load)"
}

backends=(local pool)
[ -n "${RAY_ADDRESS:-}" ] && backends+=(ray)
echo "== $(nproc) cores, $(java -version 2>&1 | head -1); old $old ($(git -C "$old" rev-parse --short HEAD)), new $new ($(git -C "$new" rev-parse --short HEAD)); $reps repetitions; load $(load)"
for rep in $(seq "$reps"); do
  for label in old new; do
    tree=$old; [ "$label" = new ] && tree=$new
    # 1. in-process engine overhead
    if want engine; then
      java -Xms1g -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
        -cp "$tree/bench/target/benchmarks.jar" io.flowersim.bench.EngineOverheadBenchmark --quick \
        >"$work/engine.txt" 2>&1 || { cat "$work/engine.txt" >&2; exit 1; }
      # Its rows: clients/round, floats, ms/sim, us/client-round (median), ...
      while read -r per floats med; do
        record "$label" "engine $per/round ${floats}f" "$med"
      done < <(awk '$1 ~ /^[0-9]+$/ && $2 ~ /^[0-9]+$/ {print $1, $2, $4}' "$work/engine.txt")
    fi
    # 2. no-op task through the CLI
    for backend in $(want noop && echo "${backends[@]}"); do
      for per in 10 100; do
        for floats in 1000 1000000; do
          yaml=$(noop_yaml "$tree" "$per" "$floats")
          args=(--cpus 2)
          [ "$backend" = pool ] && args=(--cpus 2 --client-processes pool)
          [ "$backend" = ray ] && args=(--backend ray --ray-address "$RAY_ADDRESS")
          out="$work/out-$label-$backend"
          rm -rf "$out"
          FLOWERSIM_CLASSPATH="$tree/bench/target/benchmarks.jar" \
            "$tree/bin/flowersim" run "$yaml" --out "$out" "${args[@]}" >"$work/run.log" 2>&1 \
            || { echo "-- $label $backend $per $floats failed:" >&2; tail -20 "$work/run.log" >&2; continue; }
          read -r all first rest < <(per_client_round "$out/history.json" "$per")
          record "$label" "noop $backend $per/round ${floats}f" "$all"
          record "$label" "noop $backend $per/round ${floats}f round 1" "$first"
          record "$label" "noop $backend $per/round ${floats}f rounds 2+" "$rest"
        done
      done
    done
    # 3. the Fashion-MNIST MLP, one JVM and the pool
    mlp="$work/mlp-$label.yaml"
    cp "$tree/examples/fashion-mnist-mlp.yaml" "$mlp"
    checkpoint_last "$tree" "$(sed -n 's/^  rounds: \([0-9]*\)$/\1/p' "$mlp")" >>"$mlp"
    for mode in $(want mlp && echo single pool); do
      out="$work/mlp-$label-$mode"
      rm -rf "$out"
      (cd "$tree" && FLOWERSIM_JAVA_OPTS="-Dflowersim.plain=true" bin/flowersim run \
        "$mlp" --client-processes "$mode" --out "$out") >"$work/mlp.log" 2>&1 \
        || { echo "-- $label mlp $mode failed:" >&2; tail -20 "$work/mlp.log" >&2; continue; }
      t=$(sed -n 's/^done: [0-9]* rounds in \([0-9.]*\)s; final.*accuracy \([0-9.]*\).*/\1 \2/p' "$work/mlp.log")
      record "$label" "mlp $mode rounds s" "${t% *}"
      record "$label" "mlp $mode accuracy" "${t#* }"
    done
  done
done

echo
echo "== medians over $reps repetitions (load now $(load))"
python3 - "$samples" <<'PY'
import sys, statistics, collections
v = collections.defaultdict(list); order = []
for line in open(sys.argv[1]):
    label, row, value = line.rstrip("\n").split("\t")
    if row not in order: order.append(row)
    v[(label, row)].append(float(value))
print(f"{'row':34} {'old median':>12} {'new median':>12} {'new/old':>8}   samples old | new")
for row in order:
    o, n = v[("old", row)], v[("new", row)]
    if not o or not n: continue
    mo, mn = statistics.median(o), statistics.median(n)
    print(f"{row:34} {mo:12.4g} {mn:12.4g} {mn / mo:8.2f}   {' '.join(f'{x:g}' for x in o)} | {' '.join(f'{x:g}' for x in n)}")
PY
