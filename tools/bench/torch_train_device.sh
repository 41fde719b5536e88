#!/usr/bin/env bash
# The PyTorch training peer runs for the GPU benchmark, in one go (about 4-5 minutes on one H100):
#   bash tools/bench/torch_train_device.sh [OUT_JSON]      (default: $OUT/torch-train.json, else torch-train.json)
# tiny smoke test, 1b eager (auto micro-batch, with profile), 1b compile at the micro-batch eager chose,
# 8b-4layer eager (auto). Every run appends its record to OUT_JSON; a failed run does not stop the others.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-${OUT:+$OUT/}torch-train.json}
bench() { echo "+ torch_train_bench.py $*"; python3 "$here/torch_train_bench.py" --out "$out" "$@" || echo "(failed, recorded)"; }
bench --shape tiny --seq 512 --steps 3 --warmup 1 --label smoke
bench --shape 1b --seq 4096 --micro-batch auto --steps 10 --warmup 3 --profile
mb=$(python3 -c "import json,sys; r=[x for x in json.load(open(sys.argv[1])) if x['model']=='llama3-1b' and x['status']=='ok']; print(r[-1]['micro_batch_size'] if r else 1)" "$out" 2>/dev/null || echo 1)
bench --shape 1b --seq 4096 --micro-batch "$mb" --steps 10 --warmup 3 --compile
bench --shape 8b-4layer --seq 4096 --micro-batch auto --steps 10 --warmup 3
echo "records: $out"
