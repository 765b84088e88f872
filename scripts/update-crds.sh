#!/usr/bin/env bash
# Regenerates the FlowerSimulation CRD from the Java types in crds/ and copies it to where it is
# committed: manifests/crds/ (and charts/flowersim/crds/ once the chart exists).
# CrdDriftTest fails the build while a committed copy differs from the generated one.
#
#   scripts/update-crds.sh        then commit the changed YAML
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
crd="flowersimulations.flowersim.io-v1.yml"
generated="$root/crds/target/classes/META-INF/fabric8/$crd"

cd "$root"
mvn -B -q -pl crds -am process-classes

if [[ ! -f "$generated" ]]; then
  echo "update-crds: the build did not write $generated" >&2
  exit 1
fi

targets=("manifests/crds")
if [[ -d charts/flowersim ]]; then
  targets+=("charts/flowersim/crds")
fi
for dir in "${targets[@]}"; do
  mkdir -p "$dir"
  cp "$generated" "$dir/$crd"
  echo "update-crds: wrote $dir/$crd"
done
