#!/usr/bin/env bash
# Runs on the GPU machine (device tool), with .device-jre (../shared/tools/device-jre) and the CLI
# distribution carried: CUDA probe, tokenizer throughput against HF tokenizers on the same CPU core,
# and CPU training throughput against PyTorch on the same two cores. Results go to $OUT.
set -uo pipefail
JAVA="$PWD/.device-jre/bin/java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
LIB="$PWD/releng/org.trainbench.cli/target/trainbench/lib"
FIX=bundles/org.trainbench.engine.tests/resources/tokenizer
{ date -u; nvidia-smi --query-gpu=name,driver_version --format=csv,noheader; lscpu | grep -E 'Model name|^CPU\(s\)'; \
  python3 -c 'import torch, tokenizers; print("torch", torch.__version__, "tokenizers", tokenizers.__version__)'; } > "$OUT/machine.txt" 2>&1
$JAVA -cp "$LIB/*" org.trainbench.engine.cuda.CudaDriver > "$OUT/cuda-probe.json" 2>&1
python3 tools/reference/tokenizer_fixtures.py --out /tmp/tok --corpus-only > /dev/null
for t in llama3 gpt2 llama2 mistral; do
  taskset -c 3 $JAVA -cp "$LIB/*" org.trainbench.engine.tokenizer.TokenizerBenchmark "$FIX/$t.tokenizer.json" /tmp/tok/benchmark_corpus.txt 5 2>&1 | tail -n 2
  RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false taskset -c 3 python3 tools/bench/hf_tokenizer_throughput.py "$FIX/$t.tokenizer.json" /tmp/tok/benchmark_corpus.txt
done > "$OUT/tokenizer-throughput.txt" 2>&1
taskset -c 4,5 $JAVA -Dtrainbench.threads=2 -cp "$LIB/*" org.trainbench.engine.model.bench.ModelBenchmark > "$OUT/model-benchmark.txt" 2>&1
taskset -c 4,5 python3 tools/reference/torch_cpu_benchmark.py --threads 2 > "$OUT/torch-cpu-benchmark.txt" 2>&1
cat "$OUT"/*.txt "$OUT"/*.json
