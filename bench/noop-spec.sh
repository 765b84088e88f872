# The no-op workload of the engine benchmarks (bench/ray-vs-local.sh, bench/compare-trees.sh):
# bench's "noop" task, 100 clients that do nothing but send FLOATS floats back, PER of them
# sampled per round. Sourced, not run:
#   noop_spec PER FLOATS ROUNDS   # the FlowerSimulation's YAML on stdout
noop_spec() {
  local per=$1 floats=$2 rounds=$3 fraction
  fraction=$(python3 -c "print($per/100)")
  cat <<YAML
apiVersion: flowersim.io/v1alpha1
kind: FlowerSimulation
metadata: {name: noop-$per-$floats}
spec:
  task: noop
  taskConfig: {floats: "$floats"}
  rounds: $rounds
  clients: {count: 100, resources: {cpus: 1}}
  strategy: {fractionFit: $fraction, fractionEvaluate: $fraction, minFitClients: $per, minEvaluateClients: $per, minAvailableClients: 100}
YAML
}
