#!/usr/bin/env bash
# How much memory `trainbench prepare` needs for one huge JSON Lines record (issue 16): the smallest -Xmx with
# which it completes (bisection to about 3%), the peak resident set size of that run, and the peak resident set size
# with the JVM's default heap (a quarter of the machine's memory), as a user runs it (/usr/bin/time).
#
# Usage: tools/bench/prepare_record_memory.sh DIST MB [WORK_DIR]
#   DIST      a CLI distribution (releng/org.trainbench.cli/target/trainbench, or a copy of an older build)
#   MB        size of the record's text in MB (10, 100)
#   WORK_DIR  where the input, config and output go (default: a fresh mktemp -d)
# The record is English-like ASCII text (words, spaces, punctuation, newlines escaped in JSON) drawn from a fixed
# seed; the tokenizer is the test fixture llama3.tokenizer.json (Llama 3's pre-tokenizer, a small vocabulary).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dist="$(cd "$1" && pwd)"
mb="$2"
work="${3:-$(mktemp -d)}"
mkdir -p "$work/tokenizer"
cp "$root/bundles/org.trainbench.engine.tests/resources/tokenizer/llama3.tokenizer.json" "$work/tokenizer/tokenizer.json"
echo '{"bos_token": "<|begin_of_text|>", "eos_token": "<|end_of_text|>"}' > "$work/tokenizer/tokenizer_config.json"
if [[ ! -f "$work/record-$mb.jsonl" ]]; then
  python3 - "$mb" "$work/record-$mb.jsonl" <<'EOF'
import json, random, sys
size = int(sys.argv[1]) * 1_000_000
rng = random.Random(16)
words = ("the of and to in a is that for it as was with be by on not he this are or his from at which but have an "
         "they you were her she there been one all we their has would when if so no will can more about than said "
         "training tokenizer memory dataset record 2026 3.14 (x) [y] {z} it's don't well-known e.g.").split()
parts, n = [], 0
while n < size:
    w = rng.choice(words) + rng.choice([" ", " ", " ", " ", ", ", ". ", "\n"])
    parts.append(w)
    n += len(w)
with open(sys.argv[2], "w") as out:
    out.write(json.dumps({"text": "".join(parts)[:size]}) + "\n")
EOF
fi
cat > "$work/prepare.yaml" <<EOF
output_path: out
tokenize_workers: 1
dataset:
  path: record-$mb.jsonl
tokenizer:
  path: tokenizer
EOF
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
run() { # heap in MB (or "default"); prints peak RSS in kB on success, fails otherwise
  rm -rf "$work/out" "$work/out.partial"
  local heap=("-Xmx$1m")
  [[ "$1" == default ]] && heap=()
  /usr/bin/time -f "%M" -o "$work/rss" "$java" --add-modules=jdk.incubator.vector -XX:+UseParallelGC "${heap[@]}" \
    -cp "$dist/lib/*" org.trainbench.engine.cli.TrainbenchCli prepare "$work/prepare.yaml" --quiet \
    > "$work/stdout" 2> "$work/stderr" || return 1
  cat "$work/rss"
}
low=16                       # fails (or the smallest heap worth trying)
high=$((mb * 400 + 256))     # 400x: above the 130x reported in the issue
run "$high" > /dev/null || { echo "prepare fails even with -Xmx${high}m:"; tail -3 "$work/stderr"; exit 1; }
while (( high - low > high / 32 + 8 )); do
  mid=$(( (low + high) / 2 ))
  if run "$mid" > /dev/null; then high=$mid; else low=$mid; fi
done
rss=$(run "$high")
start=$(date +%s.%N)
default_rss=$(run default)
seconds=$(echo "$(date +%s.%N) - $start" | bc)
echo "record ${mb} MB: smallest heap -Xmx${high}m ($(( high / mb ))x the record), peak RSS $(( rss / 1024 )) MB at that heap;" \
  "default heap: peak RSS $(( default_rss / 1024 )) MB, ${seconds%.*} s; $(head -1 "$work/stdout")"
