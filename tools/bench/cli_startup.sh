#!/usr/bin/env bash
# Wall time of short `trainbench` commands, where JVM start-up and class loading dominate (issue 16). Every variant
# runs once per round, RUNS rounds, so that the load of a shared machine falls on all variants alike; mean, standard
# deviation and best per variant.
#
# Usage: tools/bench/cli_startup.sh TOKENIZER_DIR [RUNS] [DIST...]
#   TOKENIZER_DIR  a directory with tokenizer.json (e.g. Llama 3's, 128k tokens) for `tokenize --text`
#   DIST           CLI distributions to compare (default: releng/org.trainbench.cli/target/trainbench);
#                  each is run with TRAINBENCH_CDS=off and, when its bin/trainbench knows it, on. Each "on" variant has
#                  its own user cache (XDG_CACHE_HOME), made by one untimed run of its first command: "tokenize after
#                  validate" is tokenize where validate ran first, since an archive that the first command creates
#                  holds only that command's classes (a distribution with lib/trainbench.aot uses that instead).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tokenizer="$1"
runs="${2:-10}"
shift $(( $# >= 2 ? 2 : 1 ))
dists=("$@")
[[ ${#dists[@]} -eq 0 ]] && dists=("$root/releng/org.trainbench.cli/target/trainbench")
config="$root/examples/llama-3.1-8b-pretrain-from-scratch.yaml"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
labels=() caches=() cds=() dist_of=() commands=()
add() { # label, dist, cds, cache-priming command ("" for none), timed command
  labels+=("$1") dist_of+=("$2") cds+=("$3") commands+=("$5")
  local cache="$work/cache-${#labels[@]}"
  mkdir -p "$cache"
  caches+=("$cache")
  if [[ -n "$4" ]]; then
    XDG_CACHE_HOME="$cache" TRAINBENCH_CDS="$3" "$2/bin/trainbench" $4 > /dev/null 2>&1 || true
  fi
}
validate="validate $config"
tokenize="tokenize --text Hello $tokenizer"
for dist in "${dists[@]}"; do
  add "$dist CDS=off: validate" "$dist" off "" "$validate"
  add "$dist CDS=off: tokenize --text" "$dist" off "" "$tokenize"
  if grep -q TRAINBENCH_CDS "$dist/bin/trainbench"; then
    add "$dist CDS=on: validate" "$dist" on "$validate" "$validate"
    add "$dist CDS=on: tokenize --text" "$dist" on "$tokenize" "$tokenize"
    add "$dist CDS=on: tokenize --text after validate" "$dist" on "$validate" "$tokenize"
  fi
done
for ((round = 0; round < runs; round++)); do
  for ((v = 0; v < ${#labels[@]}; v++)); do
    start=$(date +%s%N)
    XDG_CACHE_HOME="${caches[v]}" TRAINBENCH_CDS="${cds[v]}" "${dist_of[v]}/bin/trainbench" ${commands[v]} > /dev/null 2>&1 || true
    end=$(date +%s%N)
    echo "$v $(( (end - start) / 1000000 ))" >> "$work/times"
  done
done
for ((v = 0; v < ${#labels[@]}; v++)); do
  awk -v v="$v" '$1 == v { print $2 }' "$work/times" | sort -n | awk -v label="${labels[v]}" '{ x[NR] = $1; sum += $1 } END {
    mean = sum / NR; for (i = 1; i <= NR; i++) ss += (x[i] - mean) ^ 2
    printf "%-66s mean %5.0f ms  sd %4.0f  best %5.0f  (%d runs)\n", label, mean, sqrt(ss / (NR > 1 ? NR - 1 : 1)), x[1], NR }'
done
