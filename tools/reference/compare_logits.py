#!/usr/bin/env python3
"""Compares the engine's logits with the transformers reference written by hf_logits_fixture.py.

    python3 tools/reference/compare_logits.py ENGINE_LOGITS [--fixture DIR] [--against fp32|bf16]
        [--metric rel_l2|max_abs] (--tolerance T | --bf16-factor K) [--out FILE]

ENGINE_LOGITS: raw little-endian float32, shape (sequences*64, vocab) for the sequences of DIR/tokens.json, row
s*64 + t (sequence-major, no header). Prints one JSON object: for each reference (fp32, bf16) the max absolute
error, the relative L2 error ||ours - ref|| / ||ref||, the mean absolute error, the fraction of rows whose argmax
agrees, and the worst row; plus transformers' own bf16-vs-fp32 error (the noise floor of a bf16 forward).

Pass/fail: the chosen metric against the chosen reference (default rel_l2 against fp32) must not exceed the
tolerance: --tolerance T directly, or --bf16-factor K for K times transformers' own bf16-vs-fp32 error by the same
metric (a bf16 engine is then required to be at most K times as far from fp32 as transformers' bf16 is).
Exit status: 0 within tolerance, 1 over it (or NaN/Inf in ours), 2 unreadable or mis-shaped input.
Needs only numpy (reads safetensors itself).
"""
import argparse
import json
import os
import struct
import sys

try:
    import numpy as np
except ImportError:
    print(json.dumps({"error": "numpy is not installed"}))
    sys.exit(2)

DTYPES = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "F64": np.dtype("<f8")}


def read_safetensors(path, name):
    """One tensor of a safetensors file, as float32 (F32, F16, F64 or BF16)."""
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        if name not in header:
            raise ValueError(f"{path} has no tensor {name!r} (has {sorted(k for k in header if k != '__metadata__')})")
        entry = header[name]
        begin, end = entry["data_offsets"]
        f.seek(8 + header_len + begin)
        raw = f.read(end - begin)
    if entry["dtype"] == "BF16":
        values = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
    elif entry["dtype"] in DTYPES:
        values = np.frombuffer(raw, dtype=DTYPES[entry["dtype"]]).astype(np.float32)
    else:
        raise ValueError(f"{path}: {name} has dtype {entry['dtype']}, expected a float type")
    return values.reshape(entry["shape"])


def errors(ours, ref):
    diff = ours.astype(np.float64) - ref.astype(np.float64)
    row_max = np.abs(diff).max(axis=1)
    worst = int(row_max.argmax())
    return {
        "max_abs": float(np.abs(diff).max()),
        "rel_l2": float(np.linalg.norm(diff) / np.linalg.norm(ref.astype(np.float64))),
        "mean_abs": float(np.abs(diff).mean()),
        "argmax_agreement": float((ours.argmax(axis=1) == ref.argmax(axis=1)).mean()),
        "worst_row": worst,
        "worst_row_max_abs": float(row_max[worst]),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("logits", help="the engine's logits: raw little-endian float32 (sequences*64, vocab)")
    parser.add_argument("--fixture", default="hf-logits-fixture", help="the directory hf_logits_fixture.py wrote")
    parser.add_argument("--against", choices=["fp32", "bf16"], default="fp32", help="the reference that decides pass/fail")
    parser.add_argument("--metric", choices=["rel_l2", "max_abs"], default="rel_l2")
    limit = parser.add_mutually_exclusive_group()
    limit.add_argument("--tolerance", type=float, help="largest allowed error (default 1e-4)")
    limit.add_argument("--bf16-factor", type=float,
                       help="tolerance = this x transformers' own bf16-vs-fp32 error by --metric")
    parser.add_argument("--out", help="also write the JSON here")
    args = parser.parse_args()

    report = {"engine_logits": args.logits, "fixture": args.fixture, "against": args.against, "metric": args.metric}

    def finish(status):
        report["status"] = {0: "pass", 1: "fail", 2: "error"}[status]
        text = json.dumps(report, indent=1)
        print(text)
        if args.out:
            with open(args.out, "w") as f:
                f.write(text + "\n")
        sys.exit(status)

    try:
        with open(os.path.join(args.fixture, "tokens.json")) as f:
            tokens = json.load(f)
        refs = {kind: read_safetensors(os.path.join(args.fixture, f"logits_{kind}.safetensors"), "logits")
                for kind in ("fp32", "bf16")}
        rows, vocab = refs["fp32"].shape
        expected_rows = sum(len(s) for s in tokens["sequences"])
        if rows != expected_rows:
            raise ValueError(f"fixture logits have {rows} rows but tokens.json has {expected_rows} tokens")
        size = os.path.getsize(args.logits)
        if size != rows * vocab * 4:
            raise ValueError(f"{args.logits} has {size} bytes; expected {rows} x {vocab} float32 = {rows * vocab * 4}")
        ours = np.fromfile(args.logits, dtype="<f4").reshape(rows, vocab)
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as e:
        report["error"] = f"{type(e).__name__}: {e}"
        finish(2)

    report["shape"] = [rows, vocab]
    bad = int((~np.isfinite(ours)).sum())
    report["non_finite_values"] = bad
    report["max_abs_reference_logit"] = float(np.abs(refs["fp32"]).max())
    report["transformers_bf16_vs_fp32"] = errors(refs["bf16"], refs["fp32"])
    if bad:
        report["error"] = f"{bad} NaN or Inf values in the engine's logits"
        finish(1)
    report["vs_fp32"] = errors(ours, refs["fp32"])
    report["vs_bf16"] = errors(ours, refs["bf16"])
    if args.bf16_factor is not None:
        tolerance = args.bf16_factor * report["transformers_bf16_vs_fp32"][args.metric]
        report["tolerance_rule"] = f"{args.bf16_factor} x transformers' bf16-vs-fp32 {args.metric}"
    else:
        tolerance = 1e-4 if args.tolerance is None else args.tolerance
        report["tolerance_rule"] = "given" if args.tolerance is not None else "default 1e-4"
    report["tolerance"] = tolerance
    report["error_checked"] = report["vs_" + args.against][args.metric]
    finish(0 if report["error_checked"] <= tolerance else 1)


if __name__ == "__main__":
    main()
