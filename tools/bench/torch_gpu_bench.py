#!/usr/bin/env python3
"""PyTorch peer of org.trainbench.engine.cuda.bench.CudaBenchmark: the same GEMM and kernel cases, shapes, FLOP
and byte counts, timed the same way (CUDA events per repetition, median, after warm-up), on the same GPU.

    python3 tools/bench/torch_gpu_bench.py [--out FILE] [--quick]

GEMMs: torch.matmul on row-major tensors, out = x @ W.T (forward), dy @ W (input gradient), dy.T @ x (weight
gradient). fp32 with TF32 off (PyTorch's default for matmul), tf32 with it on, bf16 tensors in and out (fp32
accumulation inside cuBLAS). Kernels: what a PyTorch Llama step runs for the same work, eager (no torch.compile):
F.rms_norm and its autograd backward, F.silu(gate) * up and its backward, Hugging Face's rotate-half rotary,
F.cross_entropy forward + backward, torch.optim.AdamW(fused=True).step().
"""
import argparse
import datetime
import json
import math

import torch
import torch.nn.functional as F

TOKENS = 16384
GEMM_TOKENS = 4096
HIDDEN = 4096
FFN = 14336
VOCAB = 128256
results = []


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


def gemm_result(name, precision, pass_, m, n, k, ms, flops):
    tflops = flops / (ms * 1e-3) / 1e12
    results.append(dict(kind="gemm", name=name, precision=precision, **{"pass": pass_}, m=m, n=n, k=k, ms=ms, tflops=tflops))
    print(f"gemm   {name:22s} {precision:5s} {pass_:16s} {ms:8.3f} ms {tflops:8.1f} TFLOP/s", flush=True)


def kernel_result(name, shape, ms, nbytes):
    gbps = nbytes / (ms * 1e-3) / 1e9
    results.append(dict(kind="kernel", name=name, shape=shape, ms=ms, bytes=nbytes, gbps=gbps))
    print(f"kernel {name:28s} {shape:24s} {ms:8.3f} ms {gbps:8.1f} GB/s", flush=True)


def gemms(tokens, quick, warmup, reps):
    shapes = [("attn_4096x4096", HIDDEN, HIDDEN)]
    if not quick:
        shapes += [("mlp_up_4096x14336", HIDDEN, FFN), ("mlp_down_14336x4096", FFN, HIDDEN), ("lm_head_4096x128256", HIDDEN, VOCAB)]
    m = tokens
    for name, k_in, n_out in shapes:
        for precision in ("fp32", "tf32", "bf16"):
            torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
            dtype = torch.bfloat16 if precision == "bf16" else torch.float32
            x = (torch.rand(m, k_in, device="cuda") * 2 - 1).to(dtype)
            w = ((torch.rand(n_out, k_in, device="cuda") * 2 - 1) / math.sqrt(k_in)).to(dtype)
            dy = (torch.rand(m, n_out, device="cuda") * 2 - 1).to(dtype)
            y = torch.empty(m, n_out, device="cuda", dtype=dtype)
            dx = torch.empty(m, k_in, device="cuda", dtype=dtype)
            dw = torch.empty(n_out, k_in, device="cuda", dtype=dtype)
            flops = 2.0 * m * k_in * n_out
            fwd = time_ms(lambda: torch.matmul(x, w.t(), out=y), warmup, reps)
            dgrad = time_ms(lambda: torch.matmul(dy, w, out=dx), warmup, reps)
            wgrad = time_ms(lambda: torch.matmul(dy.t(), x, out=dw), warmup, reps)
            gemm_result(name, precision, "forward", m, n_out, k_in, fwd, flops)
            gemm_result(name, precision, "backward_input", m, k_in, n_out, dgrad, flops)
            gemm_result(name, precision, "backward_weight", n_out, k_in, m, wgrad, flops)
            del x, w, dy, y, dx, dw
            torch.cuda.empty_cache()
    torch.backends.cuda.matmul.allow_tf32 = False


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


def elementwise(tokens, warmup, reps):
    ids = (torch.arange(tokens, device="cuda") * 2654435761) % VOCAB
    table = (torch.rand(VOCAB, HIDDEN, device="cuda") * 2 - 1).requires_grad_(True)
    dout = torch.rand(tokens, HIDDEN, device="cuda") * 2 - 1
    shape = f"{tokens}x{HIDDEN} of {VOCAB}"
    with torch.no_grad():
        kernel_result("embedding_forward", shape, time_ms(lambda: F.embedding(ids, table), warmup, reps), 2.0 * 4 * tokens * HIDDEN)
    emb = F.embedding(ids, table)
    # autograd makes a dense (V, C) gradient: its zero fill is part of PyTorch's cost
    kernel_result("embedding_backward", shape,
                  time_ms(lambda: torch.autograd.grad(emb, table, dout, retain_graph=True), warmup, reps), 3.0 * 4 * tokens * HIDDEN)
    del table, dout, emb
    torch.cuda.empty_cache()

    nc = tokens * HIDDEN
    x = (torch.rand(tokens, HIDDEN, device="cuda") * 4 - 2).requires_grad_(True)
    w = (torch.rand(HIDDEN, device="cuda") * 2 - 1).requires_grad_(True)
    dout = torch.rand(tokens, HIDDEN, device="cuda") * 2 - 1
    shape = f"{tokens}x{HIDDEN}"
    with torch.no_grad():
        kernel_result("rmsnorm_forward", shape, time_ms(lambda: F.rms_norm(x, (HIDDEN,), w, 1e-5), warmup, reps), 2.0 * 4 * nc)
    out = F.rms_norm(x, (HIDDEN,), w, 1e-5)
    kernel_result("rmsnorm_backward", shape,
                  time_ms(lambda: torch.autograd.grad(out, (x, w), dout, retain_graph=True), warmup, reps), 3.0 * 4 * nc)
    del x, w, dout, out
    torch.cuda.empty_cache()

    nf = tokens * FFN
    gate = (torch.rand(tokens, FFN, device="cuda") * 8 - 4).requires_grad_(True)
    up = (torch.rand(tokens, FFN, device="cuda") * 2 - 1).requires_grad_(True)
    dh = torch.rand(tokens, FFN, device="cuda") * 2 - 1
    shape = f"{tokens}x{FFN}"
    with torch.no_grad():
        kernel_result("silu_gated_forward", shape, time_ms(lambda: F.silu(gate) * up, warmup, reps), 3.0 * 4 * nf)
    h = F.silu(gate) * up
    kernel_result("silu_gated_backward", shape,
                  time_ms(lambda: torch.autograd.grad(h, (gate, up), dh, retain_graph=True), warmup, reps), 5.0 * 4 * nf)
    del gate, up, dh, h
    torch.cuda.empty_cache()

    heads, head_dim = 32, 128
    q = torch.rand(1, heads, tokens, head_dim, device="cuda") * 2 - 1
    positions = torch.arange(tokens, device="cuda") % 4096
    inv_freq = 1.0 / (500000 ** (torch.arange(0, head_dim, 2, device="cuda").float() / head_dim))
    freqs = positions[:, None].float() * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[None, None], emb.sin()[None, None]
    with torch.no_grad():
        kernel_result("rotary_forward", f"{tokens}x32x128", time_ms(lambda: q * cos + rotate_half(q) * sin, warmup, reps),
                      2.0 * 4 * q.numel())
    del q, cos, sin, emb, freqs
    torch.cuda.empty_cache()

    rows = GEMM_TOKENS
    logits = (torch.rand(rows, VOCAB, device="cuda") * 16 - 8).requires_grad_(True)
    targets = (torch.arange(rows, device="cuda") * 2654435761) % VOCAB

    def ce():
        loss = F.cross_entropy(logits, targets, reduction="mean")
        return torch.autograd.grad(loss, logits)

    kernel_result("cross_entropy_fwd_bwd", f"{rows}x{VOCAB}", time_ms(ce, warmup, reps), 2.0 * 4 * rows * VOCAB)
    del logits
    torch.cuda.empty_cache()

    params = 218_103_808
    p = torch.nn.Parameter(torch.rand(params, device="cuda") * 0.1 - 0.05)
    p.grad = torch.rand(params, device="cuda") * 0.02 - 0.01
    opt = torch.optim.AdamW([p], lr=1e-4, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1, fused=True)
    kernel_result("adamw_update", str(params), time_ms(opt.step, warmup, reps), 7.0 * 4 * params)
    kernel_result("grad_sum_of_squares", str(params),
                  time_ms(lambda: torch.linalg.vector_norm(p.grad).item(), warmup, reps), 4.0 * params)


def attention(t, warmup, reps):
    """F.scaled_dot_product_attention, causal, GQA (32 query heads over 8 kv heads, enable_gqa), fp32 like ours."""
    heads, groups, d = 32, 8, 128
    q = (torch.rand(1, heads, t, d, device="cuda") * 2 - 1).requires_grad_(True)
    k = (torch.rand(1, groups, t, d, device="cuda") * 2 - 1).requires_grad_(True)
    v = (torch.rand(1, groups, t, d, device="cuda") * 2 - 1).requires_grad_(True)
    dout = torch.rand(1, heads, t, d, device="cuda") * 2 - 1
    flops = 4.0 * heads * t * t * d / 2
    shape = f"1x{t}x32x128 (8 kv heads)"

    def sdpa(qq, kk, vv):
        try:
            return F.scaled_dot_product_attention(qq, kk, vv, is_causal=True, enable_gqa=True)
        except RuntimeError:  # a backend without GQA support: repeat the kv heads as transformers does
            rep = heads // groups
            return F.scaled_dot_product_attention(qq, kk.repeat_interleave(rep, 1), vv.repeat_interleave(rep, 1), is_causal=True)

    for name, dtype in (("attention_causal_gqa_fp32", torch.float32), ("attention_causal_gqa_bf16_torch_only", torch.bfloat16)):
        qq, kk, vv, dd = (x.detach().to(dtype).requires_grad_(x.requires_grad) for x in (q, k, v, dout))
        with torch.no_grad():
            fwd = time_ms(lambda: sdpa(qq, kk, vv), 1, reps)
        out = sdpa(qq, kk, vv)
        bwd = time_ms(lambda: torch.autograd.grad(out, (qq, kk, vv), dd, retain_graph=True), 1, reps)
        for pass_, ms, f in (("forward", fwd, flops), ("backward", bwd, 2.5 * flops)):
            tflops = f / (ms * 1e-3) / 1e12
            results.append(dict(kind="attention", name=name, **{"pass": pass_}, shape=shape, ms=ms, tflops=tflops))
            print(f"attn   {name:28s} {pass_:9s} {shape:28s} {ms:8.3f} ms {tflops:8.2f} TFLOP/s", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    reps = 5 if args.quick else 20
    gemms(1024 if args.quick else GEMM_TOKENS, args.quick, 3, reps)
    elementwise(2048 if args.quick else TOKENS, 3, reps)
    attention(1024 if args.quick else GEMM_TOKENS, 1, 5)
    report = dict(impl=f"torch {torch.__version__}", timestamp=datetime.datetime.now(datetime.timezone.utc).isoformat(),
                  device=torch.cuda.get_device_name(0), cuda=torch.version.cuda, cublas_note="torch's bundled cuBLAS",
                  timing="CUDA events per repetition, median; warm-up 3", results=results)
    text = json.dumps(report)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
        print("wrote", args.out)
    else:
        print(text)


if __name__ == "__main__":
    main()
