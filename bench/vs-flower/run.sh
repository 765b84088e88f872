#!/usr/bin/env bash
# bench/vs-flower/run.sh [--quick] — flowersim side by side with Flower (and Apple's pfl) on this
# machine, in one run (see bench/RESULTS.md for what it measures and the figures).
#
#   (a) no-op clients, 1,000,000 float32 parameters, 100 clients, 10 and 100 per round:
#       Flower (flwr run, local simulation federation, Ray backend; and the deprecated
#       flwr.simulation.start_simulation), flowersim local,
#       flowersim on Ray (scripts/ray-cluster.sh), pfl (nearest it can express: lr 0)
#   (b) Fashion-MNIST MLP (full run: also CNN), 100 clients, the same partition and initial
#       parameters (exported from flowersim), model, plain SGD, lr, batch size, local epochs and
#       rounds, all read from examples/fashion-mnist-*.yaml: Flower, flowersim local (one JVM,
#       and a pool of worker JVMs with cpus: 1 each), pfl; each gets the example's per-client CPUs
#   (c) 1,000,000 clients, 1,000 per round, no-op (1,000 floats): time per round, peak memory;
#       Flower under a time limit (its failure is recorded)
#   (e) a Flower PyTorch App (examples/flower-pytorch-fmnist, Message API, MLP) unchanged: under
#       Flower (flwr run, as (a)) and as flowersim's clients (local Python worker pool, and on Ray:
#       a 1-node cluster of its own whose venv sees torch-site), the same Python, data partition,
#       initial model and per-client seeds; accuracy is the app's centralized one on all 10,000
#       test images (its global_evaluate: spec.flowerApp.evaluateFn, Flower's evaluate_fn)
#   (d) FedAvg aggregation GB/s next to a STREAM-like triad (JMH, bench/run.sh's benchmark)
#
# Prints one table (wall time, median round, per client-round, peak RSS of the process tree,
# final accuracy) and the ratios; the last line is `overhead ratio (flower/flowersim local): X`.
# --quick: fewer rounds, no CNN, fewer pfl runs, 1 repetition (about 25 minutes on 2 busy cores).
# REPEATS=N (default 3, --quick 1) repeats every run; the table shows medians. MODELS="mlp cnn"
# chooses the Fashion-MNIST models of (b) (default: mlp with --quick, both without). WORKLOADS="e"
# (any of a b c d e; default all) runs only those.
# Venvs (once, from PyPI) under ~/.cache/flowersim/bench: flwr (flwr[simulation] + psutil), pfl
# (pfl + psutil), and one PyTorch shared by both (torch-site, added to each by a .pth file); for
# (e) on Ray also ray-torch (scripts/ray-cluster.sh's install, FLOWERSIM_RAY_VENV; torch-site too).
# Outputs: bench/target/vs-flower/<UTC time>/ (every run's JSON, logs, table.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/bench/vs-flower"
cd "$root"

quick=""
for arg in "$@"; do
  case "$arg" in
    --quick) quick=yes ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/vs-flower/run.sh: unknown argument '$arg' (usage: run.sh [--quick])" >&2; exit 2 ;;
  esac
done

FLWR_VERSION=1.42.0     # newest on PyPI when written; its [simulation] extra pins ray 2.55.1
PFL_VERSION=0.6.0
TORCH_VERSION=2.15.0
cache=${XDG_CACHE_HOME:-$HOME/.cache}/flowersim/bench
repeats=${REPEATS:-$([ -n "$quick" ] && echo 1 || echo 3)}
workloads=" ${WORKLOADS:-a b c d e} "
want() { [[ "$workloads" == *" $1 "* ]]; }
out="$root/bench/target/vs-flower/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
log() { echo "== $*" | tee -a "$out/progress.log" >&2; }

# --- venvs -----------------------------------------------------------------------------------
# PyPI's Linux torch wheel is the CUDA build: it cannot even be imported without the nvidia-*
# wheels (libtorch_cpu.so itself links libcudart and libcupti), so --no-deps does not work, and the
# CPU-only wheels live outside PyPI. So: one torch with its CUDA wheels (~5 GB), installed once
# with --target and shared by the Flower and pfl venvs through a .pth file; CUDA stays unused.
venvs() {
  if [ ! -f "$cache/torch-site/.installed-$TORCH_VERSION" ]; then
    log "installing torch==$TORCH_VERSION into $cache/torch-site (once; ~5 GB with its CUDA wheels)"
    rm -rf "$cache/torch-site"
    python3 -m pip install -q --disable-pip-version-check --target "$cache/torch-site" \
      "torch==$TORCH_VERSION"
    touch "$cache/torch-site/.installed-$TORCH_VERSION"
  fi
  local name spec
  for name in flwr pfl; do
    spec="flwr[simulation]==$FLWR_VERSION"
    [ "$name" = pfl ] && spec="pfl==$PFL_VERSION"
    if [ ! -f "$cache/$name/.installed-$spec" ]; then
      log "installing $spec into $cache/$name (once)"
      rm -rf "${cache:?}/$name"
      python3 -m venv "$cache/$name"
      "$cache/$name/bin/pip" install -q --disable-pip-version-check "$spec" psutil
      touch "$cache/$name/.installed-$spec"
    fi
    # torch-site after the venv's own packages: the venv's numpy etc. win
    echo "$cache/torch-site" >"$("$cache/$name/bin/python" -c 'import site; print(site.getsitepackages()[0])')/zz-shared-torch.pth"
  done
}
venvs
FPY="$cache/flwr/bin/python"
PPY="$cache/pfl/bin/python"

# --- build, data export ------------------------------------------------------------------------
log "build: mvn -B -q -pl bench,simulation-runtime-ray -am package -DskipTests"
mvn -B -q -pl bench,simulation-runtime-ray -am package -DskipTests >"$out/build.log" 2>&1 \
  || { cat "$out/build.log" >&2; exit 1; }
jar="$root/bench/target/benchmarks.jar"
export FLOWERSIM_CLASSPATH="$jar"
models=(mlp)
[ -z "$quick" ] && models=(mlp cnn)
[ -n "${MODELS:-}" ] && read -r -a models <<<"$MODELS"
for m in "${models[@]}"; do
  java -cp "$jar" io.flowersim.bench.ExportFashionMnistSplit "examples/fashion-mnist-$m.yaml" \
    "$out/export-$m" >"$out/export-$m.log" 2>&1 || { cat "$out/export-$m.log" >&2; exit 1; }
done

# spec value of a simulation file: yamlget FILE key.path
yamlget() { "$FPY" -c 'import sys, yaml
v = yaml.safe_load(open(sys.argv[1]))["spec"]
for k in sys.argv[2].split("."): v = v[k]
print(v)' "$1" "$2"; }

noop_yaml() { # noop_yaml FILE CLIENTS PER_ROUND ROUNDS FLOATS
  local f=$1 clients=$2 per=$3 rounds=$4 floats=$5
  cat >"$f" <<YAML
apiVersion: flowersim.io/v1alpha1
kind: FlowerSimulation
metadata: {name: noop}
spec:
  task: noop
  taskConfig: {floats: "$floats"}
  rounds: $rounds
  seed: 42
  clients: {count: $clients, resources: {cpus: 1}}
  strategy: {fractionFit: $("$FPY" -c "print($per/$clients)"), fractionEvaluate: $("$FPY" -c "print($per/$clients)"), minFitClients: $per, minEvaluateClients: $per, minAvailableClients: $clients}
YAML
}

# measured NAME TIMEOUT CMD...: runs CMD under measure.py (wall time, peak RSS of its tree)
measured() {
  local name=$1 limit=$2; shift 2
  log "$name (limit ${limit}s, load $(cut -d' ' -f1 /proc/loadavg))"
  MEASURE_TIMEOUT=$limit "$FPY" "$here/measure.py" "$out/$name.measure.json" -- "$@" \
    >"$out/$name.log" 2>&1 || log "$name: failed or timed out (see $out/$name.log)"
}

flowersim() { # flowersim NAME YAML LIMIT [flowersim run options]
  local name=$1 yaml=$2 limit=$3; shift 3
  measured "$name" "$limit" bin/flowersim run "$yaml" --out "$out/$name" "$@"
  [ -f "$out/$name/history.json" ] && cp "$out/$name/history.json" "$out/$name.result.json" || true
}

flower() { # flower NAME LIMIT KEY=VALUE...
  local name=$1 limit=$2; shift 2
  measured "$name" "$limit" "$FPY" "$here/flower_run.py" "$out/$name" "result-file=$out/$name.result.json" \
    cpus="$(nproc)" client-cpus=1 "$@"
}

flower_legacy() { # flower_legacy NAME LIMIT KEY=VALUE...: flwr.simulation.start_simulation
  local name=$1 limit=$2; shift 2
  measured "$name" "$limit" "$FPY" "$here/flower_legacy.py" "result-file=$out/$name.result.json" \
    cpus="$(nproc)" client-cpus=1 "$@"
}

pfl() { # pfl NAME LIMIT KEY=VALUE...
  local name=$1 limit=$2; shift 2
  # one PyTorch thread: with more, OpenMP's spinning threads lose badly on a busy machine (pfl's
  # MLP rounds took 0.5-2 s with 2 threads, 0.2 s with 1, measured side by side here)
  (cd "$here" && measured "$name" "$limit" "$PPY" pfl_run.py "result-file=$out/$name.result.json" \
    torch-threads=1 "$@")
}

rounds_a=20; rounds_c=3; limit_c=900
[ -n "$quick" ] && { rounds_a=10; rounds_c=2; limit_c=420; }

# --- Ray cluster for flowersim's Ray backend (reused if one is up) ------------------------------
# One started here runs only during (a): an idle Ray cluster still takes CPU from what runs beside
# it (flowersim's MLP round: 0.17 s without, 0.22 s with one idling on this 2-core machine).
ray_started=""
ray_up() {
  if ! scripts/ray-cluster.sh address >/dev/null 2>&1; then
    log "starting a 1-node Ray cluster of $(nproc) CPUs (scripts/ray-cluster.sh)"
    scripts/ray-cluster.sh start --nodes 1 --num-cpus "$(nproc)" >/dev/null
    ray_started=yes
  fi
  ray_address=$(scripts/ray-cluster.sh address)
}
ray_down() {
  if [ -n "$ray_started" ]; then
    scripts/ray-cluster.sh stop >/dev/null 2>&1 || true
    ray_started=""
  fi
}
ray_state=${FLOWERSIM_RAY_STATE:-/tmp/flowersim-ray}

# --- a second Ray cluster for (e): one whose Python has torch -----------------------------------
# The app's clients run in the cluster's Python; scripts/ray-cluster.sh's own venv has no torch
# and is shared, so (e) gets a 1-node cluster of its own beside any other: its own venv (the
# script's install, plus torch-site by the same .pth as venvs(), written before the cluster starts
# so that every Ray worker sees it), state dir and ports; up only while (e) runs on it.
ray_torch=(FLOWERSIM_RAY_VENV="$cache/ray-torch" FLOWERSIM_RAY_STATE=/tmp/flowersim-bench-ray-torch
  FLOWERSIM_RAY_PORT=6392 FLOWERSIM_RAY_PORT_BASE=26000)
ray_torch_started=""
ray_torch_up() {
  env "${ray_torch[@]}" scripts/ray-cluster.sh install 2>>"$out/progress.log"
  echo "$cache/torch-site" >"$("$cache/ray-torch/bin/python" -c 'import site; print(site.getsitepackages()[0])')/zz-shared-torch.pth"
  log "starting a 1-node Ray cluster of $(nproc) CPUs from $cache/ray-torch (scripts/ray-cluster.sh)"
  env "${ray_torch[@]}" scripts/ray-cluster.sh start --nodes 1 --num-cpus "$(nproc)" >/dev/null
  ray_torch_started=yes
  ray_torch_address=$(env "${ray_torch[@]}" scripts/ray-cluster.sh address)
}
ray_torch_down() {
  if [ -n "$ray_torch_started" ]; then
    env "${ray_torch[@]}" scripts/ray-cluster.sh stop >/dev/null 2>&1 || true
    ray_torch_started=""
  fi
}
trap 'ray_down; ray_torch_down' EXIT

for rep in $(seq 1 "$repeats"); do
  # (a) no-op, 1M floats, 100 clients
  want a && ray_up
  for per in $(want a && echo 10 100); do
    noop_yaml "$out/noop-$per.yaml" 100 "$per" "$rounds_a" 1000000
    flowersim "a$per.flowersim-local.$rep" "$out/noop-$per.yaml" 600 --cpus "$(nproc)"
    MEASURE_ALSO="$ray_state" flowersim "a$per.flowersim-ray.$rep" "$out/noop-$per.yaml" 600 \
      --backend ray --ray-address "$ray_address"
    flower "a$per.flower.$rep" 900 workload=noop clients=100 per-round="$per" rounds="$rounds_a" floats=1000000
    flower_legacy "a$per.flower-legacy.$rep" 900 clients=100 per-round="$per" rounds="$rounds_a" floats=1000000
    if [ -z "$quick" ] || [ "$per" = 10 ]; then
      pfl "a$per.pfl.$rep" 900 workload=noop clients=100 per-round="$per" rounds="$rounds_a" floats=1000000
    fi
  done
  ray_down
  # (b) Fashion-MNIST, settings from the example files
  for m in $(want b && echo "${models[@]}"); do
    y="examples/fashion-mnist-$m.yaml"
    clients=$(yamlget "$y" clients.count)
    per=$("$FPY" -c "print(round($(yamlget "$y" strategy.fractionFit) * $clients))")
    common=(workload="$m" clients="$clients" per-round="$per" rounds="$(yamlget "$y" rounds)"
      export-dir="$out/export-$m" lr="$(yamlget "$y" taskConfig.learningRate)"
      batch-size="$(yamlget "$y" taskConfig.batchSize)" local-epochs="$(yamlget "$y" taskConfig.localEpochs)"
      seed="$(yamlget "$y" seed)")
    # every simulator gives a client its declared CPUs as PyTorch threads: flowersim's local
    # backend and Ray's actors (OMP_NUM_THREADS = num_cpus) do so themselves, pfl is told
    cpus_b=$(yamlget "$y" clients.resources.cpus)
    flowersim "b-$m.flowersim-local.$rep" "$y" 1800 --cpus "$(nproc)"
    # the local backend's other way for DJL tasks: a pool of worker JVMs, one cpus: 1 client each
    sed 's/cpus: [0-9.]*,/cpus: 1,/' "$y" >"$out/pool-$m.yaml"
    flowersim "b-$m.flowersim-pool.$rep" "$out/pool-$m.yaml" 1800 --cpus "$(nproc)" \
      --client-processes pool
    flower "b-$m.flower.$rep" 1800 "${common[@]}" client-cpus="$cpus_b"
    pfl "b-$m.pfl.$rep" 1800 "${common[@]}" torch-threads="$cpus_b"
  done
  # (e) the Flower PyTorch App of examples/flower-pytorch-fmnist, unchanged, as flowersim's clients
  # (local Python worker pool, and Ray Python actors on the cluster above) and under Flower's
  # simulation; the same Python (this flwr venv with torch; on Ray, the driver's) on every side,
  # settings from the example's YAML
  ye=examples/flower-pytorch-fmnist.yaml
  want e && FLOWERSIM_PYTHON="$FPY" flowersim "e.flowersim-local.$rep" "$ye" 1800 --cpus "$(nproc)"
  if want e; then
    ray_torch_up
    FLOWERSIM_PYTHON="$FPY" MEASURE_ALSO=/tmp/flowersim-bench-ray-torch/ flowersim "e.flowersim-ray.$rep" \
      "$ye" 1800 --backend ray --ray-address "$ray_torch_address"
    ray_torch_down
  fi
  want e && flower "e.flower.$rep" 1800 workload=pytorch-app clients="$(yamlget "$ye" clients.count)" \
    per-round="$("$FPY" -c "print(round($(yamlget "$ye" strategy.fractionFit) * $(yamlget "$ye" clients.count)))")" \
    rounds="$(yamlget "$ye" rounds)" seed="$(yamlget "$ye" seed)" \
    local-epochs="$(yamlget "$ye" flowerApp.runConfig.local-epochs)" \
    learning-rate="$(yamlget "$ye" flowerApp.runConfig.learning-rate)" \
    batch-size="$(yamlget "$ye" flowerApp.runConfig.batch-size)"
  # (c) 1M clients, 1,000 per round, no-op
  want c || continue
  noop_yaml "$out/scale.yaml" 1000000 1000 "$rounds_c" 1000
  flowersim "c.flowersim-local.$rep" "$out/scale.yaml" 900 --cpus "$(nproc)"
  # the same rounds with 100x fewer clients: memory should not depend on the client count
  noop_yaml "$out/scale-10k.yaml" 10000 1000 "$rounds_c" 1000
  flowersim "c10k.flowersim-local.$rep" "$out/scale-10k.yaml" 900 --cpus "$(nproc)"
  flower "c.flower.$rep" "$limit_c" workload=noop clients=1000000 per-round=1000 rounds="$rounds_c" floats=1000
  if [ -z "$quick" ]; then
    pfl "c.pfl.$rep" 900 workload=noop clients=1000000 per-round=1000 rounds="$rounds_c" floats=1000
  fi
done

# (d) aggregation vs memory bandwidth
if want d; then
  log "FedAvg aggregation vs STREAM (JMH)"
  java -cp "$jar" io.flowersim.bench.AggregationBenchmark ${quick:+--quick} \
    --log "$out/jmh-aggregation.log" --json "$out/jmh-aggregation.json" >"$out/aggregation.txt" \
    2>&1 || log "JMH failed (see $out/aggregation.txt)"
fi

"$FPY" "$here/report.py" "$out" | tee "$out/table.md"
