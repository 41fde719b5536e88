#!/usr/bin/env bash
# The cuda training backend on the GPU machine (device tool), in one call: JUnit GPU tests, the whole-step check against
# the CPU model (fp32 and bf16), attention and training benchmarks beside their PyTorch peers, and the demo trained on
# the GPU (bf16) and on the CPU (fp32) for the curve comparison. Everything lands in $OUT/results.tgz (+ summary.txt).
#
# Carried (git-ignored): .device-jre (../shared/tools/device-jre .device-jre) and .cuda-device/ with
#   lib/    the CLI distribution's jars (releng/org.trainbench.cli/target/trainbench/lib/*.jar)
#   tests/  the compiled classes of bundles/org.trainbench.engine.cuda.tests
#   junit-platform-console-standalone.jar
# Usage: bash tools/bench/gpu_training_device.sh [parts...]   parts: junit check logits attention train demo torch (default: all)
set -uo pipefail
D="$PWD/.cuda-device"
R="$OUT/r"; mkdir -p "$R"
JAVA="$PWD/.device-jre/bin/java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseParallelGC"
CP="$D/lib/*"
export PYTHONUNBUFFERED=1 TRAINBENCH_KERNEL_CACHE=/tmp/trainbench-kernels
parts=${*:-junit check logits attention train demo torch}
has() { [[ " $parts " == *" $1 "* ]]; }
step() { # step NAME TIMEOUT command...
  local name=$1 limit=$2; shift 2
  local start=$SECONDS
  timeout "$limit" "$@" > "$R/$name.txt" 2>&1
  local rc=$?
  echo "$name: exit $rc, $((SECONDS - start)) s" | tee -a "$OUT/summary.txt"
  pack
}
# results.tgz is rewritten after every step: a call cut off at its time limit still brings back what was done
pack() { (cd "$OUT" && tar czf results.tgz.new r && mv results.tgz.new results.tgz); }
trap 'pack; rm -rf "$R"' EXIT
{ date -u; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader
  python3 -c 'import torch, transformers; print("torch", torch.__version__, "cuda", torch.version.cuda, "transformers", transformers.__version__)'
} > "$R/machine.txt" 2>&1
cat "$R/machine.txt" | tee -a "$OUT/summary.txt"

if has junit; then
  step junit 420 $JAVA -Xmx16g -jar "$D/junit-platform-console-standalone.jar" execute --disable-ansi-colors --details=tree \
    -cp "$D/lib/org.trainbench.engine.jar:$D/lib/org.trainbench.engine.cuda.jar:$D/tests" --scan-classpath "$D/tests"
  grep -E 'tests (successful|failed|skipped)|✘' "$R/junit.txt" | head -40 | tee -a "$OUT/summary.txt"
fi
if has check; then
  step check-fp32 120 $JAVA -cp "$CP" org.trainbench.engine.cuda.check.TrainingStepCheck --dtype float32 --steps 20 --out "$R/step-check-fp32.json"
  step check-bf16 120 $JAVA -cp "$CP" org.trainbench.engine.cuda.check.TrainingStepCheck --dtype bfloat16 --steps 20 --out "$R/step-check-bf16.json"
  grep -E 'FAILED|all within|loss ' "$R/check-fp32.txt" "$R/check-bf16.txt" | head -12 | tee -a "$OUT/summary.txt"
  grep -E 'step +20' "$R/check-fp32.txt" "$R/check-bf16.txt" | tee -a "$OUT/summary.txt"
fi
if has logits; then
  step hf-fixture 180 python3 tools/reference/hf_logits_fixture.py "$R/hf-logits"
  step hf-engine 180 $JAVA -cp "$CP" org.trainbench.engine.cuda.check.HfLogitsCheck "$R/hf-logits" "$R/engine-logits"
  for which in cpu:fp32:1e-4 cuda-float32:fp32:1e-4 cuda-bfloat16:bf16:0; do
    IFS=: read -r name against tol <<< "$which"
    limit=(--tolerance "$tol"); [[ $against == bf16 ]] && limit=(--bf16-factor 2)
    step "compare-$name" 60 python3 tools/reference/compare_logits.py "$R/engine-logits-$name.f32" --fixture "$R/hf-logits" \
      --against "$against" "${limit[@]}" --out "$R/compare-$name.json"
    tail -n 4 "$R/compare-$name.txt" | tee -a "$OUT/summary.txt"
  done
  rm -f "$R"/engine-logits-*.f32; rm -rf "$R/hf-logits/model"
fi
if has train; then
  # TRAIN_RUNS: shape:micro-batch[:mlp recompute level] (auto = the largest of 8, 4, 2, 1 that fits)
  runs=${TRAIN_RUNS:-tiny:auto 1b:auto 8b-4layer:auto}
  for run in $runs; do
    IFS=: read -r shape mb recompute <<< "$run"
    seq=4096; [[ $shape == tiny ]] && seq=1024
    name="train-$shape-$mb${recompute:+-$recompute}"
    step "$name" 300 $JAVA -Xmx60g -cp "$CP" \
      org.trainbench.engine.cuda.bench.TrainingBenchmark --shape "$shape" --seq $seq \
      --micro-batch "$mb" ${recompute:+--recompute $recompute} --steps 10 --warmup 3 --profile --out "$R/train-java.json"
    grep -E 'tokens/s|micro-batch' "$R/$name.txt" | tail -n 3 | tee -a "$OUT/summary.txt"
  done
fi
if has torch; then
  # PyTorch + transformers LlamaForCausalLM, bf16 autocast, fp32 master weights, SDPA, fused AdamW (tools/bench/README.md)
  TB="python3 tools/bench/torch_train_bench.py --seq 4096 --steps 10 --warmup 3 --out $R/train-torch.json"
  step torch-1b-eager 240 $TB --shape 1b --micro-batch auto --profile
  torch_mb=$(python3 -c "import json,sys; r=[x for x in json.load(open(sys.argv[1])) if x.get('status')=='ok' and '1b' in x['model']]; print(r[-1]['micro_batch_size'] if r else 1)" "$R/train-torch.json" 2>/dev/null || echo 1)
  step torch-1b-compile 240 $TB --shape 1b --micro-batch "$torch_mb" --compile
  step torch-8b-eager 180 $TB --shape 8b-4layer --micro-batch auto
  torch_mb=$(python3 -c "import json,sys; r=[x for x in json.load(open(sys.argv[1])) if x.get('status')=='ok' and '8b' in x['model']]; print(r[-1]['micro_batch_size'] if r else 1)" "$R/train-torch.json" 2>/dev/null || echo 1)
  step torch-8b-compile 240 $TB --shape 8b-4layer --micro-batch "$torch_mb" --compile
  grep -hE 'tokens/s|tok/s' "$R"/torch-*.txt | tail -n 8 | tee -a "$OUT/summary.txt"
fi
if has attention; then
  step attention-java 300 $JAVA -cp "$CP" org.trainbench.engine.cuda.bench.AttentionBenchmark --out "$R/attention-java.json" --warmup 5 --reps 20
  step attention-torch 180 python3 tools/bench/torch_attention_bench.py --out "$R/attention-torch.json" --warmup 5 --reps 20
  grep -E '^shape |TFLOP' "$R/attention-java.txt" | tee -a "$OUT/summary.txt"; tail -n 16 "$R/attention-torch.txt" >> "$OUT/summary.txt"
fi
if has demo; then
  set_kv="--set model.base_model.transformer.kv_channels=32"
  step demo-cuda 300 "$PWD/.cuda-device/trainbench" demo --dir "$R/demo-cuda" --backend cuda $set_kv --set model.distributed.training_dtype=bf16
  step demo-cpu 300 "$PWD/.cuda-device/trainbench" demo --dir "$R/demo-cpu" $set_kv
  tail -n 8 "$R/demo-cuda.txt" "$R/demo-cpu.txt" | tee -a "$OUT/summary.txt"
  for d in demo-cuda demo-cpu; do cp "$R/$d/metrics.jsonl" "$R/$d-metrics.jsonl" 2>/dev/null; cp "$R/$d/loss.png" "$R/$d-loss.png" 2>/dev/null; rm -rf "$R/$d"; done
fi
