#!/usr/bin/env bash
# bench/run.sh [--quick] — the runtime-core benchmarks (see bench/README.md).
#
# Builds bench/ (mvn -B -q -pl bench -am package -DskipTests, from the repository root), then runs
#   1. io.flowersim.bench.EngineOverheadBenchmark: server + local engine cost per client-round with
#      no-op clients (10 and 100 clients per round, 1k and 1M floats, 20 rounds);
#   2. io.flowersim.bench.AggregationBenchmark (JMH): FedAvg aggregation GB/s next to STREAM-like
#      copy/triad GB/s on this machine;
# and prints one table for each. --quick: fewer repetitions and shorter JMH iterations (about a
# minute after the build on 2 cores); without it, about 3 minutes.
# Outputs (tables, JMH log and JSON) are kept in bench/target/results/.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=(--quick) ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown argument '$arg' (usage: bench/run.sh [--quick])" >&2; exit 2 ;;
  esac
done

jar=bench/target/benchmarks.jar
results=bench/target/results
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT

echo "== build: mvn -B -q -pl bench -am package -DskipTests"
if ! mvn -B -q -pl bench -am package -DskipTests >"$build_log" 2>&1; then
  cat "$build_log" >&2
  echo "bench/run.sh: the build failed" >&2
  exit 1
fi
mkdir -p "$results"
echo "== machine: $(nproc) cores, $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== engine overhead (no-op clients, local backend)"
java -Xms1g -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$jar" io.flowersim.bench.EngineOverheadBenchmark ${quick[@]+"${quick[@]}"} \
  | tee "$results/engine-overhead.txt"

echo
echo "== FedAvg aggregation vs STREAM copy/triad (JMH, one thread)"
java -cp "$jar" io.flowersim.bench.AggregationBenchmark ${quick[@]+"${quick[@]}"} \
  --log "$results/jmh-aggregation.log" --json "$results/jmh-aggregation.json" \
  | tee "$results/aggregation.txt"

echo
echo "== done; load average now $(cut -d' ' -f1-3 /proc/loadavg); outputs in $results/"
