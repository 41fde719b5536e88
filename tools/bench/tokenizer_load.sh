#!/usr/bin/env bash
# Load time of a Llama 3-sized tokenizer.json in a fresh JVM (issue 16): per distribution, a fresh JVM that times
# PretrainedTokenizer.load in-process, and the wall time of `trainbench tokenize --text` with TRAINBENCH_CDS off and
# on (the user-cache archive made by one untimed run; a distribution with lib/trainbench.aot uses that), RUNS rounds
# of every variant in turn. Mean, standard deviation, min and max in ms.
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
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for ((d = 0; d < ${#dists[@]}; d++)); do
  "$javac" -d "$work/classes-$d" -cp "${dists[d]}/lib/*" "$root/tools/bench/TokenizerLoadTime.java"
  for cds in off on; do # the archive of the user-cache fallback, made by one untimed run
    mkdir -p "$work/cache-$d-$cds"
    XDG_CACHE_HOME="$work/cache-$d-$cds" TRAINBENCH_CDS=$cds "${dists[d]}/bin/trainbench" tokenize --text "Hello world" \
      "$tokenizer" > /dev/null 2>&1 || true
  done
done
# Rounds of every variant in turn, so that the load of a shared machine falls on all alike.
for ((i = 0; i < runs; i++)); do
  for ((d = 0; d < ${#dists[@]}; d++)); do
    echo "$d load $("$java" --add-modules=jdk.incubator.vector -XX:+UseParallelGC -cp "$work/classes-$d:${dists[d]}/lib/*" \
      TokenizerLoadTime "$tokenizer" 2>/dev/null | cut -d' ' -f1)" >> "$work/times"
    for cds in off on; do
      start=$(date +%s%N)
      XDG_CACHE_HOME="$work/cache-$d-$cds" TRAINBENCH_CDS=$cds "${dists[d]}/bin/trainbench" tokenize --text "Hello world" \
        "$tokenizer" > /dev/null 2>&1 || true
      end=$(date +%s%N)
      echo "$d cds-$cds $(( (end - start) / 1000000 ))" >> "$work/times"
    done
  done
done
for ((d = 0; d < ${#dists[@]}; d++)); do
  awk -v d="$d" '$1 == d && $2 == "load" { print $3 }' "$work/times" | stats "${dists[d]}: PretrainedTokenizer.load in a fresh JVM"
  for cds in off on; do
    awk -v d="$d" -v k="cds-$cds" '$1 == d && $2 == k { print $3 }' "$work/times" \
      | stats "${dists[d]}: trainbench tokenize --text (CDS $cds)"
  done
done
