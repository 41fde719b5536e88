#!/usr/bin/env bash
# Wall time of short `trainbench` commands, where JVM start-up and class loading dominate (issue 16):
# RUNS runs each (after one untimed run that creates the class-data-sharing archive), mean and best, per variant.
# "tokenize after validate" times tokenize when validate ran first on an empty user cache: an archive that the first
# command creates holds only that command's classes; the one packaging trains (lib/trainbench.aot) holds all.
#
# Usage: tools/bench/cli_startup.sh TOKENIZER_DIR [RUNS] [DIST...]
#   TOKENIZER_DIR  a directory with tokenizer.json (e.g. Llama 3's, 128k tokens) for `tokenize --text`
#   DIST           CLI distributions to compare (default: releng/org.trainbench.cli/target/trainbench);
#                  each is run with TRAINBENCH_CDS=off and, when its bin/trainbench knows it, with the archive.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tokenizer="$1"
runs="${2:-10}"
shift $(( $# >= 2 ? 2 : 1 ))
dists=("$@")
[[ ${#dists[@]} -eq 0 ]] && dists=("$root/releng/org.trainbench.cli/target/trainbench")
config="$root/examples/llama-3.1-8b-pretrain-from-scratch.yaml"
measure() { # label, command...
  local label="$1"; shift
  "$@" > /dev/null 2>&1 || true # untimed: creates the archive when there is none
  local times=()
  for ((i = 0; i < runs; i++)); do
    local start end
    start=$(date +%s%N); "$@" > /dev/null 2>&1 || true; end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" -v runs="$runs" \
    '{ sum += $1; if (NR == 1) best = $1 } END { printf "%-60s mean %5d ms  best %5d ms  (%d runs)\n", label, sum / NR, best, runs }'
}
for dist in "${dists[@]}"; do
  for cds in off on; do
    if [[ $cds == on ]] && ! grep -q TRAINBENCH_CDS "$dist/bin/trainbench"; then continue; fi
    rm -rf "${XDG_CACHE_HOME:-$HOME/.cache}/trainbench"
    measure "$dist CDS=$cds: validate $(basename "$config")" env TRAINBENCH_CDS=$cds "$dist/bin/trainbench" validate "$config"
    rm -rf "${XDG_CACHE_HOME:-$HOME/.cache}/trainbench"
    measure "$dist CDS=$cds: tokenize --text" env TRAINBENCH_CDS=$cds "$dist/bin/trainbench" tokenize --text "Hello world" "$tokenizer"
    if [[ $cds == on ]]; then
      rm -rf "${XDG_CACHE_HOME:-$HOME/.cache}/trainbench"
      env TRAINBENCH_CDS=on "$dist/bin/trainbench" validate "$config" > /dev/null 2>&1 || true
      measure "$dist CDS=on: tokenize --text after validate" env TRAINBENCH_CDS=on "$dist/bin/trainbench" tokenize --text "Hello world" "$tokenizer"
    fi
  done
done
