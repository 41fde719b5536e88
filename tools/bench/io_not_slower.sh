#!/usr/bin/env bash
# Issue 15: validation, `prepare` and the demo are not slower after the YAML reader, safetensors and codec changes.
# Wall time of each command with two CLI distributions (before and after), alternating per round so that the load of a
# shared machine falls on both alike; mean and best wall time, and mean CPU time (user + system, from /usr/bin/time: far
# less sensitive than wall time to other work on a shared machine), per command and distribution.
#
# Usage: tools/bench/io_not_slower.sh BEFORE_DIST AFTER_DIST [ROUNDS] [DEMO_ROUNDS]
#   validate  `validate` of the four examples/llama-3.1-8b-*.yaml configs (one JVM each, CDS off: class loading and
#             parsing, not a warm cache)
#   prepare   `prepare` of 20,000 records (the fixture records repeated) from JSON Lines and from a Parquet file
#             (snappy: both distributions read it; needs python3 with pyarrow to write it) with the test llama3 tokenizer
#   demo      `trainbench demo` (dataset generation, 600 training steps, answers), DEMO_ROUNDS times (default 1)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
before="$1"
after="$2"
rounds="${3:-5}"
demo_rounds="${4:-1}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
records="$root/bundles/org.trainbench.engine.tests/resources/data/parquet/records.jsonl"
tokenizer="$root/bundles/org.trainbench.engine.tests/resources/tokenizer/llama3.tokenizer.json"
for i in $(seq 100); do cat "$records"; done > "$work/big.jsonl"
python3 - "$work/big.jsonl" "$work/big.parquet" <<'PY'
import sys, pyarrow.json as pj, pyarrow.parquet as pq
pq.write_table(pj.read_json(sys.argv[1]), sys.argv[2], compression="snappy")
PY
for input in big.jsonl big.parquet; do
  cat > "$work/prepare-$input.yaml" <<YAML
output_path: OUT
dataset:
  path: $work/$input
  field: text
tokenizer:
  path: $tokenizer
splits:
  training: 0.99
  validation: 0.01
YAML
done
declare -A total best count cpu
now() { date +%s%N; }
run() { # label dist command... (validate may exit 1: some examples have errors on purpose; any other failure stops)
  local label="$1" dist="$2"
  shift 2
  local start end ms status=0
  start=$(now)
  TRAINBENCH_CDS=off /usr/bin/time -f "%U %S" -o "$work/time.txt" "$dist/bin/trainbench" "$@" > "$work/out.txt" 2>&1 \
    || status=$?
  if [[ $status -ne 0 && ! ( "$1" == validate && $status -eq 1 ) ]]; then cat "$work/out.txt"; exit 1; fi
  end=$(now)
  ms=$(( (end - start) / 1000000 ))
  cpu[$label]=$(awk -v t="${cpu[$label]:-0}" 'END { printf "%d", t + ($1 + $2) * 1000 }' "$work/time.txt")
  total[$label]=$(( ${total[$label]:-0} + ms ))
  count[$label]=$(( ${count[$label]:-0} + 1 ))
  if [[ -z "${best[$label]:-}" || $ms -lt ${best[$label]} ]]; then best[$label]=$ms; fi
}
for round in $(seq "$rounds"); do
  for side in before after; do
    dist="${!side}"
    for config in "$root"/examples/llama-3.1-8b-*.yaml; do
      run "validate $side" "$dist" validate "$config"
    done
    for input in big.jsonl big.parquet; do
      rm -rf "$work/out-$side"
      sed "s|OUT|$work/out-$side|" "$work/prepare-$input.yaml" > "$work/p.yaml"
      run "prepare $input $side" "$dist" prepare "$work/p.yaml"
    done
  done
done
for round in $(seq "$demo_rounds"); do
  for side in before after; do
    rm -rf "$work/demo-$side"
    run "demo $side" "${!side}" demo --dir "$work/demo-$side"
  done
done
printf '%-28s %6s %10s %10s %12s\n' command runs "mean ms" "best ms" "mean CPU ms"
for label in $(printf '%s\n' "${!count[@]}" | sed 's/ /~/g' | sort); do
  l="${label//\~/ }"
  printf '%-28s %6d %10d %10d %12d\n' "$l" "${count[$l]}" $(( ${total[$l]} / ${count[$l]} )) "${best[$l]}" \
    $(( ${cpu[$l]} / ${count[$l]} ))
done
