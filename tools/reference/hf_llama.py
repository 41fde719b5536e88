"""Shared helpers for the scripts that build random Hugging Face Llama models (fixtures and the GPU training peer).

Imported by make_llama_fixture.py, hf_logits_fixture.py and tools/bench/torch_train_bench.py; needs torch and
transformers (4 or 5).
"""
import torch
import transformers
from transformers import LlamaConfig

MAJOR = int(transformers.__version__.split(".")[0])

# Llama 3.1's rotary scaling.
LLAMA3_ROPE = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
               "original_max_position_embeddings": 8192}


def llama_config(theta, rope_scaling, **kwargs):
    """A LlamaConfig in whichever form this transformers takes (5: rope_parameters; 4: rope_theta + rope_scaling)."""
    if MAJOR >= 5:
        params = {"rope_type": "default"} if rope_scaling is None else dict(rope_scaling)
        params["rope_theta"] = theta
        return LlamaConfig(rope_parameters=params, **kwargs)
    return LlamaConfig(rope_theta=theta, rope_scaling=rope_scaling, **kwargs)


def rope_of(config):
    """The rotary settings as the config holds them (transformers 5: rope_parameters; 4: rope_theta + rope_scaling)."""
    params = getattr(config, "rope_parameters", None)
    if params:
        return dict(params)
    return {"rope_theta": getattr(config, "rope_theta", None), "rope_scaling": getattr(config, "rope_scaling", None)}


def dtype_kwarg(dtype):
    """from_pretrained's dtype argument: `dtype` in transformers 5, `torch_dtype` in 4."""
    return {"dtype": dtype} if MAJOR >= 5 else {"torch_dtype": dtype}


def scaled_init(model):
    """Re-draws the weights (from torch's global generator) with larger scales than transformers' initializer_range
    (0.02), so that logits vary by several units between tokens: a near-uniform softmax would let a wrong model pass.
    Norm weights 1 + 0.2 N(0,1), embeddings N(0,1), (out, in) matrices N(0, 1/in)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1.0 + 0.2 * torch.randn_like(p))
            elif "embed_tokens" in name:
                p.copy_(torch.randn_like(p))
            else:  # (out, in) matrices: unit-scale outputs
                p.copy_(torch.randn_like(p) / p.shape[1] ** 0.5)
