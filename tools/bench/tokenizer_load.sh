#!/usr/bin/env bash
# Load time of a Llama 3-sized tokenizer.json in a fresh JVM (issue 16): RUNS fresh JVMs each time
# PretrainedTokenizer.load in-process, then RUNS `trainbench tokenize --text` wall times (after one untimed run that
# creates the class-data-sharing archive), per distribution. Mean, standard deviation, min and max in ms.
#
# Usage: tools/bench/tokenizer_load.sh TOKENIZER_DIR [RUNS] [DIST...]
#   TOKENIZER_DIR  a directory with tokenizer.json; when it has none, the synthetic Llama 3-sized one of
#                  LargeTokenizerFixture (128,000 tokens, 280,147 merges, 256 added tokens, 10 MB) is written there
#                  (needs the engine and engine tests built: ./mvnw -o verify -pl ...engine,...engine.tests)
#   DIST           CLI distributions (default: releng/org.trainbench.cli/target/trainbench)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tokenizer="$1"
runs="${2:-10}"
shift $(( $# >= 2 ? 2 : 1 ))
dists=("$@")
[[ ${#dists[@]} -eq 0 ]] && dists=("$root/releng/org.trainbench.cli/target/trainbench")
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
javac="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/javac"
if [[ ! -f "$tokenizer/tokenizer.json" ]]; then
  "$java" -cp "$root/bundles/org.trainbench.engine/target/classes:$root/bundles/org.trainbench.engine.tests/target/classes" \
    org.trainbench.engine.tokenizer.LargeTokenizerFixture "$tokenizer"
fi
stats() { # label; one number per line on stdin
  sort -n | awk -v label="$1" '{ x[NR] = $1; sum += $1 } END {
    mean = sum / NR; for (i = 1; i <= NR; i++) ss += (x[i] - mean) ^ 2
    printf "%-70s mean %6.0f ms  sd %4.0f  min %5.0f  max %5.0f  (%d runs)\n", label, mean, sqrt(ss / (NR > 1 ? NR - 1 : 1)), x[1], x[NR], NR }'
}
wall() { # command...: milliseconds
  local start end
  start=$(date +%s%N); "$@" > /dev/null 2>&1 || true; end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for dist in "${dists[@]}"; do
  classes="$work/$(printf '%s' "$dist" | cksum | cut -d' ' -f1)"
  "$javac" -d "$classes" -cp "$dist/lib/*" "$root/tools/bench/TokenizerLoadTime.java"
  for ((i = 0; i < runs; i++)); do
    "$java" --add-modules=jdk.incubator.vector -XX:+UseParallelGC -cp "$classes:$dist/lib/*" TokenizerLoadTime "$tokenizer" \
      2>/dev/null | cut -d' ' -f1
  done | stats "$dist: PretrainedTokenizer.load in a fresh JVM"
  for cds in off on; do
    rm -rf "${XDG_CACHE_HOME:-$HOME/.cache}/trainbench"
    wall env TRAINBENCH_CDS=$cds "$dist/bin/trainbench" tokenize --text "Hello world" "$tokenizer" > /dev/null
    for ((i = 0; i < runs; i++)); do
      wall env TRAINBENCH_CDS=$cds "$dist/bin/trainbench" tokenize --text "Hello world" "$tokenizer"
    done | stats "$dist: trainbench tokenize --text (CDS $cds)"
  done
done
