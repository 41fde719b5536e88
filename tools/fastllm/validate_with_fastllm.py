#!/usr/bin/env python3
"""Validates training configs with Fast-LLM's own config classes (GPTTrainerConfig.from_dict + validate).

The oracle for `trainbench migrate`: a migrated config must be one that Fast-LLM itself accepts.

Usage: PYTHONPATH=<Fast-LLM checkout> python3.12 validate_with_fastllm.py CONFIG.yaml...

Fast-LLM's config classes import without PyTorch; they need Python 3.12 or later, PyYAML, requests and
packaging (and numpy for blended datasets, torch for a `pretrained` section). Prints one line per file,
"valid" or "INVALID: <Fast-LLM's message>", and exits 1 when a file is invalid.
"""
import sys

import yaml

import fast_llm.data.auto  # noqa: F401  registers the dataset types (file, memmap, blended, ...)
import fast_llm.layers.attention.config  # noqa: F401  registers the attention mixer (Fast-LLM 0.3)
import fast_llm.models.auto  # noqa: F401  registers the models and checkpoint formats
from fast_llm.models.gpt.config import GPTTrainerConfig


def main(paths: list[str]) -> int:
    invalid = 0
    for path in paths:
        with open(path) as file:
            config = yaml.safe_load(file)
        try:
            GPTTrainerConfig.from_dict(config).validate()
            print(f"{path}: valid")
        except Exception as error:  # Fast-LLM raises several kinds; all mean "not accepted"
            invalid += 1
            message = " | ".join(line.strip() for line in str(error).splitlines() if line.strip())
            print(f"{path}: INVALID: {type(error).__name__}: {message[:800]}")
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
