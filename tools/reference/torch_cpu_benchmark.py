#!/usr/bin/env python3
"""PyTorch CPU baseline for the engine's ModelBenchmark: the same demo-sized Llama (vocab 512, hidden 256, 4 layers,
8 heads of 32, 4 key/value heads, gated SiLU MLP of 768, untied head, rope theta 10000), the same micro-batch
(8 x 256 tokens), forward + backward in fp32, timed the same way (warm-up, then the mean of several steps).

Plain torch only (no transformers), so it runs with Debian's python3-torch; make sure an optimized BLAS is underneath
(e.g. LD_LIBRARY_PATH pointing at OpenBLAS), else matmuls run on the reference BLAS:

    python3 tools/reference/torch_cpu_benchmark.py [--threads 2] [--steps 15]
"""
import argparse
import math
import time

import torch
import torch.nn.functional as F

V, C, L, H, G, D, FF, B, T = 512, 256, 4, 8, 4, 32, 768, 8, 256


def rms_norm(x, w, eps=1e-5):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def attention(q, k, v):
    """Causal attention: torch's fused kernel where it exists (torch >= 2.0), else the textbook form."""
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)
    scores = (q @ k.transpose(-1, -2)) / math.sqrt(D)
    mask = torch.full((T, T), float("-inf")).triu(1)
    return (scores + mask).softmax(-1) @ v


def rotate_half(x):
    x1, x2 = x[..., : D // 2], x[..., D // 2:]
    return torch.cat((-x2, x1), dim=-1)


def make_params(generator):
    std = C ** -0.5
    out_std = std / math.sqrt(2 * L)

    def normal(shape, s):
        return (torch.randn(shape, generator=generator) * s).requires_grad_()

    p = {"embed": normal((V, C), std), "head": normal((V, C), std), "norm": torch.ones(C, requires_grad=True)}
    for l in range(L):
        p[f"{l}.n1"] = torch.ones(C, requires_grad=True)
        p[f"{l}.n2"] = torch.ones(C, requires_grad=True)
        p[f"{l}.q"] = normal((H * D, C), std)
        p[f"{l}.k"] = normal((G * D, C), std)
        p[f"{l}.v"] = normal((G * D, C), std)
        p[f"{l}.o"] = normal((C, H * D), out_std)
        p[f"{l}.gate"] = normal((FF, C), std)
        p[f"{l}.up"] = normal((FF, C), std)
        p[f"{l}.down"] = normal((C, FF), out_std)
    return p


def loss_fn(p, tokens, targets, cos, sin):
    x = p["embed"][tokens]
    for l in range(L):
        h = rms_norm(x, p[f"{l}.n1"])
        q = (h @ p[f"{l}.q"].T).view(B, T, H, D).transpose(1, 2)
        k = (h @ p[f"{l}.k"].T).view(B, T, G, D).transpose(1, 2)
        v = (h @ p[f"{l}.v"].T).view(B, T, G, D).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(H // G, dim=1)
        v = v.repeat_interleave(H // G, dim=1)
        a = attention(q, k, v)
        x = x + a.transpose(1, 2).reshape(B, T, H * D) @ p[f"{l}.o"].T
        h = rms_norm(x, p[f"{l}.n2"])
        x = x + (F.silu(h @ p[f"{l}.gate"].T) * (h @ p[f"{l}.up"].T)) @ p[f"{l}.down"].T
    logits = rms_norm(x, p["norm"]) @ p["head"].T
    return F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=15)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    g = torch.Generator().manual_seed(1)
    p = make_params(g)
    tokens = torch.randint(0, V, (B, T + 1), generator=g)
    inv_freq = 1.0 / (10000.0 ** (torch.arange(0, D, 2).float() / D))
    freqs = torch.arange(T).float()[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    inputs, targets = tokens[:, :-1], tokens[:, 1:]
    for _ in range(3):
        loss_fn(p, inputs, targets, cos, sin).backward()
    start = time.perf_counter()
    for _ in range(args.steps):
        loss = loss_fn(p, inputs, targets, cos, sin)
        loss.backward()
    seconds = (time.perf_counter() - start) / args.steps
    params = sum(t.numel() for t in p.values())
    print(f"torch {torch.__version__}, {args.threads} threads, {params} parameters, loss {loss.item():.4f}")
    print(f"Training (forward + backward): {seconds * 1e3:.1f} ms per micro-batch, {B * T / seconds:.0f} tokens/s")
    with torch.no_grad():
        start = time.perf_counter()
        for _ in range(args.steps):
            loss_fn(p, inputs, targets, cos, sin)
        seconds = (time.perf_counter() - start) / args.steps
    print(f"Evaluation (forward only): {seconds * 1e3:.1f} ms per micro-batch, {B * T / seconds:.0f} tokens/s")


if __name__ == "__main__":
    main()
