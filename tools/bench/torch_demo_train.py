#!/usr/bin/env python3
"""PyTorch peer for the demo model: the same Llama as examples/demo/demo.yaml, trained the same way.

Builds a Llama of the given shape (defaults: the demo model) in plain PyTorch (RMSNorm, rotary, grouped-query attention with a
causal mask, SiLU-gated MLP, untied LM head) and times full training steps: forward, cross-entropy,
backward and AdamW, in fp32 on the CPU, the same work the engine's ModelBenchmark times.
Prints one JSON line with tokens/s. Runs with Debian's python3-torch (OpenBLAS) or any newer torch.
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F


class RMSNorm(torch.nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Block(torch.nn.Module):
    def __init__(self, a):
        super().__init__()
        self.a = a
        d, hd = a.hidden, a.head_dim
        self.attn_norm = RMSNorm(d, 1e-5)
        self.q = torch.nn.Linear(d, a.heads * hd, bias=False)
        self.k = torch.nn.Linear(d, a.kv_heads * hd, bias=False)
        self.v = torch.nn.Linear(d, a.kv_heads * hd, bias=False)
        self.o = torch.nn.Linear(a.heads * hd, d, bias=False)
        self.mlp_norm = RMSNorm(d, 1e-5)
        self.gate = torch.nn.Linear(d, a.ffn, bias=False)
        self.up = torch.nn.Linear(d, a.ffn, bias=False)
        self.down = torch.nn.Linear(a.ffn, d, bias=False)

    def forward(self, x, cos, sin, mask):
        a = self.a
        b, t, _ = x.shape
        h = self.attn_norm(x)
        q = self.q(h).view(b, t, a.heads, a.head_dim).transpose(1, 2)
        k = self.k(h).view(b, t, a.kv_heads, a.head_dim).transpose(1, 2)
        v = self.v(h).view(b, t, a.kv_heads, a.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = a.heads // a.kv_heads
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(a.head_dim) + mask
        y = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, a.heads * a.head_dim)
        x = x + self.o(y)
        h = self.mlp_norm(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class Llama(torch.nn.Module):
    def __init__(self, a):
        super().__init__()
        self.embed = torch.nn.Embedding(a.vocab, a.hidden)
        self.blocks = torch.nn.ModuleList([Block(a) for _ in range(a.layers)])
        self.norm = RMSNorm(a.hidden, 1e-5)
        self.head = torch.nn.Linear(a.hidden, a.vocab, bias=False)
        inv_freq = 1.0 / (a.theta ** (torch.arange(0, a.head_dim, 2).float() / a.head_dim))
        angles = torch.outer(torch.arange(a.seq).float(), inv_freq)
        angles = torch.cat((angles, angles), dim=-1)
        self.register_buffer("cos", angles.cos()[None, None])
        self.register_buffer("sin", angles.sin()[None, None])
        self.register_buffer("mask", torch.full((a.seq, a.seq), float("-inf")).triu(1))

    def forward(self, tokens):
        x = self.embed(tokens)
        for block in self.blocks:
            x = block(x, self.cos, self.sin, self.mask)
        return self.head(self.norm(x))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--vocab", type=int, default=48)
    p.add_argument("--hidden", type=int, default=96)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--kv-heads", type=int, default=2)
    p.add_argument("--ffn", type=int, default=256)
    p.add_argument("--seq", type=int, default=64)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--micro-batch", type=int, default=8)
    p.add_argument("--theta", type=float, default=10000.0)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--threads", type=int, default=0)
    a = p.parse_args()
    a.head_dim = a.hidden // a.heads
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Llama(a)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.95), weight_decay=0.1)
    tokens = torch.randint(0, a.vocab, (a.batch, a.seq + 1))
    inputs, targets = tokens[:, :-1], tokens[:, 1:]

    micro_batches = a.batch // a.micro_batch

    def step():
        # Gradient accumulation over micro-batches, as the demo config does (batch 16 = 2 x 8).
        opt.zero_grad(set_to_none=True)
        total = 0.0
        for m in range(micro_batches):
            rows = slice(m * a.micro_batch, (m + 1) * a.micro_batch)
            loss = F.cross_entropy(model(inputs[rows]).reshape(-1, a.vocab), targets[rows].reshape(-1)) / micro_batches
            loss.backward()
            total += loss.item()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return total

    for _ in range(a.warmup):
        step()
    start = time.perf_counter()
    for _ in range(a.steps):
        loss = step()
    elapsed = time.perf_counter() - start
    params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"peer": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "parameters": params, "batch": a.batch, "seq": a.seq, "steps": a.steps,
                      "tokens_per_s": a.batch * a.seq * a.steps / elapsed, "last_loss": loss}))


if __name__ == "__main__":
    main()
