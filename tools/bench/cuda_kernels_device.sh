#!/usr/bin/env bash
# Runs on the GPU machine (device tool) for the CUDA backend: the JUnit tests of org.trainbench.engine.cuda.tests,
# KernelCheck (every GPU op against the CPU engine at Llama 3.1 8B shapes), CudaBenchmark (Java FFM) and its
# PyTorch peer tools/bench/torch_gpu_bench.py on the same GPU, then a side-by-side table. Results go to $OUT.
#
# Carried (git-ignored): .device-jre (../shared/tools/device-jre .device-jre) and .cuda-device/ holding
#   lib/  org.trainbench.engine.jar, org.trainbench.engine.cuda.jar (the bundles' jars)
#   tests/ the compiled classes of bundles/org.trainbench.engine.cuda.tests
#   junit-platform-console-standalone.jar
set -uo pipefail
D="$PWD/.cuda-device"
JAVA="$PWD/.device-jre/bin/java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
CP="$D/lib/*"
export PYTHONUNBUFFERED=1
{ date -u; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader
  lscpu | grep -E 'Model name|^CPU\(s\)'; ls /usr/local/cuda*/targets/x86_64-linux/lib/ 2>/dev/null | grep -E 'nvrtc|cublas' | sort -u
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'; } > "$OUT/machine.txt" 2>&1
cat "$OUT/machine.txt"
$JAVA -jar "$D/junit-platform-console-standalone.jar" execute --disable-ansi-colors --details=tree \
  -cp "$D/lib/org.trainbench.engine.jar:$D/lib/org.trainbench.engine.cuda.jar:$D/tests" \
  --scan-classpath "$D/tests" > "$OUT/junit.txt" 2>&1
echo "junit exit $?" >> "$OUT/junit.txt"; tail -n 20 "$OUT/junit.txt"
$JAVA -cp "$CP" org.trainbench.engine.cuda.check.KernelCheck --out "$OUT/check.json" > "$OUT/check.txt" 2>&1
echo "KernelCheck exit $?" >> "$OUT/check.txt"; cat "$OUT/check.txt"
$JAVA -cp "$CP" org.trainbench.engine.cuda.bench.CudaBenchmark --out "$OUT/bench-java.json" > "$OUT/bench.txt" 2>&1
echo "CudaBenchmark exit $?" >> "$OUT/bench.txt"
python3 tools/bench/torch_gpu_bench.py --out "$OUT/bench-torch.json" >> "$OUT/bench.txt" 2>&1
echo "torch_gpu_bench exit $?" >> "$OUT/bench.txt"
python3 tools/bench/cuda_compare.py "$OUT/bench-java.json" "$OUT/bench-torch.json" > "$OUT/compare.md" 2>&1
cat "$OUT/compare.md"
