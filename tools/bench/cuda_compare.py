#!/usr/bin/env python3
"""Side-by-side table of CudaBenchmark (Java FFM) and torch_gpu_bench.py results, as Markdown.

    python3 tools/bench/cuda_compare.py JAVA.json TORCH.json
"""
import json
import sys


def key(r):
    return (r["kind"], r["name"], r.get("precision", ""), r.get("pass", ""))


def main():
    java = json.load(open(sys.argv[1]))
    torch = json.load(open(sys.argv[2]))
    peer = {key(r): r for r in torch["results"]}
    print(f"Java: {java['impl']} on {java['device']}; peer: {torch['impl']} (CUDA {torch.get('cuda')}) on {torch['device']}")
    print()
    print("| GEMM (M x N x K) | precision | pass | Trainbench TFLOP/s | PyTorch TFLOP/s | ratio |")
    print("| --- | --- | --- | ---: | ---: | ---: |")
    for r in java["results"]:
        if r["kind"] != "gemm":
            continue
        t = peer.get(key(r))
        tt = t["tflops"] if t else float("nan")
        print(f"| {r['name']} ({r['m']}x{r['n']}x{r['k']}) | {r['precision']} | {r['pass']} | {r['tflops']:.1f} | {tt:.1f} | {r['tflops'] / tt:.2f} |")
    print()
    print("| kernel | shape | Trainbench ms | GB/s | PyTorch ms | GB/s | speed ratio |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in java["results"]:
        if r["kind"] != "kernel":
            continue
        t = peer.get(key(r))
        print(f"| {r['name']} | {r['shape']} | {r['ms']:.3f} | {r['gbps']:.0f} | {t['ms']:.3f} | {t['gbps']:.0f} | {t['ms'] / r['ms']:.2f} |")

    print()
    print("| attention | shape | pass | Trainbench ms | TFLOP/s | PyTorch SDPA ms | TFLOP/s | speed ratio |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in java["results"]:
        if r["kind"] != "attention":
            continue
        t = peer.get(key(r)) or peer.get(("attention", "attention_causal_gqa_fp32", "", r["pass"]))
        print(f"| {r['name']} | {r['shape']} | {r['pass']} | {r['ms']:.3f} | {r['tflops']:.1f} | {t['ms']:.3f} | {t['tflops']:.1f} | {t['ms'] / r['ms']:.2f} |")
    for r in torch["results"]:
        if r["kind"] == "attention" and r["name"].endswith("torch_only"):
            print(f"| {r['name']} (PyTorch only, for scale) | {r['shape']} | {r['pass']} | | | {r['ms']:.3f} | {r['tflops']:.1f} | |")


if __name__ == "__main__":
    main()
