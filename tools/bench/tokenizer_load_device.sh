#!/usr/bin/env bash
# Tokenizer load: ours beside Hugging Face tokenizers on the same machine (issue 16), run on the GPU machine (device
# tool), which has Python with `tokenizers`; this CPU machine has not. RUNS interleaved rounds of:
#   java   PretrainedTokenizer.load timed inside a fresh JVM (tools/bench/TokenizerLoadTime.java)
#   cli    wall time of `trainbench tokenize --text "Hello world" DIR` (a whole process)
#   hf     Tokenizer.from_file timed inside a fresh Python process
#   hfcli  wall time of a Python process that imports tokenizers, loads the file and encodes "Hello world"
# Carried (git-ignored): .device-jre and .cuda-device/ (see gpu_training_device.sh) plus
#   .cuda-device/bench/TokenizerLoadTime.class   javac -d .cuda-device/bench -cp '.cuda-device/lib/*' tools/bench/TokenizerLoadTime.java
#   .cuda-device/tokenizer/tokenizer.json.gz       LargeTokenizerFixture's Llama 3-sized tokenizer (tokenizer_load.sh makes it)
# Usage: bash tools/bench/tokenizer_load_device.sh [RUNS]    results: $OUT/tokenizer-load.txt
# Elsewhere (a machine with Java and `pip install tokenizers`): TRAINBENCH=DIST/bin/trainbench LIB=DIST/lib
# JAVA=... BENCH=DIR-with-TokenizerLoadTime.class TOKENIZER_GZ=... bash tools/bench/tokenizer_load_device.sh RUNS
set -uo pipefail
runs=${1:-10}
D="$PWD/.cuda-device"
JAVA="${JAVA:-$PWD/.device-jre/bin/java} --add-modules=jdk.incubator.vector -XX:+UseParallelGC"
TRAINBENCH=${TRAINBENCH:-$D/trainbench}
LIB=${LIB:-$D/lib}
BENCH=${BENCH:-$D/bench}
dir=$(mktemp -d)
gunzip -c "${TOKENIZER_GZ:-$D/tokenizer/tokenizer.json.gz}" > "$dir/tokenizer.json"
out="${OUT:-.}/tokenizer-load.txt"
times="$dir/times"
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
{ date -u; nproc; grep -m1 'model name' /proc/cpuinfo; python3 -c 'import tokenizers; print("tokenizers", tokenizers.__version__)'; } > "$out" 2>&1
for ((i = 0; i < runs; i++)); do
  echo "java $($JAVA -cp "$BENCH:$LIB/*" TokenizerLoadTime "$dir" 2>/dev/null | cut -d' ' -f1)" >> "$times"
  start=$(date +%s%N); "$TRAINBENCH" tokenize --text "Hello world" "$dir" > /dev/null 2>&1 && echo "cli $(ms "$start")" >> "$times"
  echo "hf $(python3 -c 'import sys, time
from tokenizers import Tokenizer
t = time.perf_counter(); tok = Tokenizer.from_file(sys.argv[1]); print(round((time.perf_counter() - t) * 1000, 1))' "$dir/tokenizer.json")" >> "$times"
  start=$(date +%s%N)
  python3 -c 'import sys
from tokenizers import Tokenizer
print(Tokenizer.from_file(sys.argv[1]).encode("Hello world").ids)' "$dir/tokenizer.json" > /dev/null 2>&1 \
    && echo "hfcli $(ms "$start")" >> "$times"
done
for k in java cli hf hfcli; do
  awk -v k=$k '$1 == k { print $2 }' "$times" | sort -n | awk -v k=$k '{ x[NR] = $1; s += $1 } END {
    m = s / NR; for (i = 1; i <= NR; i++) ss += (x[i] - m) ^ 2
    printf "%-6s mean %6.0f ms  sd %4.0f  min %5.0f  max %5.0f  (%d runs)\n", k, m, sqrt(ss / (NR > 1 ? NR - 1 : 1)), x[1], x[NR], NR }'
done | tee -a "$out"
rm -rf "$dir"
