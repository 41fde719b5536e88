#!/usr/bin/env python3
"""Reference logits from transformers for checking the engine's forward pass (fp32 and bf16) on a small Llama.

Runs where torch and transformers are installed (the GPU machine, no internet needed; a CPU alone is enough):

    python3 tools/reference/hf_logits_fixture.py OUT_DIR [--bf16-device auto|cpu|cuda] [--seed 20261126]

Writes into OUT_DIR:
  model/                     a random LlamaForCausalLM saved with save_pretrained (config.json,
                             generation_config.json, model.safetensors in F32): vocab 512, hidden 128, 3 layers,
                             4 heads, 2 KV heads (head_dim 32: the cuda backend takes multiples of 32), ffn 352, llama3 rope (theta 500000, factor 8,
                             low 1, high 4, original 8192), RMSNorm eps 1e-5, untied embeddings, no biases
  tokens.json                {"sequences": two lists of 64 token ids, ...}
  logits_fp32.safetensors    "logits": F32 (2*64, 512), transformers in fp32 on the CPU, eager attention, rows
                             sequence-major (row = s*64 + t)
  logits_bf16.safetensors    "logits": F32 (2*64, 512) holding the logits of the same model after
                             model.to(torch.bfloat16) (on the GPU when there is one), upcast to fp32 for storage
  fixture.json               versions, devices, shapes, and how far transformers' own bf16 logits are from its fp32
                             ones (the noise floor a bf16 engine can be judged against)

Each sequence is run on its own position 0..63 (a batch of two, no padding, no KV cache). Compare the engine's logits
with compare_logits.py. The weights are drawn with hf_llama.scaled_init so that logits vary by several units.
"""
import argparse
import datetime
import json
import os
import sys


def fail(message):
    print("hf_logits_fixture: " + message, file=sys.stderr, flush=True)
    sys.exit(2)


try:
    import torch
    import transformers
    from transformers import LlamaForCausalLM
    from safetensors.torch import save_file
    from hf_llama import LLAMA3_ROPE, dtype_kwarg, llama_config, rope_of, scaled_init
except Exception as e:  # noqa: BLE001 - say what is missing instead of a bare traceback
    fail(f"cannot import torch / transformers / safetensors ({e!r}); run this where they are installed")

SEQUENCES = 2
LENGTH = 64
VOCAB = 512


def build(seed):
    torch.manual_seed(seed)
    config = llama_config(500000.0, LLAMA3_ROPE, vocab_size=VOCAB, hidden_size=128, intermediate_size=352,
                          num_hidden_layers=3, num_attention_heads=4, num_key_value_heads=2, head_dim=32,
                          rms_norm_eps=1e-5, max_position_embeddings=131072, tie_word_embeddings=False,
                          attention_bias=False, mlp_bias=False, bos_token_id=1, eos_token_id=2)
    config._attn_implementation = "eager"
    model = LlamaForCausalLM(config).float().eval()
    scaled_init(model)
    return model


def logits_of(model, tokens, device):
    model = model.to(device)
    with torch.no_grad():
        out = model(torch.tensor(tokens, device=device), use_cache=False).logits
    return out.float().reshape(-1, out.shape[-1]).cpu().contiguous()


def l2_rel(a, b):
    return ((a - b).norm() / b.norm()).item()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--bf16-device", default="auto", choices=["auto", "cpu", "cuda"],
                        help="where the bf16 logits are computed (auto: cuda when available)")
    args = parser.parse_args()
    bf16_device = args.bf16_device
    if bf16_device == "auto":
        bf16_device = "cuda" if torch.cuda.is_available() else "cpu"
    if bf16_device == "cuda" and not torch.cuda.is_available():
        fail("--bf16-device cuda, but torch sees no GPU")

    os.makedirs(args.out, exist_ok=True)
    model = build(args.seed)
    model_dir = os.path.join(args.out, "model")
    model.save_pretrained(model_dir, safe_serialization=True)

    gen = torch.Generator().manual_seed(args.seed + 1)
    tokens = torch.randint(0, VOCAB, (SEQUENCES, LENGTH), generator=gen).tolist()

    fp32 = logits_of(model, tokens, "cpu")
    # The saved directory must give the same logits (what the engine loads is what was measured).
    reloaded = LlamaForCausalLM.from_pretrained(model_dir, attn_implementation="eager", **dtype_kwarg(torch.float32)).eval()
    reload_diff = (logits_of(reloaded, tokens, "cpu") - fp32).abs().max().item()
    del reloaded

    bf16 = logits_of(model.to(torch.bfloat16), tokens, bf16_device)
    save_file({"logits": fp32}, os.path.join(args.out, "logits_fp32.safetensors"))
    save_file({"logits": bf16}, os.path.join(args.out, "logits_bf16.safetensors"))
    with open(os.path.join(args.out, "tokens.json"), "w") as f:
        json.dump({"sequences": tokens, "sequence_length": LENGTH, "vocab_size": VOCAB,
                   "logits_layout": "float32 (sequences*sequence_length, vocab), row = s*sequence_length + t"}, f)

    argmax_equal = (bf16.argmax(-1) == fp32.argmax(-1)).float().mean().item()
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "seed": args.seed,
        "model": {k: getattr(model.config, k, None) for k in (
            "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
            "num_key_value_heads", "head_dim", "rms_norm_eps", "tie_word_embeddings", "max_position_embeddings")},
        "rope": rope_of(model.config),
        "parameters": sum(p.numel() for p in model.parameters()),
        "fp32": {"device": "cpu", "attention": "eager", "max_abs_logit": fp32.abs().max().item()},
        "bf16": {"device": bf16_device if bf16_device == "cpu" else torch.cuda.get_device_name(),
                 "attention": "eager", "how": "model.to(torch.bfloat16), logits upcast to fp32 for storage"},
        "reload_max_abs_diff": reload_diff,
        "hf_bf16_vs_fp32": {"max_abs": (bf16 - fp32).abs().max().item(), "rel_l2": l2_rel(bf16, fp32),
                            "argmax_agreement": argmax_equal},
    }
    with open(os.path.join(args.out, "fixture.json"), "w") as f:
        json.dump(info, f, indent=1, default=str)
    print(json.dumps(info, indent=1, default=str))
    if reload_diff > 1e-5:
        fail(f"the saved model gives different logits after from_pretrained (max abs {reload_diff})")


if __name__ == "__main__":
    main()
