#!/usr/bin/env bash
# On the GPU machine (device tool; it has transformers): trains the demo, exports it and checks the export with
# check_export_tokenizer.py. Carry [.device-jre, .cuda-device] (tools/bench/gpu_training_device.sh). Result in $OUT.
set -uo pipefail
T="$PWD/.cuda-device/trainbench"
W=$(mktemp -d)
prompt="<user>reverse 1 2 7<assistant>"
"$T" demo --dir "$W/demo" --backend cuda --set model.base_model.transformer.kv_channels=32 > "$OUT/export-demo.txt" 2>&1
"$T" export "$W/demo" --output "$W/export" >> "$OUT/export-demo.txt" 2>&1
ls "$W/export" >> "$OUT/export-demo.txt"
"$T" generate "$W/export" --prompt "$prompt" --max-new-tokens 20 --ids > "$W/engine-ids.txt" 2>> "$OUT/export-demo.txt"
python3 tools/reference/check_export_tokenizer.py "$W/export" "$W/engine-ids.txt" "$prompt" --out "$OUT/export-tokenizer-check.json"
