#!/usr/bin/env python3
"""PyTorch + transformers peer for the engine's GPU training benchmark: LlamaForCausalLM training steps on one GPU.

    python3 tools/bench/torch_train_bench.py --shape 1b --seq 4096 --micro-batch auto --steps 10 --warmup 3 \
        [--compile] [--grad-checkpointing] [--profile] --out torch-train.json [--label TEXT]

The peer: transformers' LlamaForCausalLM built from a LlamaConfig (random init, nothing downloaded), fp32 master
weights with torch.autocast(bfloat16) around the forward, attn_implementation="sdpa" (flash attention through
PyTorch SDPA), loss = model(input_ids, labels=input_ids).loss (transformers shifts the labels), backward,
clip_grad_norm_(1.0), torch.optim.AdamW(fused=True).step(), zero_grad(set_to_none=True); optionally the whole model
under torch.compile. Random token batches from a fixed seed.

Timing: torch.cuda.synchronize() and time.perf_counter() around each step; the median over the timed steps (after the
warm-up steps) gives tokens/s = micro_batch * seq / median. first_step_s counts from the top of this script (before
any import) to the end of the first optimizer step: Python and torch import, model construction, compilation and
cuDNN/cuBLAS warm-up. MFU = tokens/s * FLOPs per token / 989e12 (H100 SXM dense bf16), FLOPs per token counted as the
engine counts them (TrainingEstimate.flopsPerToken, ModelBenchmark): 6 * N + 12 * layers * hidden * (seq / 2), N =
every parameter (input embedding and LM head included, untied), causal attention counted as half of S x S.

Writes one record per run into --out (a JSON list; the record is appended when the file exists) and prints a one-line
summary. A failure (no GPU, out of memory, anything else) is recorded with status "failed" and its message, with
whatever was measured before it; the exit status is then 1.
"""
import time

T0 = time.time()  # before every other import: first_step_s counts from here

import argparse  # noqa: E402
import datetime  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import traceback  # noqa: E402

PEAK_FLOPS = 989e12  # H100 SXM dense bf16, as TrainingEstimate.Gpu.H100_SXM (and H200) has it
FLOPS_FORMULA = ("6*N + 12*L*d*(S/2) (= 6*N + 6*L*S*d): N = all parameters (input embedding, LM head, norms), "
                 "L layers, d hidden size, S sequence length, causal attention counted as half; the formula of "
                 "TrainingEstimate.flopsPerToken and ModelBenchmark (docs/EDITOR.md)")

# Llama 3 style shapes; all use llama3 rope scaling (theta 500000, factor 8, low 1, high 4, original 8192),
# RMSNorm eps 1e-5, untied embeddings, no biases, head_dim = hidden / heads.
SHAPES = {
    "1b": dict(name="llama3-1b", hidden=2048, layers=16, heads=32, kv_heads=8, ffn=8192, vocab=128256),
    "8b-4layer": dict(name="llama3.1-8b-4layers", hidden=4096, layers=4, heads=32, kv_heads=8, ffn=14336,
                      vocab=128256),
    "tiny": dict(name="llama-tiny", hidden=256, layers=2, heads=4, kv_heads=2, ffn=688, vocab=1024),
}
CATEGORIES = ("gemm", "attention", "optimizer", "other")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--shape", choices=sorted(SHAPES), default="1b")
    p.add_argument("--seq", type=int, default=4096)
    p.add_argument("--micro-batch", default="auto",
                   help="sequences per step, or 'auto': the largest of 8, 4, 2, 1 whose first step runs without OOM")
    p.add_argument("--steps", type=int, default=10, help="timed steps")
    p.add_argument("--warmup", type=int, default=3, help="untimed steps before them (at least 1)")
    p.add_argument("--compile", action="store_true", help="torch.compile the model")
    p.add_argument("--compile-mode", default=None,
                   help="torch.compile mode (default: torch's default; e.g. max-autotune-no-cudagraphs)")
    p.add_argument("--grad-checkpointing", action="store_true", help="activation checkpointing (off by default)")
    p.add_argument("--attn", default="sdpa", help="attn_implementation (default sdpa)")
    p.add_argument("--profile", action="store_true",
                   help="after the timed steps, run 2 more steps under torch.profiler and sum CUDA time by category")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--out", help="JSON file to append the record to (a list)")
    p.add_argument("--label", default="", help="free text stored with the record")
    args = p.parse_args()
    if args.micro_batch != "auto":
        try:
            args.micro_batch = int(args.micro_batch)
        except ValueError:
            p.error("--micro-batch must be an integer or 'auto'")
        if args.micro_batch < 1:
            p.error("--micro-batch must be at least 1")
    if args.steps < 1 or args.seq < 2:
        p.error("--steps must be at least 1 and --seq at least 2")
    args.warmup = max(1, args.warmup)
    return args


def flops_per_token(parameters, layers, hidden, seq):
    return 6.0 * parameters + 12.0 * layers * hidden * (seq / 2.0)


def engine_parameter_count(s):
    """LlamaArchitecture.parameterCount for an untied, bias-free, gated Llama: the N of the FLOPs formula."""
    c, head_dim = s["hidden"], s["hidden"] // s["heads"]
    q, kv = s["heads"] * head_dim, s["kv_heads"] * head_dim
    per_layer = c * q + 2 * c * kv + q * c + 3 * c * s["ffn"] + 2 * c
    return 2 * s["vocab"] * c + s["layers"] * per_layer + c


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def is_oom(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if type(exc).__name__ == "OutOfMemoryError" or "out of memory" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def short(exc, limit=400):
    text = f"{type(exc).__name__}: {exc}".strip()
    first = text.splitlines()[0] if text else repr(exc)
    return first[:limit]


def category(name):
    n = name.lower()
    if any(k in n for k in ("flash", "fmha", "sdpa", "cudnn")):
        return "attention"
    if "adam" in n or "multi_tensor" in n:
        return "optimizer"
    if any(k in n for k in ("gemm", "cutlass", "sm90_xmma", "nvjet", "triton_tem")):
        return "gemm"
    return "other"


def append_record(path, record):
    records = []
    if os.path.exists(path):
        try:
            with open(path) as f:
                old = json.load(f)
            records = old if isinstance(old, list) else [old]
        except (OSError, ValueError) as e:
            kept = f"{path}.unreadable-{int(time.time())}"
            os.replace(path, kept)
            print(f"torch_train_bench: {path} was not a JSON list ({e}); moved it to {kept}", file=sys.stderr)
    records.append(record)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(records, f, indent=1, default=str)
        f.write("\n")
    os.replace(tmp, path)


def summary_line(r):
    head = f"{r['system']} {r['model']} seq {r['sequence_length']} mb {r['micro_batch_size']}"
    if r["status"] != "ok":
        return f"{head}: FAILED: {r.get('error')}"
    return (f"{head}: {r['tokens_per_s']:,.0f} tokens/s, MFU {100 * r['mfu']:.1f}%, step {r['step_ms_median']:.1f} ms "
            f"(median of {len(r['step_ms_all'])}), peak {r['peak_memory_gib']:.1f} GiB allocated / "
            f"{r['peak_memory_reserved_gib']:.1f} GiB reserved, first step {r['first_step_s']:.1f} s "
            f"on {r['device']}")


class Bench:
    """The model, its optimizer and the training step; everything run() needs to retry after an OOM."""

    def __init__(self, args, record):
        self.args, self.record = args, record
        self.shape = SHAPES[args.shape]

    def setup(self):
        t = time.time()
        try:
            import torch
            import transformers
            from transformers import LlamaForCausalLM
            sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
            from hf_llama import LLAMA3_ROPE, llama_config, rope_of
        except Exception as e:  # noqa: BLE001
            raise RuntimeError(f"cannot import torch / transformers / tools/reference/hf_llama.py: {short(e)}") from e
        self.torch = torch
        version = torch.__version__.split("+")[0].split(".")
        self.record["system"] = f"pytorch-{version[0]}.{version[1]} " + ("compile" if self.args.compile else "eager")
        self.record["torch"] = torch.__version__
        self.record["transformers"] = transformers.__version__
        self.record["cuda"] = torch.version.cuda
        self.record["import_s"] = round(time.time() - T0, 3)
        if not torch.cuda.is_available():
            raise RuntimeError("torch sees no CUDA GPU (torch.cuda.is_available() is False)")
        self.record["device"] = torch.cuda.get_device_name()
        torch.manual_seed(self.args.seed)

        s = self.shape
        config = llama_config(500000.0, LLAMA3_ROPE, vocab_size=s["vocab"], hidden_size=s["hidden"],
                              intermediate_size=s["ffn"], num_hidden_layers=s["layers"],
                              num_attention_heads=s["heads"], num_key_value_heads=s["kv_heads"],
                              head_dim=s["hidden"] // s["heads"], rms_norm_eps=1e-5, max_position_embeddings=131072,
                              tie_word_embeddings=False, attention_bias=False, mlp_bias=False, use_cache=False,
                              bos_token_id=1, eos_token_id=2)
        config._attn_implementation = self.args.attn
        try:
            with torch.device("cuda"):  # initialize on the GPU: a CPU init of 1.5 B parameters takes long
                model = LlamaForCausalLM(config)
        except Exception as e:  # noqa: BLE001
            if is_oom(e):
                raise
            print(f"torch_train_bench: building on the GPU failed ({short(e)}); building on the CPU", file=sys.stderr)
            model = LlamaForCausalLM(config)
        self.model = model.to(device="cuda", dtype=torch.float32).train()
        if self.args.grad_checkpointing:
            self.model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        self.record["attn_implementation"] = getattr(self.model.config, "_attn_implementation", None)
        self.record["rope"] = rope_of(self.model.config)
        n = sum(p.numel() for p in self.model.parameters())
        self.record["parameters"] = n
        expected = engine_parameter_count(s)
        if n != expected:
            self.record["notes"] += f" Parameter count {n} differs from the engine's formula ({expected})."
        fpt = flops_per_token(n, s["layers"], s["hidden"], self.args.seq)
        self.record["flops_per_token"] = fpt
        self.record["model_build_s"] = round(time.time() - t, 3)
        self.new_optimizer()
        self.compiled = None
        self.gen = torch.Generator(device="cuda")
        self.gen.manual_seed(self.args.seed)

    def new_optimizer(self):
        torch = self.torch
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=self.args.lr, betas=(0.9, 0.95), eps=1e-8,
                                           weight_decay=0.1, fused=True)

    def step_model(self):
        if not self.args.compile:
            return self.model
        if self.compiled is None:
            kwargs = {} if self.args.compile_mode is None else {"mode": self.args.compile_mode}
            self.compiled = self.torch.compile(self.model, **kwargs)
        return self.compiled

    def batch(self, micro_batch):
        return self.torch.randint(0, self.shape["vocab"], (micro_batch, self.args.seq), device="cuda",
                                  generator=self.gen)

    def step(self, ids):
        torch = self.torch
        model = self.step_model()
        with torch.autocast(device_type="cuda", dtype=torch.bfloat16):
            loss = model(input_ids=ids, labels=ids, use_cache=False).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        return loss.detach()

    def timed_step(self, ids):
        torch = self.torch
        torch.cuda.synchronize()
        t = time.perf_counter()
        loss = self.step(ids)
        torch.cuda.synchronize()
        return (time.perf_counter() - t) * 1e3, loss

    def free(self):
        """After an OOM: drop gradients, optimizer state (possibly half made) and compiled graphs, empty the cache."""
        torch = self.torch
        self.optimizer.zero_grad(set_to_none=True)
        for p in self.model.parameters():
            p.grad = None
        self.new_optimizer()
        if self.args.compile:
            import torch._dynamo
            self.compiled = None
            torch._dynamo.reset()  # a recompile for the next batch size, not a dynamic-shape graph
        gc.collect()
        torch.cuda.empty_cache()

    def first_step(self):
        """Runs the first step at the requested micro-batch, or in 'auto' at the largest of 8, 4, 2, 1 that fits.
        Returns the micro-batch size and the step's loss; records every attempt."""
        torch = self.torch
        candidates = [8, 4, 2, 1] if self.args.micro_batch == "auto" else [self.args.micro_batch]
        attempts = self.record["micro_batch_attempts"]
        for mb in candidates:
            self.record["micro_batch_size"] = mb
            torch.cuda.reset_peak_memory_stats()
            t = time.time()
            error = None
            try:
                ms, loss = self.timed_step(self.batch(mb))
            except Exception as e:  # noqa: BLE001
                if not is_oom(e):
                    raise
                error = short(e)
            if error is None:
                self.record["first_step_s"] = round(time.time() - T0, 3)
                attempts.append({"micro_batch": mb, "ok": True, "seconds": round(time.time() - t, 3)})
                return mb, ms, loss
            attempts.append({"micro_batch": mb, "ok": False, "seconds": round(time.time() - t, 3), "error": error})
            print(f"torch_train_bench: micro-batch {mb}: out of memory", file=sys.stderr, flush=True)
            self.free()
        raise RuntimeError("out of memory at micro-batch " + ", ".join(str(m) for m in candidates)
                           + f" (last: {attempts[-1]['error']})")

    def run(self):
        torch = self.torch
        r = self.record
        mb, ms, loss = self.first_step()
        r["warmup_ms"] = [round(ms, 3)]
        losses = [loss]
        if self.args.micro_batch == "auto":
            tried = ", ".join(f"{a['micro_batch']} {'ok' if a['ok'] else 'OOM'}" for a in r["micro_batch_attempts"])
            r["notes"] += (f" Micro-batch {mb} chosen by auto ({tried}); first_step_s includes the failed tries"
                           " (each attempt's seconds are in micro_batch_attempts).")
        # The batches of the remaining steps, drawn before timing.
        batches = [self.batch(mb) for _ in range(self.args.warmup - 1 + self.args.steps)]
        for i in range(self.args.warmup - 1):
            ms, loss = self.timed_step(batches[i])
            r["warmup_ms"].append(round(ms, 3))
            losses.append(loss)
        times = r["step_ms_all"]
        try:
            for ids in batches[self.args.warmup - 1:]:
                ms, loss = self.timed_step(ids)
                times.append(round(ms, 3))
                losses.append(loss)
        finally:
            try:
                r["losses"] = [round(float(x), 4) for x in losses]
            except Exception as e:  # noqa: BLE001 - a failed CUDA context must not hide the first error
                r["losses"] = f"unreadable: {short(e)}"
            if times:
                self.fill_rates(times)
            try:
                r["peak_memory_gib"] = round(torch.cuda.max_memory_allocated() / 2 ** 30, 3)
                r["peak_memory_reserved_gib"] = round(torch.cuda.max_memory_reserved() / 2 ** 30, 3)
            except Exception as e:  # noqa: BLE001
                r["peak_memory_gib"] = f"unreadable: {short(e)}"
        r["status"] = "ok"
        if self.args.profile:
            try:
                r["profile"] = self.profile(mb)
            except Exception as e:  # noqa: BLE001 - the measurement stands without the breakdown
                r["profile"] = {"error": short(e)}
                print(f"torch_train_bench: profiling failed: {short(e)}", file=sys.stderr)

    def fill_rates(self, times):
        r = self.record
        median = statistics.median(times)
        r["step_ms_median"] = round(median, 3)
        r["tokens_per_s"] = round(r["micro_batch_size"] * self.args.seq / (median / 1e3), 1)
        r["mfu"] = round(r["tokens_per_s"] * r["flops_per_token"] / PEAK_FLOPS, 4)

    def profile(self, mb):
        torch = self.torch
        from torch.profiler import ProfilerActivity, profile
        steps = 2
        batches = [self.batch(mb) for _ in range(steps)]
        wall = []
        with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
            for ids in batches:
                ms, _ = self.timed_step(ids)
                wall.append(round(ms, 3))
        kernels, method = kernel_times(prof)
        totals = {c: 0.0 for c in CATEGORIES}
        counts = {c: 0 for c in CATEGORIES}
        per_name = {}
        for name, us in kernels:
            c = category(name)
            totals[c] += us
            counts[c] += 1
            entry = per_name.setdefault(name, [c, 0.0, 0])
            entry[1] += us
            entry[2] += 1
        total = sum(totals.values())
        top = sorted(per_name.items(), key=lambda kv: -kv[1][1])[:15]
        return {
            "steps": steps,
            "method": method,
            "step_ms_wall": wall,
            "cuda_ms_per_step": {**{c: round(totals[c] / 1e3 / steps, 3) for c in CATEGORIES},
                                 "total": round(total / 1e3 / steps, 3)},
            "share": {c: round(totals[c] / total, 4) if total else None for c in CATEGORIES},
            "kernels_per_step": {c: counts[c] / steps for c in CATEGORIES},
            "categories": "attention: name has flash/fmha/sdpa/cudnn; optimizer: adam/multi_tensor (fused AdamW and "
                          "clip_grad_norm_'s foreach kernels); gemm: gemm/cutlass/sm90_xmma/nvjet/triton_tem; other: "
                          "the rest (checked in that order, so a flash kernel built on cutlass counts as attention)",
            "top_kernels": [{"name": n[:160], "category": v[0], "ms_per_step": round(v[1] / 1e3 / steps, 3),
                             "calls_per_step": v[2] / steps} for n, v in top],
        }


def kernel_times(prof):
    """(kernel name, microseconds) for every GPU activity the profiler saw: from its events, else its chrome trace."""
    problems = []
    try:
        from torch.autograd import DeviceType
        out = [(e.name, float(e.time_range.elapsed_us())) for e in prof.events() if e.device_type == DeviceType.CUDA]
        if out:
            return out, "torch.profiler events with device_type CUDA (kernels, memcpy, memset)"
        problems.append("no CUDA events in prof.events()")
    except Exception as e:  # noqa: BLE001
        problems.append(f"prof.events(): {short(e)}")
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    try:
        prof.export_chrome_trace(path)
        with open(path) as f:
            trace = json.load(f)
    finally:
        os.unlink(path)
    events = trace.get("traceEvents", []) if isinstance(trace, dict) else trace
    out = [(e.get("name", "?"), float(e.get("dur", 0))) for e in events
           if e.get("ph") == "X" and str(e.get("cat", "")).lower() in ("kernel", "gpu_memcpy", "gpu_memset")]
    if not out:
        raise RuntimeError("the profiler recorded no GPU kernels (" + "; ".join(problems) + ")")
    return out, "chrome trace, cat kernel/gpu_memcpy/gpu_memset (" + "; ".join(problems) + ")"


def main():
    args = parse_args()
    shape = SHAPES[args.shape]
    record = {
        "system": "pytorch " + ("compile" if args.compile else "eager"),
        "model": shape["name"],
        "sequence_length": args.seq,
        "micro_batch_size": args.micro_batch,
        "gpus": 1,
        "tokens_per_s": None,
        "mfu": None,
        "peak_memory_gib": None,
        "peak_memory_reserved_gib": None,
        "first_step_s": None,
        "device": None,
        "date": now_iso(),
        "step_ms_median": None,
        "step_ms_all": [],
        "flops_per_token": None,
        "flops_formula": FLOPS_FORMULA,
        "peak_flops": PEAK_FLOPS,
        "parameters": None,
        "notes": ("transformers LlamaForCausalLM, random init; fp32 master weights, torch.autocast bf16 forward; "
                  f"attn_implementation={args.attn}; torch.optim.AdamW(fused=True, lr={args.lr}, betas 0.9/0.95, "
                  "weight_decay 0.1); clip_grad_norm_(1.0); zero_grad(set_to_none=True); "
                  + (f"torch.compile(mode={args.compile_mode or 'default'}); " if args.compile else "eager; ")
                  + f"activation checkpointing {'on' if args.grad_checkpointing else 'off'}; "
                  f"random tokens (seed {args.seed}); median of {args.steps} timed steps after {args.warmup} "
                  "warm-up steps; MFU against 989 TFLOP/s dense bf16."),
        "status": "failed",
        "label": args.label,
        "shape": {k: v for k, v in shape.items() if k != "name"},
        "warmup_steps": args.warmup,
        "timed_steps": args.steps,
        "compile": args.compile,
        "compile_mode": args.compile_mode,
        "grad_checkpointing": args.grad_checkpointing,
        "micro_batch_requested": args.micro_batch,
        "micro_batch_attempts": [],
        "alloc_conf": os.environ.get("PYTORCH_CUDA_ALLOC_CONF") or os.environ.get("PYTORCH_ALLOC_CONF"),
    }
    bench = Bench(args, record)
    try:
        bench.setup()
        bench.run()
    except BaseException as e:  # noqa: BLE001 - record every failure, then report it
        record["status"] = "failed"
        record["error"] = ("out of memory: " if is_oom(e) else "") + short(e)
        record["traceback"] = traceback.format_exc()[-3000:]
        if isinstance(e, KeyboardInterrupt):
            record["error"] = "interrupted"
        if record["tokens_per_s"] is not None:  # steps that ran before the failure: kept, but not as the result
            record["partial_tokens_per_s"], record["partial_mfu"] = record["tokens_per_s"], record["mfu"]
            record["tokens_per_s"] = record["mfu"] = None
    record["total_s"] = round(time.time() - T0, 3)
    if args.out:
        try:
            append_record(args.out, record)
        except Exception as e:  # noqa: BLE001
            print(f"torch_train_bench: could not write {args.out}: {short(e)}; the record:", file=sys.stderr)
            print(json.dumps(record, default=str), file=sys.stderr)
    else:
        print(json.dumps(record, indent=1, default=str))
    try:
        print(summary_line(record), flush=True)
    except (TypeError, ValueError, KeyError):  # a field that could not be measured
        print(f"{record['system']} {record['model']}: status {record['status']}, tokens/s {record['tokens_per_s']}, "
              f"error {record.get('error')}", flush=True)
    if record["status"] != "ok":
        print(record.get("traceback", ""), file=sys.stderr)
    sys.exit(0 if record["status"] == "ok" else 1)


if __name__ == "__main__":
    main()
