#!/usr/bin/env python3
"""An engine export loads in transformers with its own tokenizer and stops at eos by itself (issue 17).

    python3 tools/reference/check_export_tokenizer.py EXPORT_DIR ENGINE_IDS_FILE PROMPT [--out result.json]

EXPORT_DIR is `trainbench export RUN --output EXPORT_DIR` of a demo run (tokenizer.json, tokenizer_config.json and
generation_config.json copied from the run). ENGINE_IDS_FILE holds `trainbench generate EXPORT_DIR --prompt PROMPT
--max-new-tokens N --ids` (the engine's greedy continuation, space-separated ids). Checks: AutoTokenizer encodes PROMPT
to the ids the engine encodes; AutoModelForCausalLM.generate (greedy, eos from generation_config.json, no eos passed by
hand) gives the engine's continuation and stops on eos before the token limit; the decoded answer is printed.
Exit 0 when all hold.
"""
import argparse
import json
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def main():
    p = argparse.ArgumentParser()
    p.add_argument("export")
    p.add_argument("engine_ids")
    p.add_argument("prompt")
    p.add_argument("--max-new-tokens", type=int, default=20)
    p.add_argument("--out")
    args = p.parse_args()
    tokenizer = AutoTokenizer.from_pretrained(args.export)
    model = AutoModelForCausalLM.from_pretrained(args.export, torch_dtype=torch.float32).eval()
    eos = model.generation_config.eos_token_id
    prompt_ids = tokenizer(args.prompt, return_tensors="pt").input_ids
    with torch.no_grad():
        out = model.generate(prompt_ids, max_new_tokens=args.max_new_tokens, do_sample=False)
    continuation = out[0, prompt_ids.shape[1]:].tolist()
    with open(args.engine_ids) as f:
        engine = [int(x) for x in f.read().split()]
    result = {
        "prompt": args.prompt,
        "prompt_ids_transformers": prompt_ids[0].tolist(),
        "eos_token_id": eos,
        "tokenizer_eos": tokenizer.eos_token,
        "continuation_transformers": continuation,
        "continuation_engine": engine,
        "answer_transformers": tokenizer.decode(continuation, skip_special_tokens=True),
        "stopped_at_eos": bool(continuation) and continuation[-1] == eos and len(continuation) < args.max_new_tokens,
    }
    # the engine prints the continuation without the eos it stopped at, or with it: compare up to eos
    trimmed = continuation[:-1] if continuation and continuation[-1] == eos else continuation
    engine_trimmed = engine[:-1] if engine and engine[-1] == eos else engine
    result["same_continuation"] = trimmed == engine_trimmed
    result["status"] = "pass" if result["stopped_at_eos"] and result["same_continuation"] else "fail"
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    return 0 if result["status"] == "pass" else 1


if __name__ == "__main__":
    sys.exit(main())
