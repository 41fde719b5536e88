#!/usr/bin/env python3
"""Loads the engine's Hugging Face exports (written by ExportCheck.java) with transformers and compares logits and
greedy generations with the engine's own, recorded next to each export. Run on the GPU machine, on the CPU in fp32:

    python3 tools/reference/check_export.py EXPORTS_DIR [RESULT_JSON]
"""
import json
import os
import sys

import torch
import transformers
from transformers import LlamaForCausalLM
from safetensors.torch import load_file

MAJOR = int(transformers.__version__.split(".")[0])


def check(directory):
    with open(os.path.join(directory, "check.json")) as f:
        check = json.load(f)
    dtype_arg = {"dtype": torch.float32} if MAJOR >= 5 else {"torch_dtype": torch.float32}
    model = LlamaForCausalLM.from_pretrained(directory, attn_implementation="eager", **dtype_arg).eval()
    with torch.no_grad():
        logits = model(torch.tensor([check["tokens"]])).logits[0].float()
    ours = load_file(os.path.join(directory, "check_logits.safetensors"))["logits"]
    greedy = model.generate(torch.tensor([check["prompt"]]), max_new_tokens=len(check["greedy"]), do_sample=False,
                            eos_token_id=None, pad_token_id=0)[0, len(check["prompt"]):].tolist()
    return {
        "max_abs_logit_diff": (logits - ours).abs().max().item(),
        "max_abs_logit": logits.abs().max().item(),
        "greedy_equal": greedy == check["greedy"],
        "greedy_transformers": greedy,
        "greedy_engine": check["greedy"],
        "config": {k: getattr(model.config, k, None) for k in ("tie_word_embeddings", "attention_bias", "mlp_bias", "head_dim")},
        "rope": getattr(model.config, "rope_parameters", None) or getattr(model.config, "rope_scaling", None),
    }


def main(root, result):
    report = {"transformers": transformers.__version__, "torch": torch.__version__, "exports": {}}
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name)
        if os.path.isdir(path):
            try:
                report["exports"][name] = check(path)
            except Exception as e:  # report every export, even when one fails to load
                report["exports"][name] = {"error": repr(e)}
    text = json.dumps(report, indent=1, default=str)
    print(text)
    if result:
        with open(result, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
