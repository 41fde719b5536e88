#!/usr/bin/env python3
"""Markdown tables of GPU training benchmark records (TrainingBenchmark's and torch_train_bench.py's JSON lists).

    python3 tools/bench/gpu_training_table.py train-java.json train-torch.json

One row per successful record: system, model, micro-batch, tokens/s, MFU, peak memory, first step, median step; then
where a step's device time goes for the records that carry a profile.
"""
import json
import sys


def records(paths):
    out = []
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        out.extend(data if isinstance(data, list) else [data])
    return out


def main():
    rows = [r for r in records(sys.argv[1:]) if r.get("status", "ok") == "ok" and r.get("tokens_per_s")]
    print("| system | model | micro-batch | tokens/s | MFU | peak memory (GiB) | first step (s) | step (ms, median) |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        system = r["system"] + (" " + r["backend"].split(", ")[-1] if "backend" in r and "flash" in r.get("backend", "") else "")
        print(f"| {system} | {r['model']} | {r['micro_batch_size']} | {r['tokens_per_s']:,.0f} | {100 * r['mfu']:.1f}% | "
              f"{r['peak_memory_gib']:.1f} | {r.get('first_step_s', float('nan')):.1f} | {r.get('step_ms_median', float('nan')):.0f} |")
    profiled = [r for r in rows if r.get("profile_ms_per_step") or r.get("profile")]
    if profiled:
        print()
        print("| system | model | micro-batch | where a step's device time goes (ms) |")
        print("| --- | --- | ---: | --- |")
        for r in profiled:
            p = r.get("profile_ms_per_step") or r.get("profile")
            if isinstance(p, dict) and "cuda_ms_per_step" in p:  # torch_train_bench.py's profile
                p = p["cuda_ms_per_step"]
            text = ", ".join(f"{k} {v:.0f}" for k, v in p.items() if isinstance(v, (int, float)))
            print(f"| {r['system']} | {r['model']} | {r['micro_batch_size']} | {text} |")


if __name__ == "__main__":
    main()
