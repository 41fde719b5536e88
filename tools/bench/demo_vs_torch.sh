#!/usr/bin/env bash
# Demo-model training throughput: Trainbench (`trainbench train` on the demo config, real optimizer steps with
# loss masking and packing) and the PyTorch peer on the same Llama shape, one after the other in one run.
# Usage: tools/bench/demo_vs_torch.sh [PYTHON]   (after ./trainbench demo has written trainbench-demo/)
# TRAINBENCH=path/to/bin/trainbench picks another build (the device machine runs the carried distribution);
# PIN="taskset -c 4,5" pins both sides to the same cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=${1:-/usr/bin/python3}
trainbench=${TRAINBENCH:-./trainbench}
pin=${PIN:-}
[[ -f trainbench-demo/demo.yaml ]] || { echo "run ./trainbench demo first" >&2; exit 2; }
run=$(mktemp -d /tmp/demo-bench.XXXXXX)
date -u; uptime
$pin "$trainbench" train trainbench-demo/demo.yaml --set run.experiment_dir="$run" --set training.train_iters=150 \
  --set training.checkpoint.interval=1000 --set training.evaluators.validation.interval=1000 > /dev/null 2>&1
"$python" - "$run/metrics.jsonl" <<'PY'
import json, statistics, sys
rates = [l["tokens_per_s"] for l in map(json.loads, open(sys.argv[1])) if l.get("type") == "train" and l["step"] > 20]
print(json.dumps({"peer": "trainbench", "tokens_per_s_median": statistics.median(rates), "log_points": len(rates)}))
PY
$pin "$python" tools/bench/torch_demo_train.py --threads 2 --steps 40 --warmup 5
uptime
