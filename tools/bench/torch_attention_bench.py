#!/usr/bin/env python3
"""PyTorch peer of org.trainbench.engine.cuda.bench.AttentionBenchmark: the same attention shapes, FLOP count and
timing (CUDA events per repetition, median, after warm-up), on the same GPU.

    python3 tools/bench/torch_attention_bench.py [--out FILE] [--warmup N] [--reps N]

F.scaled_dot_product_attention in bf16, is_causal=True, enable_gqa=True (32 query heads, 8 kv heads; D = 64 at
B = 8, T = 4096 as in Llama 3.2 1B, D = 128 at B = 1 as in Llama 3.1 8B), restricted to the flash backend. q, k, v are views into one fused (B*T, H*D + 2*G*D) projection output, as in the
model. "4 documents" is T = 4096 cut into 4 documents of 1024; SDPA has no per-document mask on its flash path, so
it runs as 4 sequences of 1024 (the same visible pairs, the same work). FLOPs over visible pairs: forward
4 * B * H * D * sum over documents of L^2 / 2, backward 2.5x, forward+backward 3.5x. Backward is timed as
forward+backward minus forward (autograd needs the forward's saved state).
"""
import argparse
import datetime
import json

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

HEADS = 32
GROUPS = 8
SHAPES = [(8, 4096, 1, 64), (1, 4096, 1, 128), (1, 2048, 1, 128), (1, 4096, 4, 128)]  # (B, T, documents, D)
results = []
backend = {"name": "flash"}  # falls back to SDPA's own choice if the flash backend refuses a shape


def time_ms(work, warmup, reps):
    for _ in range(warmup):
        work()
    torch.cuda.synchronize()
    times = []
    start = torch.cuda.Event(enable_timing=True)
    stop = torch.cuda.Event(enable_timing=True)
    for _ in range(reps):
        start.record()
        work()
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop))
    times.sort()
    return times[reps // 2]


def result(b, t, docs, d, pass_, ms, flops):
    name = f"d{d}_b{b}_t{t}_docs{docs}"
    tflops = flops / (ms * 1e-3) / 1e12
    results.append(dict(name=name, backend=backend["name"], b=b, t=t, heads=HEADS, groups=GROUPS, d=d, documents=docs,
                        **{"pass": pass_}, ms=ms, flops=flops, tflops=tflops))
    print(f"{name:22s} {pass_:17s} {ms:9.3f} ms {tflops:8.1f} TFLOP/s", flush=True)


def run(b, t, docs, d, warmup, reps):
    length = t // docs
    seqs = b * docs  # documents run as sequences of their own length
    qw, kw = HEADS * d, GROUPS * d
    fused = torch.empty(b * t, qw + 2 * kw, device="cuda", dtype=torch.bfloat16).uniform_(-1, 1)
    fused.requires_grad_(True)
    dout = torch.empty(seqs, HEADS, length, d, device="cuda", dtype=torch.bfloat16).uniform_(-1, 1)

    def heads_of(x, n):  # (B*T, n*D) column view -> (sequences, n, L, D)
        return x.view(seqs, length, n, d).transpose(1, 2)

    def forward():
        q = heads_of(fused[:, :qw], HEADS)
        k = heads_of(fused[:, qw:qw + kw], GROUPS)
        v = heads_of(fused[:, qw + kw:], GROUPS)
        if backend["name"] == "flash":
            try:
                with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
                    return F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
            except RuntimeError as e:
                print("flash backend refused, using SDPA's default choice:", str(e).splitlines()[0], flush=True)
                backend["name"] = "default"
        return F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)

    def forward_only():
        with torch.no_grad():
            forward()

    def forward_backward():
        out = forward()
        out.backward(dout)
        fused.grad = None

    flops = 4.0 * b * HEADS * d * docs * length * length / 2
    fwd = time_ms(forward_only, warmup, reps)
    both = time_ms(forward_backward, warmup, reps)
    result(b, t, docs, d, "forward", fwd, flops)
    result(b, t, docs, d, "backward", both - fwd, 2.5 * flops)
    result(b, t, docs, d, "forward+backward", both, 3.5 * flops)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    print(f"{'shape':22s} {'pass':17s} {'time':>12s} {'throughput':>16s}")
    for b, t, docs, d in SHAPES:
        run(b, t, docs, d, args.warmup, args.reps)
    report = dict(impl=f"torch {torch.__version__} F.scaled_dot_product_attention (flash backend)",
                  timestamp=datetime.datetime.now(datetime.timezone.utc).isoformat(),
                  device=torch.cuda.get_device_name(0), cuda=torch.version.cuda,
                  timing=f"CUDA events per repetition, median of {args.reps}; warm-up {args.warmup}",
                  flops="forward 4*B*H*D*sum_docs(L^2/2); backward 2.5x; forward+backward 3.5x",
                  results=results)
    text = json.dumps(report, indent=2)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
        print("wrote", args.out)
    else:
        print(text)


if __name__ == "__main__":
    main()
