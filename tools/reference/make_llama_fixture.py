#!/usr/bin/env python3
"""Builds the Hugging Face Llama fixture that the engine's tests compare against.

Runs where torch and transformers are installed (the GPU machine; no internet needed), on the CPU in fp32 so
that no TF32 or reduced-precision kernel blurs the reference:

    python3 tools/reference/make_llama_fixture.py OUT_DIR

Writes into OUT_DIR:
  hf-tiny-llama/            a tiny random LlamaForCausalLM saved with save_pretrained (config.json,
                            generation_config.json, model.safetensors in F32)
  expected.safetensors      F32 tensors: logits_<i> (T_i, V) for each input sequence; inv_freq of the tiny
                            model and of two more rope configurations (see expected.json)
  expected.json             the input sequences, greedy generations, versions, and what each tensor is
  dtypes.safetensors        a few tensors in BF16, F16 and F32 written by the safetensors library
  dtypes.json               their values converted to float32 by torch, to check our decoding

The weights are re-drawn with larger scales than transformers' initializer_range (0.02) so that logits vary by
several units between tokens: a near-uniform softmax would let a wrong model pass (hf_llama.scaled_init).
"""
import json
import os
import sys

import torch
import transformers
from transformers import LlamaForCausalLM
from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding
from safetensors.torch import save_file

from hf_llama import LLAMA3_ROPE, dtype_kwarg, llama_config, scaled_init


def inv_freq(config):
    return LlamaRotaryEmbedding(config=config).inv_freq.detach().float().cpu().contiguous()


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(20261125)
    llama3 = LLAMA3_ROPE
    config = llama_config(500000.0, llama3, vocab_size=256, hidden_size=64, intermediate_size=160,
                          num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, head_dim=16,
                          rms_norm_eps=1e-5, max_position_embeddings=131072, tie_word_embeddings=False,
                          attention_bias=False, mlp_bias=False, bos_token_id=1, eos_token_id=2)
    config._attn_implementation = "eager"
    model = LlamaForCausalLM(config).float().eval()
    scaled_init(model)
    model_dir = os.path.join(out, "hf-tiny-llama")
    model.save_pretrained(model_dir, safe_serialization=True)

    gen = torch.Generator().manual_seed(7)
    sequences = [[1, 17, 42, 99, 200],
                 torch.randint(0, 256, (16,), generator=gen).tolist(),
                 torch.randint(0, 256, (40,), generator=gen).tolist()]
    tensors = {}
    with torch.no_grad():
        for i, seq in enumerate(sequences):
            logits = model(torch.tensor([seq])).logits[0].float().contiguous()
            tensors[f"logits_{i}"] = logits
        reloaded = LlamaForCausalLM.from_pretrained(model_dir, **dtype_kwarg(torch.float32)).eval()
        again = reloaded(torch.tensor([sequences[2]])).logits[0].float()
        reload_diff = (again - tensors["logits_2"]).abs().max().item()

    generations = []
    for seq in sequences[:2]:
        output = model.generate(torch.tensor([seq]), max_new_tokens=12, do_sample=False, eos_token_id=None,
                                pad_token_id=0)
        generations.append({"prompt": seq, "max_new_tokens": 12, "greedy": output[0, len(seq):].tolist()})

    tensors["inv_freq"] = inv_freq(config)
    # Llama 3.1 8B's rotary (head dim 128, theta 500000, llama3 scaling) and plain Llama 2 style rotary.
    tensors["inv_freq_llama31_8b"] = inv_freq(llama_config(500000.0, llama3, hidden_size=4096,
                                                           num_attention_heads=32, head_dim=128))
    tensors["inv_freq_default_theta10000_dim64"] = inv_freq(llama_config(10000.0, None, hidden_size=256,
                                                                         num_attention_heads=4, head_dim=64))
    save_file(tensors, os.path.join(out, "expected.safetensors"))
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "sequences": sequences,
            "generations": generations,
            "reload_max_abs_diff": reload_diff,
            "tensors": {
                "logits_<i>": "model(sequences[i]).logits[0], fp32 on CPU, eager attention",
                "inv_freq": "LlamaRotaryEmbedding(config of hf-tiny-llama).inv_freq",
                "inv_freq_llama31_8b": "llama3 scaling factor 8, low 1, high 4, original 8192, theta 500000, head_dim 128",
                "inv_freq_default_theta10000_dim64": "default rope, theta 10000, head_dim 64",
            },
        }, f, indent=1)

    base = torch.tensor([[0.1, -2.5, 3.14159, 1e-3, -7.0], [65504.0, 1e-8, -0.0, 0.333, 12345.678],
                         [2.0 ** -20, -1.5, 100.25, 0.7, -0.2]])
    dtypes = {"bf16": base.bfloat16(), "f16": base[:2, :4].half(), "f32": base[2].contiguous()}
    save_file(dtypes, os.path.join(out, "dtypes.safetensors"))
    with open(os.path.join(out, "dtypes.json"), "w") as f:
        json.dump({k: {"shape": list(v.shape), "values": v.float().flatten().tolist()} for k, v in dtypes.items()}, f)
    print("transformers", transformers.__version__, "torch", torch.__version__, "reload diff", reload_diff)
    print("generations", generations)
    print("config.json:", open(os.path.join(model_dir, "config.json")).read())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "llama-fixture")
