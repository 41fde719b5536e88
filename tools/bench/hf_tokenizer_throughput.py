#!/usr/bin/env python3
"""Hugging Face tokenizers' throughput on one core, the peer of Trainbench's TokenizerBenchmark.

    RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false python3 tools/bench/hf_tokenizer_throughput.py TOKENIZER_JSON CORPUS

Encodes every line of CORPUS with encode_batch (the fastest Python API), best of 3 passes after a warm-up,
and prints one JSON line. Set the environment variables before Python starts, as above: tokenizers reads
them when its thread pool starts.
"""
import json
import sys
import time

import tokenizers
from tokenizers import Tokenizer


def main():
    tokenizer = Tokenizer.from_file(sys.argv[1])
    lines = open(sys.argv[2], encoding="utf-8").read().split("\n")
    tokenizer.encode_batch(lines[:2000])
    best, count = None, 0
    for _ in range(3):
        start = time.perf_counter()
        encodings = tokenizer.encode_batch(lines)
        seconds = time.perf_counter() - start
        count = sum(len(e.ids) for e in encodings)
        best = seconds if best is None else min(best, seconds)
    print(json.dumps({"peer": "hf-tokenizers", "version": tokenizers.__version__, "tokenizer": sys.argv[1],
                      "tokens": count, "seconds": best, "tokens_per_second": count / best}))


if __name__ == "__main__":
    main()
